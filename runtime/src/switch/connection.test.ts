import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeMessage,
  encodeMessage,
  Framer,
  OfpEncodeError,
  OFPET_BAD_REQUEST,
  OFPET_HELLO_FAILED,
  OFPMPF_REPLY_MORE,
  type OfpMessage,
  type Port,
} from '../openflow/index.js';
import { connectionConfig, SwitchConnection } from './connection.js';
import type { ConnectionEvent } from './connection-types.js';

/** Decodes everything the connection wants to send. */
function sent(conn: SwitchConnection, nowMs = 0): OfpMessage[] {
  const bytes = conn.takeOutgoing(nowMs);
  if (bytes === undefined) return [];
  return new Framer().push(bytes).map((frame) => decodeMessage(frame));
}

function port(portNo: number): Port {
  return { portNo, hwAddr: '02:00:00:00:00:0' + portNo, name: `eth${portNo}`, config: 0, state: 0, curr: 0, advertised: 0, supported: 0, peer: 0, currSpeed: 10_000_000, maxSpeed: 10_000_000 };
}

const V13 = 0x04;
const DESC = { mfrDesc: 'Nicira, Inc.', hwDesc: 'Open vSwitch', swDesc: '3.1.0', serialNum: 'None', dpDesc: 'None' };

/** Runs the handshake as a switch would answer it; returns the connection when ready. */
function handshake(conn: SwitchConnection, chunk = Infinity): ConnectionEvent[] {
  const feed = (msg: OfpMessage): void => {
    const bytes = encodeMessage(msg);
    for (let i = 0; i < bytes.length; i += chunk) conn.onBytes(bytes.subarray(i, Math.min(bytes.length, i + chunk)), 1);
  };
  const [hello] = sent(conn);
  assert.equal(hello?.type, 'Hello');
  feed({ type: 'Hello', version: V13, xid: 1, elements: [{ type: 'versionBitmap', versions: [1, 4] }] });
  const [featuresRequest] = sent(conn);
  assert.equal(featuresRequest?.type, 'FeaturesRequest');
  feed({ type: 'FeaturesReply', version: V13, xid: featuresRequest.xid, datapathId: 0xabcn, nBuffers: 0, nTables: 254, auxiliaryId: 0, capabilities: 0x4f, reserved: 0 });
  const [setConfig, portDesc, desc] = sent(conn);
  assert.deepEqual(setConfig, { type: 'SetConfig', version: V13, xid: setConfig?.xid, flags: 0, missSendLen: 0xffff });
  assert.equal(portDesc?.type === 'MultipartRequest' && portDesc.body.type, 'portDesc');
  assert.equal(desc?.type === 'MultipartRequest' && desc.body.type, 'desc');
  feed({ type: 'MultipartReply', version: V13, xid: portDesc!.xid, flags: OFPMPF_REPLY_MORE, body: { type: 'portDesc', ports: [port(1)] } });
  feed({ type: 'MultipartReply', version: V13, xid: portDesc!.xid, flags: 0, body: { type: 'portDesc', ports: [port(2)] } });
  feed({ type: 'MultipartReply', version: V13, xid: desc!.xid, flags: 0, body: { type: 'desc', ...DESC } });
  return conn.takeEvents();
}

