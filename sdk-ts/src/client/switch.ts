import {
  flowModToProto,
  groupModToProto,
  meterModToProto,
  packetOutToProto,
  portModToProto,
  rawToProto,
  roleFromProto,
  roleToProto,
  tableModToProto,
  type CommandKind,
  type FlowModOptions,
  type GroupModOptions,
  type MeterModOptions,
  type PacketOutOptions,
  type PortModOptions,
  type Role,
  type TableModOptions,
} from '../convert/commands.js';
import type { PortDesc } from '../convert/openflow.js';
import {
  descFromProto,
  expectReply,
  flowStatsFromProto,
  flowStatsRequest,
  groupDescFromProto,
  meterConfigFromProto,
  optionalId,
  portListFromProto,
  simpleStatsRequest,
  type AggregateStats,
  type DescStats,
  type FlowStats,
  type FlowStatsOptions,
  type GroupDesc,
  type GroupStats,
  type MeterConfig,
  type MeterStats,
  type PortStats,
  type QueueStats,
  type TableStats,
} from '../convert/stats.js';
import { ErrorCode, SdnClientError } from '../errors.js';
import type { CommandResult as PbCommandResult } from '../generated/sdn/runtime/v1/events.js';

/** What a command resolves to: the runtime's answer and the correlation id it carried. */
export interface CommandResult<T = undefined> {
  readonly correlationId: string;
  readonly value: T;
}

export interface CommandOptions {
  /** Resolve only once a barrier proves the switch applied it (mods and packet-out). */
  readonly confirm?: boolean;
}

/** The app's side of the stream, as switch handles use it. */
export interface CommandChannel {
  /** Sends a command with a correlation id; resolves with its successful result, rejects with SdnClientError. */
  request(dpid: bigint, kind: CommandKind, what: string, options: { readonly confirm?: boolean; readonly expectReply?: boolean }): Promise<PbCommandResult>;
  /** Sends a command without a correlation id (errors arrive as switchError events). */
  send(dpid: bigint, kind: CommandKind): void;
}

const NOTHING = {};

function answer<T>(r: PbCommandResult, value: T): CommandResult<T> {
  return { correlationId: r.correlationId, value };
}

function unexpected(r: PbCommandResult, what: string, wanted: string): SdnClientError {
  return new SdnClientError(ErrorCode.PROTOCOL, `the runtime answered ${what} with ${r.kind?.$case ?? 'nothing'}, not ${wanted}`, { correlationId: r.correlationId });
}

/**
 * Commands to one switch. Each command method resolves with the runtime's
 * CommandResult once it answers (after a barrier with `{ confirm: true }`) and
 * rejects with SdnClientError: INVALID before anything is sent when an argument
 * is wrong, UNKNOWN_SWITCH, SWITCH_ERROR (with `openflow`), UNAVAILABLE, TIMEOUT.
 * The `send*` variants are for the hot path: checked and written at once, no
 * correlation id and no promise; a switch error arrives as a switchError event.
 * They throw INVALID for a bad argument and UNAVAILABLE while reconnecting.
 */
export class SwitchClient {
  /** Multipart statistics requests. */
  readonly stats: SwitchStats;

  constructor(
    private readonly channel: CommandChannel,
    readonly dpid: bigint,
  ) {
    this.stats = new SwitchStats(channel, dpid);
  }

  flowMod(o: FlowModOptions, options: CommandOptions = {}): Promise<CommandResult> {
    return this.ok(() => flowModToProto(o), 'flowMod', options);
  }
  sendFlowMod(o: FlowModOptions): void {
    this.channel.send(this.dpid, flowModToProto(o));
  }
  packetOut(o: PacketOutOptions, options: CommandOptions = {}): Promise<CommandResult> {
    return this.ok(() => packetOutToProto(o), 'packetOut', options);
  }
  sendPacketOut(o: PacketOutOptions): void {
    this.channel.send(this.dpid, packetOutToProto(o));
  }
  groupMod(o: GroupModOptions, options: CommandOptions = {}): Promise<CommandResult> {
    return this.ok(() => groupModToProto(o), 'groupMod', options);
  }
  sendGroupMod(o: GroupModOptions): void {
    this.channel.send(this.dpid, groupModToProto(o));
  }
  meterMod(o: MeterModOptions, options: CommandOptions = {}): Promise<CommandResult> {
    return this.ok(() => meterModToProto(o), 'meterMod', options);
  }
  sendMeterMod(o: MeterModOptions): void {
    this.channel.send(this.dpid, meterModToProto(o));
  }
  portMod(o: PortModOptions, options: CommandOptions = {}): Promise<CommandResult> {
    return this.ok(() => portModToProto(o), 'portMod', options);
  }
  sendPortMod(o: PortModOptions): void {
    this.channel.send(this.dpid, portModToProto(o));
  }
  tableMod(o: TableModOptions, options: CommandOptions = {}): Promise<CommandResult> {
    return this.ok(() => tableModToProto(o), 'tableMod', options);
  }
  sendTableMod(o: TableModOptions): void {
    this.channel.send(this.dpid, tableModToProto(o));
  }

  /** Resolves once the switch has processed everything sent to it before. */
  barrier(): Promise<CommandResult> {
    return this.ok(() => ({ $case: 'barrier', value: NOTHING }), 'barrier', {});
  }

  /** OFPT_ROLE_REQUEST: this runtime's role towards the switch. */
  async role(role: Role, generationId = 0n): Promise<CommandResult<{ readonly role: Role; readonly generationId: bigint }>> {
    const r = await this.channel.request(this.dpid, roleToProto(role, generationId), 'role', {});
    if (r.kind?.$case !== 'role') throw unexpected(r, 'role', 'a role reply');
    return answer(r, { role: roleFromProto(r.kind.value.role), generationId: r.kind.value.generationId });
  }

