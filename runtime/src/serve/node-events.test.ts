import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AppEvent } from '../core/index.js';
import type { OverlayOutput } from '../overlay/index.js';
import { NodeEvents } from './node-events.js';

const SELF = 1;

function setup(costs: ReadonlyMap<number, number> = new Map()) {
  const published: AppEvent[] = [];
  const events = new NodeEvents(SELF, { route: (dest) => (costs.has(dest) ? { costMs: costs.get(dest)! } : undefined) }, { publish: (e) => published.push(e) });
  const feed = (...outputs: OverlayOutput[]): void => outputs.forEach((o) => events.onOutput(o));
  return { published, feed };
}

describe('NodeEvents: the overlay\'s reachability as nodeUp / nodeDown', () => {
  it('publishes nodeUp with the route\'s cost and the names the overlay knows', () => {
    const { published, feed } = setup(new Map([[2, 13.5]]));
    feed({ kind: 'neighbour-up', node: 2, rttMs: 3.5 }, { kind: 'node-reachable', node: 2 }, { kind: 'node-reachable', node: 3, aliases: ['c'] });
    assert.deepEqual(published, [
      { type: 'nodeUp', node: SELF, nodeId: 2, aliases: [], costMs: 13.5 },
      { type: 'nodeUp', node: SELF, nodeId: 3, aliases: ['c'], costMs: 0 },
    ]);
  });

  it('says linkDown, with the link\'s close reason, for a node whose direct link closed; noRoute for one lost behind it', () => {
    const { published, feed } = setup();
    feed(
      { kind: 'neighbour-down', node: 2, reason: { code: 'timeout', detail: 'no pong for 3000 ms' } },
      { kind: 'node-unreachable', node: 2, aliases: ['b'] },
      { kind: 'node-unreachable', node: 3 },
    );
    assert.deepEqual(published, [
      { type: 'nodeDown', node: SELF, nodeId: 2, aliases: ['b'], reason: 'linkDown', detail: 'timeout: no pong for 3000 ms' },
      { type: 'nodeDown', node: SELF, nodeId: 3, aliases: [], reason: 'noRoute', detail: '' },
    ]);
  });

  it('says noRoute for a node that stayed reachable through others when its link closed, and lost that route later', () => {
    const costs = new Map([[2, 30]]);
    const { published, feed } = setup(costs);
    feed({ kind: 'neighbour-down', node: 2, reason: { code: 'timeout', detail: 'no pong' } });
    costs.delete(2);
    feed({ kind: 'node-unreachable', node: 2 });
    assert.deepEqual(published, [{ type: 'nodeDown', node: SELF, nodeId: 2, aliases: [], reason: 'noRoute', detail: '' }]);
  });

  it('forgets a link\'s close reason once the link is up again or the node was reported down', () => {
    const { published, feed } = setup();
    feed(
      { kind: 'neighbour-down', node: 2, reason: { code: 'shutdown', detail: 'the connection closed' } },
      { kind: 'neighbour-up', node: 2, rttMs: 1 },
      { kind: 'node-unreachable', node: 2 },
      { kind: 'neighbour-down', node: 4, reason: { code: 'shutdown', detail: 'the connection closed' } },
      { kind: 'node-unreachable', node: 4 },
      { kind: 'node-unreachable', node: 4 },
    );
    assert.deepEqual(
      published.map((e) => (e.type === 'nodeDown' ? `${e.nodeId}:${e.reason}` : e.type)),
      ['2:noRoute', '4:linkDown', '4:noRoute'],
    );
  });

  it('ignores every other output', () => {
    const { published, feed } = setup();
    feed({ kind: 'broadcast', from: 2, data: new Uint8Array(0) }, { kind: 'problem', code: 'OVERLAY_DECODE', detail: 'x' });
    assert.deepEqual(published, []);
  });
});