describe('SwitchConnection handshake', () => {
  it('negotiates 1.3, configures the switch and reports it ready with its ports and description', () => {
    const conn = new SwitchConnection(0);
    const events = handshake(conn);
    assert.equal(conn.state, 'ready');
    assert.equal(events.length, 1);
    const ready = events[0]!;
    assert.equal(ready.type, 'ready');
    assert.equal(ready.type === 'ready' && ready.info.dpid, 0xabcn);
    assert.deepEqual(ready.type === 'ready' && ready.info.ports.map((p) => p.portNo), [1, 2]);
    assert.equal(ready.type === 'ready' && ready.info.desc?.swDesc, '3.1.0');
  });

  it('works when every byte arrives on its own', () => {
    const conn = new SwitchConnection(0);
    assert.equal(handshake(conn, 1)[0]?.type, 'ready');
  });

  it('refuses a switch with no common version with HELLO_FAILED and closes', () => {
    const conn = new SwitchConnection(0);
    sent(conn);
    conn.onBytes(encodeMessage({ type: 'Hello', version: 1, xid: 9, elements: [{ type: 'versionBitmap', versions: [1] }] }), 1);
    const [error] = sent(conn);
    assert.equal(error?.type === 'Error' && error.errorType, OFPET_HELLO_FAILED);
    assert.match(Buffer.from(error?.type === 'Error' ? error.data : []).toString(), /switch offers 0x01; we accept 0x04/);
    assert.deepEqual(conn.takeEvents().map((e) => e.type), ['closed']);
    assert.equal(conn.state, 'closed');
  });

  for (const [what, hello] of [
    ['a 1.0 HELLO without bitmap', { type: 'Hello', version: 0x01, xid: 9, elements: [] }],
    ['a 1.4-only bitmap', { type: 'Hello', version: 0x05, xid: 9, elements: [{ type: 'versionBitmap', versions: [5] }] }],
    ['a 1.5-only bitmap', { type: 'Hello', version: 0x06, xid: 9, elements: [{ type: 'versionBitmap', versions: [6] }] }],
    ['a 1.0/1.4/1.5 bitmap', { type: 'Hello', version: 0x06, xid: 9, elements: [{ type: 'versionBitmap', versions: [1, 5, 6] }] }],
  ] as const) {
    it(`refuses ${what} with HELLO_FAILED`, () => {
      const conn = new SwitchConnection(0);
      sent(conn);
      conn.onBytes(encodeMessage(hello), 1);
      const [error] = sent(conn);
      assert.equal(error?.type === 'Error' && error.errorType, OFPET_HELLO_FAILED);
      const [closed] = conn.takeEvents();
      assert.equal(closed?.type === 'closed' && closed.reason, 'versionMismatch');
    });
  }

  it('offers only versions whose handshake it completes (1.0, 1.3): others are refused when configured, not when a switch connects', () => {
    for (const versions of [[0x02], [0x04, 0x05], [0x06], []]) {
      assert.throws(() => new SwitchConnection(0, { versions }), RangeError, `versions ${versions.join(',')}`);
      assert.throws(() => connectionConfig({ versions }), RangeError);
    }
    assert.throws(() => connectionConfig({ versions: [0x05] }), /no handshake for wire version 5 \(supported: 1, 4\)/);
    assert.deepEqual(connectionConfig({}).versions, [0x04]);
  });

  it('closes a switch that never finishes the handshake', () => {
    const conn = new SwitchConnection(0, { handshakeTimeoutMs: 1000 });
    conn.onTick(999);
    assert.equal(conn.state, 'hello');
    conn.onTick(1000);
    const [closed] = conn.takeEvents();
    assert.equal(closed?.type === 'closed' && closed.reason, 'handshakeTimeout');
  });
});

describe('SwitchConnection keepalive', () => {
  it('answers the switch echo with the same xid and data', () => {
    const conn = new SwitchConnection(0);
    handshake(conn);
    conn.onBytes(encodeMessage({ type: 'EchoRequest', version: V13, xid: 77, data: Buffer.from('ping') }), 2);
    assert.deepEqual(sent(conn), [{ type: 'EchoReply', version: V13, xid: 77, data: Buffer.from('ping') }]);
  });

  it('sends echo when idle and declares a silent switch dead after the timeout', () => {
    const conn = new SwitchConnection(0, { echoIntervalMs: 100, echoTimeoutMs: 300 });
    handshake(conn);
    conn.onTick(50);
    assert.deepEqual(sent(conn), []);
    conn.onTick(101);
    const [echo] = sent(conn);
    assert.equal(echo?.type, 'EchoRequest');
    conn.onTick(250);
    assert.equal(conn.state, 'ready');
    conn.onTick(301);
    const [closed] = conn.takeEvents();
    assert.equal(closed?.type === 'closed' && closed.reason, 'echoTimeout');
  });

  it('stays up while the switch answers echo', () => {
    const conn = new SwitchConnection(0, { echoIntervalMs: 100, echoTimeoutMs: 300 });
    handshake(conn);
    for (let now = 101; now < 2000; now += 100) {
      conn.onTick(now);
      for (const msg of sent(conn, now)) {
        if (msg.type === 'EchoRequest') conn.onBytes(encodeMessage({ type: 'EchoReply', version: V13, xid: msg.xid, data: msg.data }), now);
      }
    }
    assert.equal(conn.state, 'ready');
    assert.deepEqual(conn.takeEvents(), []);
  });
});

