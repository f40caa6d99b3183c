import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  OFP_NO_BUFFER,
  OFPBRC_BAD_EXPERIMENTER,
  OFPET_BAD_REQUEST,
  OFPFW_ALL,
  OFPFW_DL_DST,
  OFPFW_DL_SRC,
  OFPFW_IN_PORT,
  OFPP_CONTROLLER,
  OFPP_CONTROLLER_10,
  OFPP_FLOOD,
  OFPP_FLOOD_10,
  OFPP_NONE_10,
  OFPR_NO_MATCH,
  type Match10,
  type OfpMessage,
} from '../../../runtime/dist/openflow/index.js';
import { encodeProbe } from '../../../runtime/dist/topology/index.js';
import { describeFlowMod } from './describe.js';
import { EmulatedSwitch } from './emulated-switch.js';
import { LatencyHistogram } from './histogram.js';
import type { OpenFlowVersion } from './switch-wire.js';
import { FakeController } from './testing/fake-controller.js';
import { FRAME_SIZE, TrafficPlan } from './traffic.js';

const INDEX = 2;
const DPID = 0x2an;
const PORTS = 4;

/** `promise`, or a rejection naming `what` after `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A switch keeping one PACKET_IN outstanding (cbench's latency mode), connected to a fresh fake controller. */
async function connected(openflow: OpenFlowVersion): Promise<{ sw: EmulatedSwitch; controller: FakeController; plan: TrafficPlan }> {
  const controller = await FakeController.listen();
  const plan = new TrafficPlan(16, PORTS);
  const sw = new EmulatedSwitch({ index: INDEX, dpid: DPID, openflow, plan, inFlightCapacity: 1024, histogram: new LatencyHistogram(), window: 1, batch: 16, traffic: 'answered' });
  after(async () => {
    await sw.close();
    await controller.close();
  });
  await sw.connect('127.0.0.1', controller.port, performance.now() + 5000);
  return { sw, controller, plan };
}

/** Match10 with every field zero; `wildcards` says which count. */
function match10(wildcards: number, fields: Partial<Match10> = {}): Match10 {
  const zero = { inPort: 0, dlSrc: '00:00:00:00:00:00', dlDst: '00:00:00:00:00:00', dlVlan: 0, dlVlanPcp: 0, dlType: 0, nwTos: 0, nwProto: 0, nwSrc: '0.0.0.0', nwDst: '0.0.0.0', tpSrc: 0, tpDst: 0 };
  return { ...zero, wildcards, ...fields };
}

function flowMod10(xid: number, priority: number, match: Match10, outPort: number): OfpMessage {
  return { type: 'FlowMod10', version: 1, xid, match, cookie: 0n, command: 0, idleTimeout: priority === 0 ? 0 : 60, hardTimeout: 0, priority, bufferId: OFP_NO_BUFFER, outPort: OFPP_NONE_10, flags: 0, actions: [{ type: 'output', port: outPort, maxLen: 0xffff }] };
}

