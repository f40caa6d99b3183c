/**
 * The runtime's gRPC API: the Events stream, the Switches service, token auth,
 * and the conversions between proto values and the runtime's values. See
 * README.md for the stream's state diagram and delivery rules.
 */
export { ApiServer, MAX_RECEIVE_MESSAGE_BYTES, type ApiCore, type ApiServerOptions } from './server.js';
export { pluginsService, MAX_WATCH_BACKLOG, type PluginHost, type PluginsContext, type PluginsService } from './plugins.js';
export { Authenticator, hasScope, requireScope, SCOPES, type Principal, type Scope, type TokenConfig } from './auth.js';
export { ApiInputError, ApiNotFoundError, ApiPermissionError, ApiStreamError, ApiUnauthenticatedError } from './errors.js';
export { commandErrorCodeOf, grpcStatusOf, toServiceError } from './status.js';
export { KV_METHOD_SCOPES, kvServiceImpl, type KvServiceOptions } from './kv.js';
export { PUBSUB_METHOD_SCOPES, pubSubServiceImpl, type PubSubServiceOptions } from './pubsub.js';
export { unary } from './switches.js';
export { topologyGrpcService, type TopologyContext } from './topology.js';
export { guardService } from './guard.js';
export { clusterService, type ClusterContext, type ClusterSource } from './cluster.js';
export type { DeliveryLimits } from './events/delivery.js';