describe('SwitchConnection requests and commands', () => {
  it('routes replies, errors and barrier confirmations to the xid that caused them', () => {
    const conn = new SwitchConnection(0);
    handshake(conn);
    const statsXid = conn.request({ type: 'MultipartRequest', flags: 0, body: { type: 'table' } }, 10);
    const flowMod = { type: 'FlowMod', version: V13, xid: 0, cookie: 0n, cookieMask: 0n, tableId: 0, command: 0, idleTimeout: 0, hardTimeout: 0, priority: 1, bufferId: 0xffffffff, outPort: 0, outGroup: 0, flags: 0, match: [], instructions: [] } as const;
    const good = conn.send(flowMod, true);
    const bad = conn.send(flowMod, true);
    const out = sent(conn, 10);
    assert.deepEqual(out.map((m) => m.type), ['MultipartRequest', 'FlowMod', 'FlowMod', 'BarrierRequest']);
    const barrier = out[3]!;
    conn.onBytes(encodeMessage({ type: 'MultipartReply', version: V13, xid: statsXid, flags: 0, body: { type: 'table', stats: [] } }), 11);
    conn.onBytes(encodeMessage({ type: 'Error', version: V13, xid: bad, errorType: 5, code: 0, data: Buffer.alloc(0) }), 11);
    conn.onBytes(encodeMessage({ type: 'BarrierReply', version: V13, xid: barrier.xid }), 11);
    const events = conn.takeEvents();
    assert.deepEqual(events.map((e) => [e.type, 'xid' in e ? e.xid : undefined]), [
      ['reply', statsXid],
      ['failed', bad],
      ['confirmed', good],
    ]);
  });

  it('writes an encoded message as it is with a fresh xid, and refuses one whose header is not its version and length', () => {
    const conn = new SwitchConnection(0);
    handshake(conn);
    const packetOut = encodeMessage({ type: 'PacketOut', version: V13, xid: 0, bufferId: 0xffffffff, inPort: 1, actions: [{ type: 'output', port: 2, maxLen: 0 }], data: Buffer.from([9, 8, 7]) });
    const xid = conn.sendEncoded(packetOut);
    const other = Buffer.from(packetOut);
    other[0] = 1;
    assert.throws(() => conn.sendEncoded(other), (err: unknown) => err instanceof OfpEncodeError && err.field === 'version');
    assert.throws(() => conn.sendEncoded(packetOut.subarray(0, 20)), (err: unknown) => err instanceof OfpEncodeError && err.field === 'length');
    const out = conn.takeOutgoing(0)!;
    assert.deepEqual(out.subarray(8), packetOut.subarray(8));
    assert.deepEqual(decodeMessage(out), { ...decodeMessage(packetOut), xid });
    assert.notEqual(xid, 0);
  });

  it('shows a message to admit encoded where it is sent from, and takes back one admit refuses', () => {
    const conn = new SwitchConnection(0);
    handshake(conn);
    const txBefore = [...conn.txByType];
    const packetOut = { type: 'PacketOut', bufferId: 0xffffffff, inPort: 1, actions: [{ type: 'output', port: 2, maxLen: 0 }], data: Buffer.from([9, 8, 7]) } as const;
    const refusal = new Error('not this one');
    assert.throws(() => conn.sendAdmitted(packetOut, () => { throw refusal; }), (err: unknown) => err === refusal);
    assert.equal(conn.takeOutgoing(0), undefined);
    assert.deepEqual([...conn.txByType], txBefore);
    const seen: Buffer[] = [];
    const xid = conn.sendAdmitted(packetOut, (bytes, start, end) => void seen.push(Buffer.from(bytes.subarray(start, end))));
    const out = conn.takeOutgoing(0)!;
    assert.deepEqual(seen, [out]);
    assert.deepEqual(decodeMessage(out), { ...packetOut, version: V13, xid });
    assert.equal(conn.txByType[out[1]!], txBefore[out[1]!]! + 1);
  });

  it('times out a request the switch never answers', () => {
    const conn = new SwitchConnection(0, { requestTimeoutMs: 500, echoIntervalMs: 10_000 });
    handshake(conn);
    const xid = conn.request({ type: 'BarrierRequest' }, 100);
    conn.onTick(599);
    assert.deepEqual(conn.takeEvents(), []);
    conn.onTick(600);
    assert.deepEqual(conn.takeEvents(), [{ type: 'timedOut', xid }]);
  });
});

