import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { TopologyFrameError } from './errors.js';
import { decodeProbe, encodeProbe } from './lldp-probe.js';

const SECRET = Buffer.from('property-test-cluster-secret-32b');

const spec = fc.record({
  dpid: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  port: fc.integer({ min: 0, max: 0xffffffff }),
  hwAddr: fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':')),
  node: fc.integer({ min: 0, max: 0xffffffff }),
  nowMs: fc.integer({ min: 0, max: 2 ** 48 }),
});

describe('LLDP probe frames (properties)', () => {
  it('decode to what was encoded', () => {
    fc.assert(
      fc.property(spec, (s) => {
        assert.deepEqual(decodeProbe(encodeProbe(s, SECRET), SECRET), { src: { dpid: s.dpid, port: s.port }, node: s.node, sentAtMs: s.nowMs });
      }),
    );
  });

  it('with any one byte of the LLDP data unit changed never decode to another probe', () => {
    fc.assert(
      fc.property(spec, fc.nat(), fc.integer({ min: 1, max: 255 }), (s, at, flip) => {
        const good = encodeProbe(s, SECRET);
        const bad = Buffer.from(good);
        const i = 14 + (at % (good.length - 14));
        bad[i]! ^= flip;
        try {
          decodeProbe(bad, SECRET);
        } catch (err) {
          assert.ok(err instanceof TopologyFrameError, String(err));
          return;
        }
        assert.fail(`byte ${i} of ${good.length} changed and the probe still verified`);
      }),
    );
  });

  it('from random bytes are refused with a TopologyFrameError, nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (bytes, lldp) => {
        const frame = Buffer.from(bytes);
        if (lldp && frame.length >= 14) frame.writeUInt16BE(0x88cc, 12);
        assert.throws(() => decodeProbe(frame, SECRET), TopologyFrameError);
      }),
    );
  });
});