  /**
   * A whole OpenFlow message the typed commands do not cover (the runtime sets
   * version and xid). With `expectReply`, resolves with every message of the
   * switch's reply; otherwise with an empty list once sent.
   */
  async raw(message: Uint8Array, options: { readonly expectReply?: boolean } = {}): Promise<CommandResult<readonly Uint8Array[]>> {
    const r = await this.channel.request(this.dpid, rawToProto(message), 'raw', { expectReply: options.expectReply === true });
    if (r.kind?.$case === 'raw') return answer(r, r.kind.value.messages);
    if (r.kind?.$case === 'ok' && options.expectReply !== true) return answer(r, []);
    throw unexpected(r, 'raw', 'a raw reply');
  }

  private async ok(make: () => CommandKind, what: string, options: CommandOptions): Promise<CommandResult> {
    const r = await this.channel.request(this.dpid, make(), what, { confirm: options.confirm === true });
    if (r.kind?.$case !== 'ok') throw unexpected(r, what, 'ok');
    return answer(r, undefined);
  }
}

/** Statistics of one switch; each resolves with the reply, all parts joined. */
export class SwitchStats {
  constructor(
    private readonly channel: CommandChannel,
    private readonly dpid: bigint,
  ) {}

  async desc(): Promise<CommandResult<DescStats>> {
    const r = await this.request(simpleStatsRequest({ $case: 'desc', value: NOTHING }), 'stats.desc');
    return answer(r, descFromProto(expectReply(stats(r), 'desc')));
  }
  async flow(o: FlowStatsOptions = {}): Promise<CommandResult<readonly FlowStats[]>> {
    const r = await this.request(flowStatsRequest('flow', o), 'stats.flow');
    return answer(r, expectReply(stats(r), 'flow').stats.map(flowStatsFromProto));
  }
  async aggregate(o: FlowStatsOptions = {}): Promise<CommandResult<AggregateStats>> {
    const r = await this.request(flowStatsRequest('aggregate', o), 'stats.aggregate');
    const a = expectReply(stats(r), 'aggregate');
    return answer(r, { packetCount: a.packetCount, byteCount: a.byteCount, flowCount: a.flowCount });
  }
  async table(): Promise<CommandResult<readonly TableStats[]>> {
    const r = await this.request(simpleStatsRequest({ $case: 'table', value: NOTHING }), 'stats.table');
    return answer(r, expectReply(stats(r), 'table').stats.map((s) => ({ ...s })));
  }
  /** Counters of one port, or of every port. */
  async port(portNo?: number): Promise<CommandResult<readonly PortStats[]>> {
    const r = await this.request(simpleStatsRequest({ $case: 'portStats', value: { portNo: optionalId(portNo, 'stats.port portNo') } }), 'stats.port');
    return answer(r, expectReply(stats(r), 'portStats').stats.map((s) => ({ ...s })));
  }
  async portDesc(): Promise<CommandResult<readonly PortDesc[]>> {
    const r = await this.request(simpleStatsRequest({ $case: 'portDesc', value: NOTHING }), 'stats.portDesc');
    return answer(r, portListFromProto(expectReply(stats(r), 'portDesc')));
  }
  async queue(portNo?: number, queueId?: number): Promise<CommandResult<readonly QueueStats[]>> {
    const value = { portNo: optionalId(portNo, 'stats.queue portNo'), queueId: optionalId(queueId, 'stats.queue queueId') };
    const r = await this.request(simpleStatsRequest({ $case: 'queue', value }), 'stats.queue');
    return answer(r, expectReply(stats(r), 'queue').stats.map((s) => ({ ...s })));
  }
  async group(groupId?: number): Promise<CommandResult<readonly GroupStats[]>> {
    const r = await this.request(simpleStatsRequest({ $case: 'group', value: { groupId: optionalId(groupId, 'stats.group groupId') } }), 'stats.group');
    return answer(r, expectReply(stats(r), 'group').stats.map((s) => ({ ...s })));
  }
  async groupDesc(): Promise<CommandResult<readonly GroupDesc[]>> {
    const r = await this.request(simpleStatsRequest({ $case: 'groupDesc', value: NOTHING }), 'stats.groupDesc');
    return answer(r, expectReply(stats(r), 'groupDesc').groups.map(groupDescFromProto));
  }
  async meter(meterId?: number): Promise<CommandResult<readonly MeterStats[]>> {
    const r = await this.request(simpleStatsRequest({ $case: 'meter', value: { meterId: optionalId(meterId, 'stats.meter meterId') } }), 'stats.meter');
    return answer(r, expectReply(stats(r), 'meter').stats.map((s) => ({ ...s })));
  }
  async meterConfig(meterId?: number): Promise<CommandResult<readonly MeterConfig[]>> {
    const r = await this.request(simpleStatsRequest({ $case: 'meterConfig', value: { meterId: optionalId(meterId, 'stats.meterConfig meterId') } }), 'stats.meterConfig');
    return answer(r, expectReply(stats(r), 'meterConfig').meters.map(meterConfigFromProto));
  }

  private request(kind: CommandKind, what: string): Promise<PbCommandResult> {
    return this.channel.request(this.dpid, kind, what, {});
  }
}

function stats(r: PbCommandResult): Parameters<typeof expectReply>[0] {
  return r.kind?.$case === 'stats' ? r.kind.value : undefined;
}
