/** Pubsub across overlay nodes, on the runtime's subject syntax. */
export { OverlayPubSub, type PubSubConfig, type PubSubContext } from './pubsub.js';
