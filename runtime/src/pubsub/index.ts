/** Publish/subscribe: the interface and the in-process bus (the gRPC service is api/pubsub.ts). */
export type * from './types.js';
export { PubSubError, type PubSubErrorCode } from './errors.js';
export { InProcessBus, type InProcessBusOptions } from './bus.js';
export { parsePattern, parseSubject } from './subject.js';
