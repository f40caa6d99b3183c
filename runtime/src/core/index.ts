export type { App, AppContext, AppEvent, AppEventOf, AppEventType, AppScope, AppScopes, EventFilter, NodeDownReason } from './app-types.js';
export { Controller, type ControllerOptions } from './controller.js';
export { EventBus, type EventBusOptions } from './event-bus.js';
export { EventInterest, type KindInterest } from './event-interest.js';
export {
  API_SWITCH_EVENT_TYPES,
  EVENT_KINDS,
  NODE_EVENT_TYPES,
  PLUGIN_EVENT_TYPES,
  SWITCH_EVENT_TYPES,
  TOPOLOGY_EVENT_TYPES,
  WIT_EVENT_KINDS,
  WIT_WORLD_VERSIONS,
  witEventKindsOf,
  type ApiSwitchEventType,
  type DeliveryClass,
  type EventKindRow,
  type EventSource,
  type NodeEventType,
  type PluginEventType,
  type SwitchEventType,
  type TopologyEventType,
  type WitEventKind,
  type WitWorldVersion,
} from './event-kinds.js';
export { MergedDirectory } from './merged-directory.js';
export { EventLog, type LogEntry, type ReadResult } from './event-log.js';
export { nodeIdOf } from './node.js';
export { delivers, Ownership, type AppKind, type OwnershipOptions, type Recipient } from './ownership.js';
export type { AppIdentity, AppSwitchHandle, Command, SwitchDirectory, SwitchHandle, SwitchRoleView, SwitchView } from './switch-directory.js';
export { SwitchRegistry, type SwitchRegistryOptions } from './switch-registry.js';
