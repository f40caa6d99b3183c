import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sdk from './index.js';
import type * as types from './index.js';

// The public surface, pinned: adding or removing a name is a decision, made here.
const VALUES = [
  'APP_COOKIE_MASK',
  'CONTROLLER_MAX_LEN_NO_BUFFER',
  'CtState',
  'DEFAULT_PRIORITY',
  'ErrorCode',
  'EthType',
  'FlowModFlags',
  'FlowRemovedReason',
  'Group',
  'IpProto',
  'KvClient',
  'KvWatch',
  'MatchBuilder',
  'Meter',
  'NO_BUFFER',
  'NxCtFlags',
  'OFPVID_PRESENT',
  'PacketInReason',
  'PluginWatch',
  'PluginsClient',
  'Port',
  'PortReason',
  'SdnApp',
  'SdnClientError',
  'SwitchClient',
  'SwitchStats',
  'Table',
  'actions',
  'connect',
  'formatDpid',
  'instructions',
  'match',
  'matchValue',
  'packet',
  'parseDpid',
];

const PACKET = [
  'ArpOp',
  'LldpChassisIdSubtype',
  'LldpPortIdSubtype',
  'LldpTlvType',
  'PacketError',
  'TcpFlags',
  'buildFrame',
  'internetChecksum',
  'isFragment',
  'parseArp',
  'parseEthernet',
  'parseFrame',
  'parseIcmp',
  'parseIcmpv6',
  'parseIpv4',
  'parseIpv6',
  'parseLldp',
  'parseTcp',
  'parseUdp',
];

// The exported types, pinned at compile time: removing or renaming one fails the build.
export type _PinnedTypes = [
  types.Action,
  types.AggregateStats,
  types.BucketSpec,
  types.CommandOptions,
  types.CommandResult,
  types.ConnectOptions,
  types.ClusterEventType,
  types.ConnectionState,
  types.DescStats,
  types.Endpoint,
  types.ErrorHandler,
  types.EventType,
  types.FlowModCommand,
  types.FlowModOptions,
  types.FlowRemovedEvent,
  types.FlowStats,
  types.FlowStatsOptions,
  types.GapEvent,
  types.GroupBucket,
  types.GroupDesc,
  types.GroupModOptions,
  types.GroupStats,
  types.GroupType,
  types.Handler,
  types.Host,
  types.HostAddedEvent,
  types.HostMovedEvent,
  types.HostRemovedEvent,
  types.Instruction,
  types.KeyValue,
  types.KvBytes,
  types.KvChange,
  types.KvChangeEvent,
  types.KvCompare,
  types.KvDeleteResult,
  types.KvGetResult,
  types.KvOp,
  types.KvOpResult,
  types.KvPutResult,
  types.KvRangeOptions,
  types.KvRangeResult,
  types.KvTxn,
  types.KvTxnResult,
  types.KvWatchOptions,
  types.KvWatchSubscription,
  types.Link,
  types.LinkDownEvent,
  types.LinkUpEvent,
  types.NodeDownEvent,
  types.NodeUpEvent,
  types.Match,
  types.MatchField,
  types.MeterBandDesc,
  types.MeterBandSpec,
  types.MeterConfig,
  types.MeterModOptions,
  types.MeterStats,
  types.NxFlowSpec,
  types.NxFlowSpecField,
  types.NxLearnOptions,
  types.NxNatRange,
  types.NxmField,
  types.OpaqueMatchField,
  types.OpenFlowErrorInfo,
  types.OxmFieldName,
  types.OxmValue,
  types.OxmValueOf<'eth_dst'>,
  types.PacketInEvent,
  types.RoleChangedEvent,
  types.PacketOutOptions,
  types.PluginCounters,
  types.PluginError,
  types.PluginLoadOptions,
  types.PluginState,
  types.PluginStateChange,
  types.PluginStatus,
  types.PortDesc,
  types.PortModOptions,
  types.PortStats,
  types.PortStatusEvent,
  types.PubSubMessageEvent,
  types.QueueStats,
  types.ReconnectOptions,
  types.Role,
  types.SdnEvent,
  types.SubscribeOptions,
  types.SwitchDownEvent,
  types.SwitchErrorEvent,
  types.SwitchEventType,
  types.SwitchInfo,
  types.SwitchRole,
  types.SwitchUpEvent,
  types.TableDeclaration,
  types.TableModOptions,
  types.TableStats,
  types.TlsOptions,
  types.TopologyEventType,
  types.packet.Arp,
  types.packet.Ethernet,
  types.packet.Frame,
  types.packet.FrameSpec,
  types.packet.Icmp,
  types.packet.Icmpv6,
  types.packet.Ipv4,
  types.packet.Ipv6,
  types.packet.Lldp,
  types.packet.Tcp,
  types.packet.Udp,
  types.packet.VlanTag,
];

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

// Event fields apps rely on, pinned at compile time: changing one's type fails the build.
export const _pinnedFields: [
  Same<types.SwitchUpEvent['snapshot'], boolean>,
  Same<sdk.SdnApp['appId'], number>,
  Same<sdk.SdnApp['tables'], ReadonlyMap<string, number>>,
  Same<Pick<types.SwitchInfo, 'role' | 'masterNode' | 'generation'>, { readonly role: types.SwitchRole; readonly masterNode: string; readonly generation: bigint }>,
] = [true, true, true, true];

describe('public surface', () => {
  it('exports exactly the pinned names, and nothing generated', () => {
    assert.deepEqual(Object.keys(sdk).sort(), VALUES);
    assert.deepEqual(Object.keys(sdk.packet).sort(), PACKET);
  });

  it('KvClient offers exactly the pinned methods (rangePages reads a range larger than one response)', () => {
    const methods = Object.getOwnPropertyNames(sdk.KvClient.prototype).filter((name) => name !== 'constructor');
    assert.deepEqual(methods.sort(), ['closeWatches', 'delete', 'get', 'put', 'range', 'rangePages', 'txn', 'watch']);
  });

  it('pins flow ownership: the app keeps the low 48 bits of its cookies, and knows its app id (the top 16)', () => {
    assert.equal(sdk.APP_COOKIE_MASK, 0xffffffffffffn);
    assert.ok(Object.getOwnPropertyDescriptor(sdk.SdnApp.prototype, 'appId')?.get !== undefined);
    assert.ok(Object.getOwnPropertyDescriptor(sdk.SdnApp.prototype, 'tables')?.get !== undefined, 'named tables\' ids');
  });

  it('the package entry points are the ones package.json names', async () => {
    const pkg = (await import('../package.json', { with: { type: 'json' } })) as { default: { name: string; exports: Record<string, { default: string }> } };
    assert.equal(pkg.default.name, '@sdn-runtime/sdk');
    assert.deepEqual(Object.keys(pkg.default.exports), ['.', './packet']);
    const packet = (await import('./packet/index.js')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(packet).sort(), PACKET);
  });
});
