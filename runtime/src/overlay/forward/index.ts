/** Forwarding: unicast along the best route, broadcast by de-duplicated flooding. */
export { Forward, type ForwardConfig, type ForwardContext } from './forward.js';
export { SEEN_WINDOW, SeenCache, type SeenVerdict } from './seen.js';
