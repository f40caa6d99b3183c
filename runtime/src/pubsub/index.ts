/** Publish/subscribe: the interface, the in-process bus and its gRPC service. */
export type * from './types.js';
export { PubSubError, type PubSubErrorCode } from './errors.js';
export { InProcessBus, type InProcessBusOptions } from './bus.js';
export { parsePattern, parseSubject } from './subject.js';
export { SubjectTrie } from './trie.js';
export { PUBSUB_METHOD_SCOPES, pubSubServiceImpl, type PubSubServiceOptions } from './pubsub-service.js';
