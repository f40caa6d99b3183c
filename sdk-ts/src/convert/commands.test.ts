import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, SdnClientError } from '../errors.js';
import { Command } from '../generated/sdn/runtime/v1/events.js';
import { FlowMod_Command, GroupMod_Type, MeterBand_Type, RoleRequest_Role } from '../generated/sdn/runtime/v1/openflow.js';
import { actions } from '../openflow/actions.js';
import { Group, Port, Table } from '../openflow/constants.js';
import { instructions } from '../openflow/instructions.js';
import { match } from '../openflow/match.js';
import { flowModToProto, groupModToProto, meterModToProto, packetOutToProto, portModToProto, rawToProto, roleToProto, type CommandKind } from './commands.js';
import { flowStatsRequest } from './stats.js';

function invalid(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof SdnClientError && err.code === ErrorCode.INVALID && pattern.test(err.message));
}

/** Encodes the command kind as the stream would and decodes it back: what the runtime will read. */
function wire(kind: CommandKind): Command {
  return Command.decode(Command.encode({ correlationId: 'c1', dpid: 1n, confirm: false, kind, expectReply: false }).finish());
}

describe('command conversion', () => {
  it('a flow-mod gets the spec defaults and survives the wire', () => {
    const cmd = wire(flowModToProto({ match: match().inPort(1).ethDst('02:00:00:00:00:02'), instructions: [instructions.apply(actions.output(2))], idleTimeout: 60 }));
    assert.equal(cmd.kind?.$case, 'flowMod');
    const fm = cmd.kind.value;
    assert.equal(fm.command, FlowMod_Command.COMMAND_ADD);
    assert.equal(fm.priority, 0x8000);
    assert.equal(fm.idleTimeout, 60);
    assert.equal(fm.bufferId, undefined);
    assert.equal(fm.outPort, undefined);
    assert.deepEqual(
      fm.match?.fields.map((f) => [f.field, f.value?.kind]),
      [
        ['in_port', { $case: 'uint', value: 1n }],
        ['eth_dst', { $case: 'text', value: '02:00:00:00:00:02' }],
      ],
    );
    assert.deepEqual(fm.instructions[0]?.kind, { $case: 'applyActions', value: { actions: [{ kind: { $case: 'output', value: { port: 2, maxLen: 0 } } }] } });
  });

  it('a flow-mod delete carries out_port, out_group and the cookie mask', () => {
    const fm = wire(flowModToProto({ command: 'delete', tableId: Table.ALL, outPort: Port.ANY, outGroup: Group.ANY, cookie: 0x1234n << 48n, cookieMask: 0xffffn << 48n })).kind;
    assert.equal(fm?.$case, 'flowMod');
    assert.deepEqual([fm.value.command, fm.value.tableId, fm.value.outPort, fm.value.outGroup, fm.value.cookieMask], [FlowMod_Command.COMMAND_DELETE, 255, Port.ANY, Group.ANY, 0xffffn << 48n]);
  });

  it('a hand-written match is checked like a built one', () => {
    invalid(() => flowModToProto({ match: [{ field: 'tcp_dst', value: 80 }] }), /tcp_dst: needs ip_proto/);
    invalid(() => flowModToProto({ match: [{ field: 'eth_dst', value: 'zz' }] }), /eth_dst takes a MAC address/);
    const ok = wire(flowModToProto({ match: [{ field: 'eth_type', value: 0x0800 }, { field: 'ipv4_src', value: '10.0.0.0', mask: '255.0.0.0' }] })).kind;
    assert.equal(ok?.$case === 'flowMod' && ok.value.match?.fields[1]?.mask?.kind?.$case, 'text');
  });

  it('refuses flow-mods a switch would refuse', () => {
    invalid(() => flowModToProto({ tableId: Table.ALL }), /Table.ALL is only for deletes/);
    invalid(() => flowModToProto({ tableId: 3, instructions: [instructions.gotoTable(2)] }), /must go forward/);
    invalid(() => flowModToProto({ priority: 0x10000 }), /priority/);
    invalid(() => flowModToProto({ command: 'replace' as 'add' }), /one of "add"/);
    invalid(() => flowModToProto({ cookie: 1 as unknown as bigint }), /cookie: a bigint/);
  });

  it('a packet-out carries either the frame or a buffer id', () => {
    const data = new Uint8Array([1, 2, 3]);
    const po = wire(packetOutToProto({ data, actions: [actions.output(Port.FLOOD)], inPort: 1 })).kind;
    assert.equal(po?.$case, 'packetOut');
    assert.deepEqual([...po.value.data], [1, 2, 3]);
    assert.equal(po.value.bufferId, undefined);
    assert.equal(po.value.inPort, 1);
    const buffered = wire(packetOutToProto({ bufferId: 7, actions: [] })).kind;
    assert.equal(buffered?.$case === 'packetOut' && buffered.value.bufferId, 7);
    invalid(() => packetOutToProto({ actions: [] }), /give the frame as data, or the bufferId/);
    invalid(() => packetOutToProto({ data, bufferId: 7, actions: [] }), /not both/);
    invalid(() => packetOutToProto({ data, actions: [{ type: 'output', port: 0, maxLen: 0 }] }), /not a port to send to/);
  });

  it('group-mods: buckets checked per group type', () => {
    const g = wire(groupModToProto({ type: 'select', groupId: 1, buckets: [{ actions: [actions.output(1)] }, { weight: 3, actions: [actions.output(2)] }] })).kind;
    assert.equal(g?.$case, 'groupMod');
    assert.equal(g.value.type, GroupMod_Type.TYPE_SELECT);
    assert.deepEqual(g.value.buckets.map((b) => b.weight), [1, 3]);
    invalid(() => groupModToProto({ type: 'indirect', groupId: 1, buckets: [] }), /exactly one bucket/);
    invalid(() => groupModToProto({ type: 'fastFailover', groupId: 1, buckets: [{ actions: [] }] }), /watches a port or a group/);
    invalid(() => groupModToProto({ groupId: Group.ALL }), /reserved/);
    assert.equal(groupModToProto({ command: 'delete', groupId: Group.ALL }).$case, 'groupMod');
  });

  it('meter-mods: ids and bands', () => {
    const m = wire(meterModToProto({ meterId: 1, flags: 1, bands: [{ type: 'drop', rate: 1000 }, { type: 'dscpRemark', rate: 10, precLevel: 1 }] })).kind;
    assert.equal(m?.$case, 'meterMod');
    assert.deepEqual(m.value.bands.map((b) => b.type), [MeterBand_Type.TYPE_DROP, MeterBand_Type.TYPE_DSCP_REMARK]);
    invalid(() => meterModToProto({ meterId: 0 }), /not a meter id/);
    invalid(() => meterModToProto({ meterId: 1, bands: [{ type: 'police' } as never] }), /type: one of "drop", "dscpRemark", "experimenter" is needed, got "police"/);
  });

  it('port-mod, role, raw', () => {
    invalid(() => portModToProto({ portNo: 1, hwAddr: 'x', config: 1, mask: 1 }), /hwAddr: "x" is not a MAC address/);
    invalid(() => portModToProto({ portNo: Port.FLOOD, hwAddr: '02:00:00:00:00:01', config: 1, mask: 1 }), /not a physical port/);
    const role = wire(roleToProto('master', 5n)).kind;
    assert.deepEqual(role?.$case === 'role' && [role.value.role, role.value.generationId], [RoleRequest_Role.ROLE_MASTER, 5n]);
    invalid(() => rawToProto(new Uint8Array([4, 2, 0, 8, 0, 0, 0])), /8-byte header/);
    invalid(() => rawToProto(new Uint8Array([4, 2, 0, 9, 0, 0, 0, 0])), /header says 9 bytes, the message has 8/);
    assert.equal(rawToProto(new Uint8Array([4, 2, 0, 8, 0, 0, 0, 0])).$case, 'raw');
  });

  it('flow stats requests leave absent filters absent', () => {
    const s = wire(flowStatsRequest('flow', { tableId: 0 })).kind;
    assert.equal(s?.$case, 'stats');
    assert.equal(s.value.kind?.$case, 'flow');
    assert.deepEqual([s.value.kind.value.tableId, s.value.kind.value.outPort, s.value.kind.value.outGroup], [0, undefined, undefined]);
  });
});
