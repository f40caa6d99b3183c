import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OFPBRC_IS_SLAVE, OFPCR_ROLE_MASTER, OFPCR_ROLE_SLAVE, OFPET_BAD_REQUEST, OFPET_ROLE_REQUEST_FAILED, OFPRRFC_STALE } from '../openflow/constants.js';
import { generationBefore } from './generation.js';
import { MastershipMachine } from './machine.js';
import type { MastershipConfig, MastershipOutput } from './types.js';

const CONFIG: MastershipConfig = { node: 'a', leaseTtlMs: 2000, marginMs: 300, disconnectGraceMs: 1000, campaignRetryMs: 500 };

function types(outputs: MastershipOutput[]): string[] {
  return outputs.map((o) => (o.type === 'roleRequest' ? `roleRequest:${o.role}:${o.generationId}` : o.type === 'writable' ? `writable:${o.writable}` : o.type === 'resign' ? `resign:${o.generation}` : o.type === 'roleChanged' ? `roleChanged:${o.role}:${o.cause}` : o.type));
}

/** A machine that won generation 7 and had it confirmed by the switch at t=100 (lease renewed at t=0). */
function master(): MastershipMachine {
  const m = new MastershipMachine(CONFIG);
  m.handle({ type: 'leaseRenewed', sentAtMs: 0 });
  assert.deepEqual(types(m.handle({ type: 'switchConnected', nowMs: 10 })), ['campaign']);
  assert.deepEqual(types(m.handle({ type: 'campaignWon', generation: 7n, nowMs: 20 })), ['roleRequest:master:7', 'roleChanged:none:won']);
  assert.equal(m.canWrite(30), false, 'not writable before the switch confirms');
  assert.deepEqual(types(m.handle({ type: 'roleReply', role: OFPCR_ROLE_MASTER, generationId: 7n }), ), ['writable:true', 'roleChanged:master:won']);
  assert.equal(m.canWrite(100), true);
  return m;
}

describe('generationBefore (Open vSwitch: signed 64-bit difference)', () => {
  it('orders ids, across the 2^64 wrap too', () => {
    assert.equal(generationBefore(5n, 7n), true);
    assert.equal(generationBefore(7n, 5n), false);
    assert.equal(generationBefore(7n, 7n), false);
    assert.equal(generationBefore(2n ** 64n - 1n, 1n), true, '-1 is before 1 as signed 64-bit');
    assert.equal(generationBefore(1n, 2n ** 64n - 1n), false);
  });
});