describe('EmulatedSwitch, OpenFlow 1.0', () => {
  it('negotiates 1.0, lists its ports in FEATURES_REPLY, answers DESC stats, refuses VENDOR and sends 1.0 PACKET_INs whose PACKET_OUTs it checks', async () => {
    const { sw, controller, plan } = await connected('1.0');

    const hello = await controller.expect('Hello');
    assert.equal(hello.version, 1);
    assert.deepEqual(hello.elements, []);

    controller.send({ type: 'Hello', version: 1, xid: 1, elements: [] });
    controller.send({ type: 'FeaturesRequest', version: 1, xid: 2 });
    controller.send({ type: 'SetConfig', version: 1, xid: 3, flags: 0, missSendLen: 0xffff });
    controller.send({ type: 'StatsRequest', version: 1, xid: 4, flags: 0, body: { type: 'desc' } });
    controller.send({ type: 'Vendor', version: 1, xid: 5, vendor: 0x2320, data: Buffer.from([0, 0, 0, 23]) });
    controller.send({ type: 'BarrierRequest', version: 1, xid: 6 });

    const features = await controller.expect('FeaturesReply');
    assert.equal(features.version, 1);
    assert.equal(features.xid, 2);
    assert.equal(features.datapathId, DPID);
    assert.equal(features.actions, 0xfff);
    assert.deepEqual(features.ports?.map((p) => [p.portNo, p.hwAddr, p.name]), [
      [1, '02:fe:00:02:00:01', 's2-p1'],
      [2, '02:fe:00:02:00:02', 's2-p2'],
      [3, '02:fe:00:02:00:03', 's2-p3'],
      [4, '02:fe:00:02:00:04', 's2-p4'],
    ]);
    const desc = await controller.expect('StatsReply');
    assert.equal(desc.xid, 4);
    assert.equal(desc.body.type, 'desc');
    const refused = await controller.expect('Error');
    assert.deepEqual([refused.version, refused.xid, refused.errorType, refused.code], [1, 5, OFPET_BAD_REQUEST, OFPBRC_BAD_EXPERIMENTER]);
    assert.equal((await controller.expect('BarrierReply')).xid, 6);
    assert.equal(sw.state, 'probing');

    sw.probe();
    const first = await controller.expect('PacketIn10');
    const source = plan.sourceOf(INDEX, 0);
    assert.deepEqual([first.version, first.xid, first.bufferId, first.totalLen, first.reason, first.inPort], [1, 0, OFP_NO_BUFFER, FRAME_SIZE, OFPR_NO_MATCH, plan.portOf(source)]);
    assert.equal(TrafficPlan.seqOf(first.data), 0);
    assert.equal(plan.hostAt(first.data, 6), source);

    // The table-miss flow and a learned one, then the answer: to the destination's port.
    const destinationPort = plan.portOf(plan.destinationOf(source));
    controller.send(flowMod10(7, 0, match10(OFPFW_ALL), OFPP_CONTROLLER_10));
    const learned = match10(OFPFW_ALL & ~(OFPFW_IN_PORT | OFPFW_DL_SRC | OFPFW_DL_DST), { inPort: first.inPort });
    controller.send(flowMod10(8, 1, learned, destinationPort));
    controller.send({ type: 'PacketOut10', version: 1, xid: 9, bufferId: OFP_NO_BUFFER, inPort: first.inPort, actions: [{ type: 'output', port: destinationPort, maxLen: 0 }], data: first.data });
    await within(sw.ready, 5000, 'the switch did not start running');
    assert.equal(sw.state, 'running');

    // One outstanding: the next PACKET_IN follows the answer; a flood answers it.
    const second = await controller.expect('PacketIn10');
    assert.equal(second.xid, 1);
    controller.send({ type: 'PacketOut10', version: 1, xid: 10, bufferId: OFP_NO_BUFFER, inPort: second.inPort, actions: [{ type: 'output', port: OFPP_FLOOD_10, maxLen: 0 }], data: second.data });
    assert.equal((await controller.expect('PacketIn10')).xid, 2);

    assert.deepEqual(
      { packetOuts: sw.counts.packetOuts, unicast: sw.counts.unicast, floods: sw.counts.floods, wrongOutput: sw.counts.wrongOutput, flowMods: sw.counts.flowMods, errors: sw.counts.errors, undecodable: sw.counts.undecodable },
      { packetOuts: 2, unicast: 1, floods: 1, wrongOutput: 0, flowMods: 2, errors: 0, undecodable: 0 },
    );
    assert.equal(sw.inFlight.counts.answered, 2);
    assert.equal(describeFlowMod(sw.tableMiss!), 'priority 0, idle 0 s, hard 0 s, buffer none, match any, actions [output:CONTROLLER]');
    assert.equal(describeFlowMod(sw.learnedFlow!), `priority 1, idle 60 s, hard 0 s, buffer none, match in_port,dl_src,dl_dst, actions [output:${destinationPort}]`);
  });
});

describe('EmulatedSwitch, OpenFlow 1.3', () => {
  it('offers 1.3 only, answers PORT_DESC, sends PACKET_INs with an in_port OXM and counts an OpenFlow 1.0 flood port as a wrong output', async () => {
    const { sw, controller, plan } = await connected('1.3');

    const hello = await controller.expect('Hello');
    assert.equal(hello.version, 4);
    assert.deepEqual(hello.elements.map((e) => (e.type === 'versionBitmap' ? e.versions : e.type)), [[4]]);

    controller.send({ type: 'Hello', version: 4, xid: 1, elements: [] });
    controller.send({ type: 'FeaturesRequest', version: 4, xid: 2 });
    controller.send({ type: 'MultipartRequest', version: 4, xid: 3, flags: 0, body: { type: 'portDesc' } });
    const features = await controller.expect('FeaturesReply');
    assert.deepEqual([features.version, features.datapathId, features.ports], [4, DPID, undefined]);
    const ports = await controller.expect('MultipartReply');
    assert.equal(ports.body.type === 'portDesc' ? ports.body.ports.length : -1, PORTS);

    sw.probe();
    const first = await controller.expect('PacketIn');
    const source = plan.sourceOf(INDEX, 0);
    assert.deepEqual([first.version, first.xid, first.bufferId, first.totalLen, first.tableId], [4, 0, OFP_NO_BUFFER, FRAME_SIZE, 0]);
    assert.deepEqual(first.match, [{ field: 'in_port', value: plan.portOf(source) }]);

    controller.send({ type: 'PacketOut', version: 4, xid: 4, bufferId: OFP_NO_BUFFER, inPort: plan.portOf(source), actions: [{ type: 'output', port: OFPP_FLOOD, maxLen: 0 }], data: first.data });
    await within(sw.ready, 5000, 'the switch did not start running');
    const second = await controller.expect('PacketIn');
    controller.send({ type: 'PacketOut', version: 4, xid: 5, bufferId: OFP_NO_BUFFER, inPort: 1, actions: [{ type: 'output', port: OFPP_FLOOD_10, maxLen: 0 }], data: second.data });
    assert.equal((await controller.expect('PacketIn')).xid, 2);

    assert.deepEqual([sw.counts.floods, sw.counts.unicast, sw.counts.wrongOutput], [1, 0, 1]);
  });
});

