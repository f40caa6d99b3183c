/**
 * @sdn-runtime/sdk: write sdn-runtime apps in TypeScript. This file is the whole
 * public API (the generated protobuf code stays internal); a test pins its names.
 *
 *   const app = await connect({ target: 'localhost:50051', name: 'my-app' });
 *   app.onPacketIn((ev) => app.switch(ev.dpid).sendPacketOut({ data: ev.data, inPort: ev.inPort, actions: [actions.output(Port.FLOOD)] }));
 */
export { connect } from './connect.js';
export { SdnApp, type ErrorHandler } from './client/app.js';
export type { Handler } from './client/delivery.js';
export type { ConnectOptions, KvWatchSubscription, SubscribeOptions, TableDeclaration, TlsOptions } from './client/options.js';
export type { ConnectionState, ReconnectOptions } from './client/stream.js';
export { SwitchClient, SwitchStats, type CommandOptions, type CommandResult } from './client/switch.js';
export { PluginsClient, PluginWatch, type PluginCounters, type PluginError, type PluginLoadOptions, type PluginState, type PluginStateChange, type PluginStatus } from './client/plugins.js';
export {
  KvClient,
  KvWatch,
  type KvBytes,
  type KvChange,
  type KvCompare,
  type KvDeleteResult,
  type KvGetResult,
  type KvOp,
  type KvOpResult,
  type KvPutResult,
  type KvRangeOptions,
  type KvRangeResult,
  type KvTxn,
  type KvTxnResult,
  type KvWatchOptions,
} from './client/kv.js';
export {
  APP_COOKIE_MASK,
  DEFAULT_PRIORITY,
  type BucketSpec,
  type FlowModCommand,
  type FlowModOptions,
  type GroupModOptions,
  type GroupType,
  type MeterBandSpec,
  type MeterModOptions,
  type PacketOutOptions,
  type PortModOptions,
  type Role,
  type TableModOptions,
} from './convert/commands.js';
export type {
  ClusterEventType,
  Endpoint,
  EventType,
  FlowRemovedEvent,
  GapEvent,
  Host,
  HostAddedEvent,
  HostMovedEvent,
  HostRemovedEvent,
  KeyValue,
  KvChangeEvent,
  Link,
  LinkDownEvent,
  LinkUpEvent,
  NodeDownEvent,
  NodeUpEvent,
  PacketInEvent,
  PortStatusEvent,
  PubSubMessageEvent,
  RoleChangedEvent,
  SdnEvent,
  SwitchDownEvent,
  SwitchErrorEvent,
  SwitchEventType,
  SwitchInfo,
  SwitchRole,
  SwitchUpEvent,
  TopologyEventType,
} from './convert/events.js';
export type { PortDesc } from './convert/openflow.js';
export type {
  AggregateStats,
  DescStats,
  FlowStats,
  FlowStatsOptions,
  GroupBucket,
  GroupDesc,
  GroupStats,
  MeterBandDesc,
  MeterConfig,
  MeterStats,
  PortStats,
  QueueStats,
  TableStats,
} from './convert/stats.js';
export { formatDpid, parseDpid } from './dpid.js';
export { ErrorCode, SdnClientError, type OpenFlowErrorInfo } from './errors.js';
export { actions, type Action } from './openflow/actions.js';
export type { NxFlowSpec, NxFlowSpecField, NxLearnOptions, NxmField, NxNatRange } from './openflow/nicira.js';
export {
  CONTROLLER_MAX_LEN_NO_BUFFER,
  CtState,
  EthType,
  FlowModFlags,
  FlowRemovedReason,
  Group,
  IpProto,
  Meter,
  NO_BUFFER,
  NxCtFlags,
  PacketInReason,
  Port,
  PortReason,
  Table,
} from './openflow/constants.js';
export { instructions, type Instruction } from './openflow/instructions.js';
export { match, matchValue, MatchBuilder, OFPVID_PRESENT } from './openflow/match.js';
export type { OxmFieldName, OxmValueOf } from './openflow/oxm-fields.js';
export type { Match, MatchField, OpaqueMatchField, OxmValue } from './openflow/oxm-values.js';
export * as packet from './packet/index.js';