describe('SwitchConnection faults', () => {
  it('an exception while handling input closes this connection with internalError instead of reaching the caller', () => {
    const conn = new SwitchConnection(0);
    handshake(conn);
    const bug = new TypeError('a bug in the runtime');
    // Fault injection: no input is known to make the codec throw; a bug might.
    (conn as unknown as { framer: { push(): never } }).framer = {
      push() {
        throw bug;
      },
    };
    assert.doesNotThrow(() => conn.onBytes(Buffer.from('04020008000000ff', 'hex'), 5));
    const [closed] = conn.takeEvents();
    assert.equal(closed?.type === 'closed' && closed.reason, 'internalError');
    assert.equal(closed?.type === 'closed' && closed.error, bug);
    assert.match(closed?.type === 'closed' ? closed.detail : '', /in state ready: TypeError: a bug in the runtime/);
    assert.equal(conn.state, 'closed');
    assert.doesNotThrow(() => conn.onBytes(Buffer.from('04020008000000ff', 'hex'), 6));
  });

  it('an exception while handling a tick closes this connection with internalError', () => {
    const conn = new SwitchConnection(0, { echoIntervalMs: 100, echoTimeoutMs: 300 });
    handshake(conn);
    conn.request = () => {
      throw new RangeError('a bug in the echo');
    };
    assert.doesNotThrow(() => conn.onTick(150));
    const [closed] = conn.takeEvents();
    assert.equal(closed?.type === 'closed' && closed.reason, 'internalError');
  });

  it('a command that cannot be encoded throws to its caller, sends nothing, and leaves the connection usable', () => {
    const conn = new SwitchConnection(0);
    handshake(conn);
    assert.throws(() => conn.send({ type: 'FlowMod', tableId: 300 } as never), /FlowMod/);
    assert.deepEqual(sent(conn), []);
    conn.onBytes(encodeMessage({ type: 'EchoRequest', version: V13, xid: 78, data: Buffer.alloc(0) }), 2);
    assert.deepEqual(sent(conn).map((m) => [m.type, m.xid]), [['EchoReply', 78]]);
    assert.equal(conn.state, 'ready');
  });
});

