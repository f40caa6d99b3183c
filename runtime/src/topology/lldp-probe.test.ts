import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TopologyFrameError, type TopologyErrorCode } from './errors.js';
import { checkSecret, decodeProbe, encodeProbe, isLldp, PROBE_OUI } from './lldp-probe.js';
import { plainLldp, tagged } from './testing/frames.js';

const SECRET = Buffer.from('0123456789abcdef0123456789abcdef');
const SPEC = { dpid: 0x1n, port: 3, hwAddr: '02:00:00:00:00:03', node: 0xa, nowMs: 1_700_000_000_123 };

function refused(frame: Uint8Array, code: TopologyErrorCode, secret: Uint8Array = SECRET): TopologyFrameError {
  try {
    decodeProbe(frame, secret);
  } catch (err) {
    assert.ok(err instanceof TopologyFrameError, `a TopologyFrameError, not ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`decodeProbe accepted a frame it should refuse with ${code}`);
}

describe('LLDP probe frames', () => {
  it('are written the way Ryu writes chassis and port ids, then our probe TLV', () => {
    const f = encodeProbe(SPEC, SECRET);
    assert.equal(f.subarray(0, 6).toString('hex'), '0180c200000e', 'nearest-bridge destination');
    assert.equal(f.subarray(6, 12).toString('hex'), '020000000003', 'the port MAC as source');
    assert.equal(f.readUInt16BE(12), 0x88cc);
    // Chassis id: type 1, length 22, subtype 7, "dpid:%016x".
    assert.equal(f.readUInt16BE(14), (1 << 9) | 22);
    assert.equal(f[16], 7);
    assert.equal(f.subarray(17, 38).toString('ascii'), 'dpid:0000000000000001');
    // Port id: type 2, length 5, subtype 2, the port as a 32-bit number.
    assert.equal(f.readUInt16BE(38), (2 << 9) | 5);
    assert.equal(f[40], 2);
    assert.equal(f.readUInt32BE(41), 3);
    // TTL: type 3, length 2, 120 s.
    assert.equal(f.readUInt16BE(45), (3 << 9) | 2);
    assert.equal(f.readUInt16BE(47), 120);
    // Probe TLV: type 127, OUI, subtype 1, version 1, timestamp, node id, 32-byte HMAC.
    assert.equal(f.readUInt16BE(49), (127 << 9) | (4 + 1 + 8 + 4 + 32));
    assert.equal(f.readUIntBE(51, 3), PROBE_OUI);
    assert.equal(f[54], 1);
    assert.equal(f[55], 1);
    assert.equal(f.readBigUInt64BE(56), 1_700_000_000_123n);
    assert.equal(f.readUInt32BE(64), 0xa);
    const end = 68 + 32;
    assert.equal(f.readUInt16BE(end), 0, 'End TLV');
    assert.equal(f.length, end + 2);
  });

  it('decode to where they were sent from, by whom and when', () => {
    const probe = decodeProbe(encodeProbe(SPEC, SECRET), SECRET);
    assert.deepEqual(probe, { src: { dpid: 1n, port: 3 }, node: 0xa, sentAtMs: SPEC.nowMs });
    const big = decodeProbe(encodeProbe({ ...SPEC, dpid: 0xffffffffffffffffn, port: 0xffffff00 }, SECRET), SECRET);
    assert.deepEqual(big.src, { dpid: 0xffffffffffffffffn, port: 0xffffff00 });
  });

  it('decode through an 802.1Q tag', () => {
    assert.deepEqual(decodeProbe(tagged(encodeProbe(SPEC, SECRET), 10), SECRET).src, { dpid: 1n, port: 3 });
  });

  it('from another cluster (another secret) are LLDP_FORGED', () => {
    refused(encodeProbe(SPEC, SECRET), 'LLDP_FORGED', Buffer.from('another cluster secret, 32 bytes'));
  });

  it('with the port, the dpid, the node or the time changed are LLDP_FORGED', () => {
    const good = encodeProbe(SPEC, SECRET);
    for (const at of [20, 44, 60, 66, 70]) {
      const bad = Buffer.from(good);
      bad[at]! ^= 0x01;
      refused(bad, 'LLDP_FORGED');
    }
  });

  it('LLDP without our TLV (a host or legacy switch) is LLDP_FOREIGN', () => {
    refused(plainLldp('02:aa:00:00:00:01'), 'LLDP_FOREIGN');
  });

  it('a probe TLV of another version is LLDP_FOREIGN', () => {
    const f = encodeProbe(SPEC, SECRET);
    f[55] = 2;
    refused(f, 'LLDP_FOREIGN');
  });

  it('truncated or overrunning LLDP is LLDP_MALFORMED, with no read past the frame', () => {
    const f = encodeProbe(SPEC, SECRET);
    for (const length of [10, 14, 15, 30, 50, f.length - 1]) refused(f.subarray(0, length), 'LLDP_MALFORMED');
    const overrun = Buffer.from(f);
    overrun.writeUInt16BE((1 << 9) | 0x1ff, 14);
    refused(overrun, 'LLDP_MALFORMED');
    const longEnd = Buffer.from(f);
    longEnd.writeUInt16BE(1, f.length - 2);
    refused(longEnd, 'LLDP_MALFORMED');
    const noChassis = Buffer.from(f);
    noChassis.writeUInt16BE((4 << 9) | 22, 14);
    refused(noChassis, 'LLDP_MALFORMED');
  });

  it('isLldp tells LLDP from other ethertypes and from runts', () => {
    assert.equal(isLldp(encodeProbe(SPEC, SECRET)), true);
    assert.equal(isLldp(tagged(plainLldp('02:aa:00:00:00:01'), 5)), true);
    const ipv4 = Buffer.alloc(60);
    ipv4.writeUInt16BE(0x0800, 12);
    assert.equal(isLldp(ipv4), false);
    assert.equal(isLldp(Buffer.alloc(5)), false);
  });

  it('refuse a node id or a port over 32 bits and a secret under 16 bytes at the sender', () => {
    assert.throws(() => encodeProbe({ ...SPEC, node: 2 ** 32 }, SECRET), RangeError);
    assert.throws(() => checkSecret(Buffer.alloc(15)), RangeError);
    assert.throws(() => encodeProbe({ ...SPEC, port: 2 ** 32 }, SECRET), RangeError);
  });
});