describe('EmulatedSwitch cables', () => {
  /** Switch `index` (4 ports, no traffic) connected to its own fake controller, HELLO read. */
  async function plugged(index: number): Promise<{ sw: EmulatedSwitch; controller: FakeController }> {
    const controller = await FakeController.listen();
    const sw = new EmulatedSwitch({ index, dpid: BigInt(index + 1), openflow: '1.3', plan: new TrafficPlan(2, PORTS), inFlightCapacity: 2, histogram: new LatencyHistogram(), window: 0, batch: 16, traffic: 'none' });
    after(async () => {
      await sw.close();
      await controller.close();
    });
    await sw.connect('127.0.0.1', controller.port, performance.now() + 5000);
    await controller.expect('Hello');
    return { sw, controller };
  }

  const secret = Buffer.alloc(32, 7);
  const probe = (dpid: bigint, port: number, nowMs: number): Buffer => encodeProbe({ dpid, port, hwAddr: '02:fe:00:00:00:01', node: 1, nowMs }, secret);
  const packetOut = (xid: number, port: number, data: Buffer): OfpMessage => ({ type: 'PacketOut', version: 4, xid, bufferId: OFP_NO_BUFFER, inPort: OFPP_CONTROLLER, actions: [{ type: 'output', port, maxLen: 0 }], data });

  it("carries an LLDP frame sent out of a cabled port, bytes unchanged, to the peer's controller as a PACKET_IN on the peer's port, both ways", async () => {
    const a = await plugged(0);
    const b = await plugged(1);
    a.sw.cable(3, b.sw, 1);

    const there = probe(1n, 3, 1000);
    a.controller.send(packetOut(10, 3, there));
    const inB = await b.controller.expect('PacketIn');
    assert.deepEqual([inB.match, inB.totalLen, inB.bufferId, inB.reason], [[{ field: 'in_port', value: 1 }], there.length, OFP_NO_BUFFER, OFPR_NO_MATCH]);
    assert.deepEqual(Buffer.from(inB.data), there);

    const back = probe(2n, 1, 2000);
    b.controller.send(packetOut(11, 1, back));
    const inA = await a.controller.expect('PacketIn');
    assert.deepEqual(inA.match, [{ field: 'in_port', value: 3 }]);
    assert.deepEqual(Buffer.from(inA.data), back);

    assert.deepEqual([a.sw.counts.lldpOut, a.sw.counts.lldpCarried, a.sw.counts.lldpIn, a.sw.counts.packetOuts], [1, 1, 1, 0]);
    assert.deepEqual([b.sw.counts.lldpOut, b.sw.counts.lldpCarried, b.sw.counts.lldpIn, b.sw.counts.packetOuts], [1, 1, 1, 0]);
  });

  it('carries only LLDP, only over a cable: a probe out of an uncabled port is counted and lost, other frames are traffic', async () => {
    const a = await plugged(0);
    const b = await plugged(1);
    a.sw.cable(3, b.sw, 1);

    a.controller.send(packetOut(10, 4, probe(1n, 4, 1000)));
    a.controller.send(packetOut(11, 3, TrafficPlan.newFrame()));
    const marker = probe(1n, 3, 3000);
    a.controller.send(packetOut(12, 3, marker));
    // The marker is the first thing b hears: neither the lost probe nor the ordinary frame crossed the cable.
    assert.deepEqual(Buffer.from((await b.controller.expect('PacketIn')).data), marker);
    assert.deepEqual([a.sw.counts.lldpOut, a.sw.counts.lldpCarried, a.sw.counts.packetOuts, b.sw.counts.lldpIn], [2, 1, 1, 1]);
  });

  it('refuses a port the switch does not have, a port cabled twice and a port cabled to itself', async () => {
    const a = await plugged(0);
    const b = await plugged(1);
    assert.throws(() => a.sw.cable(0, b.sw, 1), RangeError);
    assert.throws(() => a.sw.cable(1, b.sw, PORTS + 1), RangeError);
    a.sw.cable(1, b.sw, 2);
    assert.throws(() => a.sw.cable(2, b.sw, 2), /port 2 of switch 1 is cabled already/);
    assert.throws(() => a.sw.cable(3, a.sw, 3), /cannot be cabled to itself/);
    a.sw.cable(3, a.sw, 4);
  });
});