describe('SwitchConnection bad input', () => {
  it('answers a malformed message with BAD_REQUEST and closes', () => {
    const conn = new SwitchConnection(0);
    handshake(conn);
    // A FLOW_REMOVED whose match length runs past the message.
    const bytes = encodeMessage({ type: 'FlowRemoved', version: V13, xid: 5, cookie: 0n, priority: 1, reason: 0, tableId: 0, durationSec: 0, durationNsec: 0, idleTimeout: 0, hardTimeout: 0, packetCount: 0n, byteCount: 0n, match: [] });
    bytes.writeUInt16BE(0x40, 50);
    conn.onBytes(bytes, 5);
    const [error] = sent(conn);
    assert.equal(error?.type === 'Error' && error.errorType, OFPET_BAD_REQUEST);
    const [closed] = conn.takeEvents();
    assert.equal(closed?.type === 'closed' && closed.reason, 'malformed');
    assert.match(closed?.type === 'closed' ? closed.detail : '', /FlowRemoved\.match\.length/);
  });

  it('closes on a length below the header size (the stream cannot be resynced)', () => {
    const conn = new SwitchConnection(0);
    handshake(conn);
    conn.onBytes(Buffer.from('0402000400000001', 'hex'), 5);
    const [closed] = conn.takeEvents();
    assert.equal(closed?.type === 'closed' && closed.reason, 'framing');
  });

  it('handles the messages before a bad length in the same chunk, then answers BAD_LEN and closes', () => {
    const conn = new SwitchConnection(0);
    handshake(conn);
    const statsXid = conn.request({ type: 'MultipartRequest', flags: 0, body: { type: 'table' } }, 5);
    sent(conn, 5);
    const packetIn = { type: 'PacketIn', version: V13, xid: 0, bufferId: 0xffffffff, totalLen: 0, reason: 0, tableId: 0, cookie: 0n, match: [], data: Buffer.alloc(0) } as const;
    const chunk = Buffer.concat([
      encodeMessage({ type: 'MultipartReply', version: V13, xid: statsXid, flags: 0, body: { type: 'table', stats: [] } }),
      encodeMessage({ type: 'EchoRequest', version: V13, xid: 77, data: Buffer.from('ping') }),
      encodeMessage(packetIn),
      Buffer.from('0402000400000001', 'hex'),
    ]);
    conn.onBytes(chunk, 6);
    assert.deepEqual(conn.takeEvents().map((e) => e.type), ['reply', 'message', 'closed']);
    const out = sent(conn, 6);
    assert.deepEqual(out.map((m) => m.type), ['EchoReply', 'Error']);
    assert.equal(out[0]?.xid, 77);
    assert.equal(out[1]?.type === 'Error' && out[1].errorType, OFPET_BAD_REQUEST);
    // The error quotes the bad header and its xid, not the good messages before it.
    assert.equal(out[1]?.xid, 1);
    assert.equal(out[1]?.type === 'Error' && Buffer.from(out[1].data).toString('hex'), '0402000400000001');
    assert.equal(conn.state, 'closed');
  });

  it('hands a PACKET_IN of OpenFlow 1.3 over with the frame it came in, and no other message', () => {
    const conn = new SwitchConnection(0);
    handshake(conn);
    const packetIn = encodeMessage({ type: 'PacketIn', version: V13, xid: 3, bufferId: 0xffffffff, totalLen: 2, reason: 1, tableId: 0, cookie: 0x0021_0000_0000_0007n, match: [{ field: 'in_port', value: 3 }], data: Buffer.from('abcd', 'hex') });
    const portStatus = encodeMessage({ type: 'PortStatus', version: V13, xid: 4, reason: 2, desc: { portNo: 1, hwAddr: '02:00:00:00:00:01', name: 'p1', config: 0, state: 0, curr: 0, advertised: 0, supported: 0, peer: 0, currSpeed: 0, maxSpeed: 0 } });
    conn.onBytes(Buffer.concat([packetIn, portStatus]), 6);
    const [first, second] = conn.takeEvents();
    assert.ok(first?.type === 'message' && first.message.type === 'PacketIn');
    assert.deepEqual(first.frame, packetIn);
    assert.ok(second?.type === 'message' && second.message.type === 'PortStatus');
    assert.equal('frame' in second, false);
  });

  it('sheds unsolicited messages over budget, then disconnects a switch that keeps flooding', () => {
    const conn = new SwitchConnection(0, { maxMessagesPerSecond: 10, floodGraceMs: 1000, echoIntervalMs: 100_000, echoTimeoutMs: 200_000 });
    handshake(conn);
    const packetIn = encodeMessage({ type: 'PacketIn', version: V13, xid: 0, bufferId: 0xffffffff, totalLen: 0, reason: 0, tableId: 0, cookie: 0n, match: [], data: Buffer.alloc(0) });
    for (let i = 0; i < 20; i++) conn.onBytes(packetIn, 10);
    const first = conn.takeEvents();
    assert.equal(first.filter((e) => e.type === 'message').length, 10);
    assert.deepEqual(first.filter((e) => e.type === 'problem').map((e) => e.type === 'problem' && e.cause), ['flood']);
    assert.equal(conn.shedMessages, 10);
    for (let now = 10; now <= 1100 && !conn.closed; now += 10) for (let i = 0; i < 5; i++) conn.onBytes(packetIn, now);
    const closed = conn.takeEvents().find((e) => e.type === 'closed');
    assert.equal(closed?.type === 'closed' && closed.reason, 'flood');
  });
});