describe('MastershipMachine', () => {
  it('campaigns only with a valid lease, and retries a failed campaign after a pause', () => {
    const m = new MastershipMachine(CONFIG);
    assert.deepEqual(types(m.handle({ type: 'switchConnected', nowMs: 0 })), [], 'no lease yet');
    assert.deepEqual(types(m.handle({ type: 'leaseRenewed', sentAtMs: 5 })), ['campaign']);
    assert.deepEqual(types(m.handle({ type: 'campaignFailed', nowMs: 10 })), []);
    assert.deepEqual(types(m.handle({ type: 'tick', nowMs: 100 })), []);
    assert.deepEqual(types(m.handle({ type: 'tick', nowMs: 510 })), ['campaign']);
  });

  it('a loser becomes slave with the master generation and never writes', () => {
    const m = new MastershipMachine(CONFIG);
    m.handle({ type: 'leaseRenewed', sentAtMs: 0 });
    m.handle({ type: 'switchConnected', nowMs: 0 });
    const out = m.handle({ type: 'campaignLost', master: { node: 'b', generation: 9n } });
    assert.deepEqual(types(out), ['roleRequest:slave:9', 'roleChanged:slave:lost']);
    assert.equal(m.canWrite(1), false);
    assert.deepEqual(types(m.handle({ type: 'roleReply', role: OFPCR_ROLE_SLAVE, generationId: 9n })), []);
    assert.deepEqual(m.currentMaster, { node: 'b', generation: 9n });
  });

  it('stops writing at renewal + TTL - margin, before etcd could expire the lease, and resigns', () => {
    const m = master();
    assert.equal(m.leaseDeadlineMs, 1700);
    assert.equal(m.canWrite(1699), true);
    assert.equal(m.canWrite(1700), false, 'canWrite checks the deadline even before a tick');
    assert.deepEqual(types(m.handle({ type: 'tick', nowMs: 1700 })), ['writable:false', 'resign:7', 'roleChanged:none:deadline']);
    assert.equal(m.phase, 'steppingDown');
  });

  it('a renewal moves the deadline', () => {
    const m = master();
    m.handle({ type: 'leaseRenewed', sentAtMs: 600 });
    assert.deepEqual(types(m.handle({ type: 'tick', nowMs: 2000 })), []);
    assert.equal(m.canWrite(2299), true);
  });

  for (const [name, input, cause] of [
    ['STALE', { type: 'switchError', errorType: OFPET_ROLE_REQUEST_FAILED, code: OFPRRFC_STALE }, 'stale'],
    ['IS_SLAVE', { type: 'switchError', errorType: OFPET_BAD_REQUEST, code: OFPBRC_IS_SLAVE }, 'isSlave'],
    ['ROLE_STATUS(SLAVE)', { type: 'roleStatus', role: OFPCR_ROLE_SLAVE, generationId: 8n }, 'roleStatus'],
  ] as const) {
    it(`steps down on ${name} from the switch`, () => {
      const m = master();
      assert.deepEqual(types(m.handle(input)), ['writable:false', 'resign:7', `roleChanged:none:${cause}`]);
      assert.equal(m.canWrite(200), false);
    });
  }

  it('after resigning, campaigns again once the deletion is seen', () => {
    const m = master();
    m.handle({ type: 'switchError', errorType: OFPET_ROLE_REQUEST_FAILED, code: OFPRRFC_STALE });
    assert.deepEqual(types(m.handle({ type: 'tick', nowMs: 300 })), [], 'no campaign while the resign is pending');
    assert.deepEqual(types(m.handle({ type: 'keyDeleted', revision: 8n })), ['campaign']);
  });

  it('a newer master seen on the watch demotes at once (our key was deleted behind our back)', () => {
    const m = master();
    assert.deepEqual(types(m.handle({ type: 'masterSeen', master: { node: 'b', generation: 12n } })), ['writable:false', 'roleRequest:slave:12', 'roleChanged:slave:lost']);
  });

  it('our key deleted on the watch stops writes; an older deletion (old news) is ignored', () => {
    const m = master();
    assert.deepEqual(types(m.handle({ type: 'keyDeleted', revision: 6n })), []);
    assert.equal(m.canWrite(200), true);
    assert.deepEqual(types(m.handle({ type: 'keyDeleted', revision: 8n })), ['writable:false', 'campaign', 'roleChanged:none:keyDeleted']);
  });

  it('etcd lost: stops writing, no campaign until a new lease is renewed', () => {
    const m = master();
    assert.deepEqual(types(m.handle({ type: 'etcdLost', nowMs: 200 })), ['writable:false', 'roleChanged:none:etcdLost']);
    assert.deepEqual(types(m.handle({ type: 'tick', nowMs: 300 })), []);
    assert.deepEqual(types(m.handle({ type: 'leaseRenewed', sentAtMs: 400 })), ['campaign']);
  });

  it('re-asserts the same generation on reconnect (ovs-vswitchd restart) within the grace period', () => {
    const m = master();
    assert.deepEqual(types(m.handle({ type: 'switchDisconnected', nowMs: 200 })), ['writable:false', 'roleChanged:none:disconnected']);
    assert.deepEqual(types(m.handle({ type: 'tick', nowMs: 900 })), []);
    assert.deepEqual(types(m.handle({ type: 'switchConnected', nowMs: 1000 })), ['roleRequest:master:7']);
    assert.deepEqual(types(m.handle({ type: 'roleReply', role: OFPCR_ROLE_MASTER, generationId: 7n })), ['writable:true', 'roleChanged:master:won']);
  });

  it('a new connection replacing the master one (no disconnect seen first) claims again; the role change says disconnected', () => {
    const m = master();
    assert.deepEqual(types(m.handle({ type: 'switchConnected', nowMs: 200 })), ['writable:false', 'roleRequest:master:7', 'roleChanged:none:disconnected']);
  });

  it('resigns a key held past the disconnect grace period', () => {
    const m = master();
    m.handle({ type: 'leaseRenewed', sentAtMs: 1000 });
    m.handle({ type: 'switchDisconnected', nowMs: 200 });
    assert.deepEqual(types(m.handle({ type: 'tick', nowMs: 1200 })), ['resign:7', 'roleChanged:none:disconnected']);
    assert.deepEqual(types(m.handle({ type: 'switchConnected', nowMs: 1300 })), []);
    assert.equal(m.phase, 'steppingDown');
  });

  it('a win that arrives after the deadline or while disconnected is given back', () => {
    const m = new MastershipMachine(CONFIG);
    m.handle({ type: 'leaseRenewed', sentAtMs: 0 });
    m.handle({ type: 'switchConnected', nowMs: 0 });
    assert.deepEqual(types(m.handle({ type: 'campaignWon', generation: 3n, nowMs: 1800 })), ['resign:3']);
    assert.equal(m.generation, undefined);
  });

  it('a slave follows a new master with SLAVE(new generation); an older master seen late is ignored', () => {
    const m = new MastershipMachine(CONFIG);
    m.handle({ type: 'leaseRenewed', sentAtMs: 0 });
    m.handle({ type: 'switchConnected', nowMs: 0 });
    m.handle({ type: 'campaignLost', master: { node: 'b', generation: 9n } });
    assert.deepEqual(types(m.handle({ type: 'masterSeen', master: { node: 'b', generation: 5n } })), []);
    assert.deepEqual(types(m.handle({ type: 'keyDeleted', revision: 4n })), []);
    assert.deepEqual(types(m.handle({ type: 'masterSeen', master: { node: 'c', generation: 11n } })), ['roleRequest:slave:11', 'roleChanged:slave:lost']);
  });

  it('a campaign answer older than a deletion already seen on the watch is old news: the node stays a candidate and campaigns again', () => {
    const m = new MastershipMachine(CONFIG);
    m.handle({ type: 'leaseRenewed', sentAtMs: 0 });
    assert.deepEqual(types(m.handle({ type: 'switchConnected', nowMs: 10 })), ['campaign']);
    m.handle({ type: 'masterSeen', master: { node: 'b', generation: 2n } });
    assert.deepEqual(types(m.handle({ type: 'keyDeleted', revision: 3n })), ['roleChanged:none:keyDeleted']);
    assert.deepEqual(types(m.handle({ type: 'campaignLost', master: { node: 'b', generation: 2n } })), [], 'the answer (sent before the deletion) names a deleted key');
    assert.equal(m.currentMaster, undefined);
    assert.deepEqual(types(m.handle({ type: 'tick', nowMs: 20 })), ['campaign']);
  });

  it('a win older than a deletion already seen is given back, never claimed', () => {
    const m = new MastershipMachine(CONFIG);
    m.handle({ type: 'leaseRenewed', sentAtMs: 0 });
    m.handle({ type: 'switchConnected', nowMs: 10 });
    m.handle({ type: 'keyDeleted', revision: 9n });
    assert.deepEqual(types(m.handle({ type: 'campaignWon', generation: 8n, nowMs: 20 })), ['resign:8']);
  });
});
