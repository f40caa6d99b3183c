import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Admission, type AdmissionDecision } from './admission.js';

const reason = (d: AdmissionDecision): string => (d.admitted ? 'admitted' : d.reason);

describe('Admission', () => {
  it('refuses past the per-source limit, and takes that source again once one of its connections closes', () => {
    const a = new Admission({ maxConnections: 10, maxPerSource: 2, maxHandshakes: 10, logIntervalMs: 1000 });
    assert.deepEqual([a.admit('10.0.0.1', 0), a.admit('10.0.0.1', 0), a.admit('10.0.0.1', 0)].map(reason), ['admitted', 'admitted', 'perSource']);
    assert.equal(reason(a.admit('10.0.0.2', 0)), 'admitted', 'another source is not affected');
    a.release('10.0.0.1');
    assert.equal(reason(a.admit('10.0.0.1', 0)), 'admitted');
    assert.equal(a.connections, 3);
  });

  it('refuses past the total limit whatever the source', () => {
    const a = new Admission({ maxConnections: 2, maxPerSource: 10, maxHandshakes: 10, logIntervalMs: 1000 });
    assert.deepEqual(['a', 'b', 'c'].map((s) => reason(a.admit(s, 0))), ['admitted', 'admitted', 'total']);
  });

  it('counts handshaking connections apart: finished handshakes free their slot', () => {
    const a = new Admission({ maxConnections: 10, maxPerSource: 10, maxHandshakes: 2, logIntervalMs: 1000 });
    assert.deepEqual(['a', 'b', 'c'].map((s) => reason(a.admit(s, 0))), ['admitted', 'admitted', 'handshakes']);
    a.handshakeDone();
    assert.equal(a.handshakes, 1);
    assert.equal(reason(a.admit('c', 0)), 'admitted');
    a.readyEnded();
    a.release('a');
    assert.deepEqual([a.connections, a.handshakes], [2, 2]);
  });

  it('says to log a refused source once per interval', () => {
    const a = new Admission({ maxConnections: 10, maxPerSource: 1, maxHandshakes: 10, logIntervalMs: 1000 });
    a.admit('x', 0);
    a.admit('y', 0);
    const logs = (source: string, nowMs: number): boolean => {
      const d = a.admit(source, nowMs);
      assert.equal(d.admitted, false);
      return !d.admitted && d.log;
    };
    assert.deepEqual([logs('x', 0), logs('x', 500), logs('y', 600), logs('x', 999), logs('x', 1000), logs('x', 1500)], [true, false, true, false, true, false]);
  });
});