describe('SwitchConnection with an OpenFlow 1.0 switch (bytes as on the wire)', () => {
  const hex = (conn: SwitchConnection): string => conn.takeOutgoing(0)?.toString('hex') ?? '';
  const feed = (conn: SwitchConnection, msg: OfpMessage): void => conn.onBytes(encodeMessage(msg), 1);
  const phy = (portNo: number) => ({ portNo, hwAddr: '02:00:00:00:00:01', name: `p${portNo}`, config: 0, state: 0, curr: 0, advertised: 0, supported: 0, peer: 0 });

  /** HELLO 1.0, FEATURES with two ports, DESC as a stats reply: returns the ready event. */
  function handshake10(conn: SwitchConnection): ConnectionEvent | undefined {
    // HELLO: header version 4 (our highest), a bitmap offering 1.0 and 1.3.
    assert.equal(hex(conn), '04000010000000010001000800000012');
    conn.onBytes(Buffer.from('0100000800000007', 'hex'), 1);
    assert.equal(hex(conn), '0105000800000002');
    feed(conn, { type: 'FeaturesReply', version: 1, xid: 2, datapathId: 0x10n, nBuffers: 256, nTables: 1, auxiliaryId: 0, capabilities: 0xc7, reserved: 0, actions: 0xfff, ports: [phy(1), phy(0xfffe)] });
    // SET_CONFIG (flags 0, miss_send_len 0xffff), then STATS_REQUEST type DESC: no PORT_DESC on 1.0.
    assert.equal(hex(conn), '0109000c000000030000ffff' + '0110000c0000000400000000');
    feed(conn, { type: 'StatsReply', version: 1, xid: 4, flags: 0, body: { type: 'desc', ...DESC } });
    return conn.takeEvents()[0];
  }

  it('completes the handshake: ports from FEATURES_REPLY in the 1.3 model, description from DESC stats', () => {
    const conn = new SwitchConnection(0, { versions: [0x01, 0x04] });
    const ready = handshake10(conn);
    assert.equal(conn.state, 'ready');
    assert.equal(ready?.type === 'ready' && ready.info.version, 1);
    assert.deepEqual(ready?.type === 'ready' && ready.info.ports.map((p) => [p.portNo, p.currSpeed]), [[1, 0], [0xfffffffe, 0]]);
    assert.equal(ready?.type === 'ready' && ready.info.desc?.hwDesc, 'Open vSwitch');
  });

  it('answers echo, confirms commands with a 1.0 barrier and maps an app flow-mod down to 1.0 bytes', () => {
    const conn = new SwitchConnection(0, { versions: [0x01, 0x04] });
    handshake10(conn);
    conn.onBytes(Buffer.from('0102000c0000006370696e67', 'hex'), 2);
    assert.equal(hex(conn), '0103000c0000006370696e67');
    const xid = conn.send({
      type: 'FlowMod', cookie: 0n, cookieMask: 0n, tableId: 0, command: 0, idleTimeout: 60, hardTimeout: 0, priority: 1,
      bufferId: 0xffffffff, outPort: 0, outGroup: 0, flags: 0,
      match: [{ field: 'in_port', value: 1 }, { field: 'eth_dst', value: '02:00:00:00:00:02' }],
      instructions: [{ type: 'applyActions', actions: [{ type: 'output', port: 2, maxLen: 0 }] }],
    }, true);
    const wildcards = (0x3fffff & ~0b1001).toString(16).padStart(8, '0');
    const match = wildcards + '0001' + '000000000000' + '020000000002' + '0000' + '00' + '00' + '0000' + '0000' + '0000' + '00000000' + '00000000' + '0000' + '0000';
    const flowMod = '010e0050' + xid.toString(16).padStart(8, '0') + match + '0000000000000000' + '0000' + '003c' + '0000' + '0001' + 'ffffffff' + '0000' + '0000' + '00000008' + '00020000';
    const barrierXid = (xid + 1).toString(16).padStart(8, '0');
    assert.equal(hex(conn), flowMod + '01120008' + barrierXid);
    conn.onBytes(Buffer.from('01130008' + barrierXid, 'hex'), 3);
    assert.deepEqual(conn.takeEvents(), [{ type: 'confirmed', xid }]);
  });

  it('hands PACKET_IN to apps in the 1.3 model; stats requests and replies work in both models', () => {
    const conn = new SwitchConnection(0, { versions: [0x01] });
    assert.equal(hex(conn), '01000010000000010001000800000002');
    conn.onBytes(Buffer.from('0100000800000007', 'hex'), 1);
    hex(conn);
    feed(conn, { type: 'FeaturesReply', version: 1, xid: 2, datapathId: 0x10n, nBuffers: 256, nTables: 1, auxiliaryId: 0, capabilities: 0, reserved: 0, actions: 0, ports: [] });
    hex(conn);
    feed(conn, { type: 'StatsReply', version: 1, xid: 4, flags: 0, body: { type: 'desc', ...DESC } });
    conn.takeEvents();
    // PACKET_IN: buffer_id none, total_len 2, in_port 3, reason no-match, 2 bytes of frame.
    conn.onBytes(Buffer.from('010a001400000000' + 'ffffffff' + '0002' + '0003' + '00' + '00' + 'abcd', 'hex'), 2);
    const [event] = conn.takeEvents();
    assert.deepEqual(event, {
      type: 'message',
      message: { type: 'PacketIn', version: 1, xid: 0, bufferId: 0xffffffff, totalLen: 2, reason: 0, tableId: 0, cookie: 0n, match: [{ field: 'in_port', value: 3 }], data: Buffer.from('abcd', 'hex') },
    });
    const xid = conn.request({ type: 'StatsRequest', flags: 0, body: { type: 'port', portNo: 0xffff } }, 2);
    assert.equal(hex(conn), '01100014' + xid.toString(16).padStart(8, '0') + '00040000' + 'ffff000000000000');
    const body = { type: 'aggregate', packetCount: 1n, byteCount: 2n, flowCount: 3 } as const;
    feed(conn, { type: 'StatsReply', version: 1, xid, flags: 0, body });
    assert.deepEqual(conn.takeEvents(), [{ type: 'reply', xid, messages: [{ type: 'MultipartReply', version: 1, xid, flags: 0, body }] }]);
    // The 1.3 model's request for port stats of every port is the same STATS_REQUEST.
    const asked = conn.request({ type: 'MultipartRequest', flags: 0, body: { type: 'portStats', portNo: 0xffffffff } }, 2);
    assert.equal(hex(conn), '01100014' + asked.toString(16).padStart(8, '0') + '00040000' + 'ffff000000000000');
  });

  it('refuses what 1.0 cannot express with an OfpEncodeError, sends nothing and carries on', () => {
    const conn = new SwitchConnection(0, { versions: [0x01, 0x04] });
    handshake10(conn);
    assert.throws(() => conn.send({ type: 'GroupMod', command: 0, groupType: 0, groupId: 1, buckets: [] }), /GroupMod is not supported for OpenFlow 1\.0/);
    assert.throws(
      () => conn.send({
        type: 'FlowMod', cookie: 0n, cookieMask: 0n, tableId: 0, command: 0, idleTimeout: 0, hardTimeout: 0, priority: 1,
        bufferId: 0xffffffff, outPort: 0, outGroup: 0, flags: 0, match: [], instructions: [{ type: 'gotoTable', tableId: 1 }],
      }),
      (err: unknown) => err instanceof OfpEncodeError && err.field === 'instructions' && /gotoTable instruction is OpenFlow 1\.3 only/.test(err.message),
    );
    assert.equal(hex(conn), '');
    assert.equal(conn.state, 'ready');
    conn.onBytes(Buffer.from('0102000800000009', 'hex'), 2);
    assert.equal(hex(conn), '0103000800000009');
  });
});
