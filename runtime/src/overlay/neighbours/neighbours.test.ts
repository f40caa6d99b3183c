import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Envelope, RefuseReason } from '../../generated/sdn/overlay/v1/overlay.js';
import { overlayDefaults } from '../config.js';
import { OverlayNode } from '../node.js';
import type { OverlayOutput } from '../types.js';
import { encodeFrame } from '../wire/index.js';
import { PROTOCOL_VERSION } from './neighbours.js';
import { RttFilter, backoffMs } from './rtt.js';
import { parseSeed } from './seeds.js';

const SELF = 3;

function node(seeds: string[] = [], random = () => 0): OverlayNode {
  return new OverlayNode(overlayDefaults({ nodeId: SELF, seeds: seeds.map((s) => parseSeed(s, SELF)), random }));
}

function hello(nodeId: number, protocolVersion = PROTOCOL_VERSION): Uint8Array {
  return encodeFrame({ body: { $case: 'hello', value: { protocolVersion, nodeId } } });
}

function sent(outputs: OverlayOutput[]): Envelope['body'][] {
  return outputs.flatMap((o) => (o.kind === 'send' ? [o.message.body] : []));
}

function closes(outputs: OverlayOutput[]): { conn: number; code: string; refuse?: RefuseReason }[] {
  return outputs.flatMap((o) => (o.kind === 'close' ? [{ conn: o.conn, code: o.reason.code, ...(o.reason.refuse === undefined ? {} : { refuse: o.reason.refuse }) }] : []));
}

describe('neighbours: handshake', () => {
  it('sends Hello on connect and pings once the peer\'s Hello arrives', () => {
    const n = node();
    n.onConnected(1, 0);
    assert.deepEqual(sent(n.drain()), [{ $case: 'hello', value: { protocolVersion: PROTOCOL_VERSION, nodeId: SELF } }]);
    n.onBytes(1, hello(9), 5);
    assert.deepEqual(sent(n.drain()), [{ $case: 'ping', value: { seq: 1, sentAtMs: 5 } }]);
  });

  for (const [what, frame, reason] of [
    ['its own node id', hello(SELF), RefuseReason.REFUSE_REASON_SELF],
    ['an unknown protocol version', hello(9, PROTOCOL_VERSION + 1), RefuseReason.REFUSE_REASON_VERSION],
    ['node id 0', hello(0), RefuseReason.REFUSE_REASON_UNEXPECTED_NODE],
  ] as const) {
    it(`refuses ${what} with a reason, then closes`, () => {
      const n = node();
      n.onConnected(1, 0);
      n.drain();
      n.onBytes(1, frame, 1);
      const out = n.drain();
      const refuse = sent(out)[0];
      assert.equal(refuse?.$case, 'refuse');
      assert.equal(refuse.value.reason, reason);
      assert.ok(refuse.value.detail.length > 0);
      assert.deepEqual(closes(out), [{ conn: 1, code: 'refused', refuse: reason }]);
    });
  }

  it('refuses a node other than the one its seed names', () => {
    const n = node(['5@h:1']);
    n.onTick(0);
    assert.deepEqual(n.drain(), [{ kind: 'connect', addr: 'h:1', expected: 5 }]);
    n.onConnected(1, 1, 'h:1');
    n.drain();
    n.onBytes(1, hello(6), 2);
    assert.deepEqual(closes(n.drain()), [{ conn: 1, code: 'refused', refuse: RefuseReason.REFUSE_REASON_UNEXPECTED_NODE }]);
  });

  it('refuses a Hello whose node id the link\'s certificate does not name, and accepts one it names', () => {
    const n = node();
    n.onConnected(1, 0, undefined, [7]);
    n.onConnected(2, 0, undefined, [8, 9]);
    n.drain();
    n.onBytes(1, hello(9), 1);
    n.onBytes(2, hello(9), 1);
    const out = n.drain();
    assert.deepEqual(closes(out), [{ conn: 1, code: 'refused', refuse: RefuseReason.REFUSE_REASON_UNEXPECTED_NODE }]);
    assert.ok(sent(out).some((b) => b?.$case === 'ping'), 'conn 2 goes on to measure');
  });

  it('keeps one link per peer: the one the smaller node id dialed', () => {
    const n = node(['5@h:1']);
    n.onTick(0);
    n.onConnected(1, 1, 'h:1');
    n.onConnected(2, 1);
    n.drain();
    n.onBytes(1, hello(5), 2);
    n.onBytes(2, hello(5), 2);
    assert.deepEqual(closes(n.drain()), [{ conn: 2, code: 'duplicate', refuse: RefuseReason.REFUSE_REASON_DUPLICATE }], 'node 3 dialed conn 1: it stays');
  });

  it('reports a message before Hello and a malformed frame as problems, and closes', () => {
    const n = node();
    n.onConnected(1, 0);
    n.onConnected(2, 0);
    n.drain();
    n.onBytes(1, encodeFrame({ body: { $case: 'ping', value: { seq: 1, sentAtMs: 0 } } }), 1);
    n.onBytes(2, Uint8Array.of(0, 0, 0, 2, 1, 0xff), 1);
    const out = n.drain();
    assert.deepEqual(
      out.filter((o) => o.kind === 'problem').map((o) => o.kind === 'problem' && o.code),
      ['OVERLAY_PROTOCOL', 'OVERLAY_DECODE'],
    );
    assert.deepEqual(closes(out).map((c) => c.code), ['protocol', 'protocol']);
  });

  it('closes a link that stays silent past the liveness timeout', () => {
    const n = node();
    n.onConnected(1, 0);
    n.onBytes(1, hello(9), 0);
    n.onTick(3999);
    assert.deepEqual(closes(n.drain()), []);
    n.onTick(4000);
    assert.deepEqual(closes(n.drain()), [{ conn: 1, code: 'timeout' }]);
  });
});

describe('neighbours: redial', () => {
  it('backs off exponentially with jitter from the injected random source', () => {
    const times: number[] = [];
    const n = node(['5@h:1'], () => 0.5);
    let now = 0;
    n.onTick(now);
    n.drain();
    for (let attempt = 0; attempt < 5; attempt++) {
      n.onConnectFailed('h:1', now);
      for (let connected = false; !connected; ) {
        now += 1;
        n.onTick(now);
        connected = n.drain().some((o) => o.kind === 'connect');
      }
      times.push(now);
    }
    // 500, 1000, 2000... each scaled by 1 - 0.5 * 0.5.
    assert.deepEqual(times, [375, 375 + 750, 375 + 750 + 1500, 375 + 750 + 1500 + 3000, 375 + 750 + 1500 + 3000 + 6000]);
    assert.equal(backoffMs(40, 500, 30_000, 0.5, () => 0), 30_000, 'capped');
  });

  it('smooths RTT like TCP: first sample as is, then an eighth of each difference', () => {
    const filter = new RttFilter();
    assert.equal(filter.valueMs, undefined);
    assert.equal(filter.add(80), 80);
    assert.equal(filter.add(160), 90);
    assert.equal(filter.add(90), 90);
  });
});
