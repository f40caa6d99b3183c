import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { shortestPath } from './paths.js';
import type { Link } from './types.js';

function link(a: number, b: number, latencyMs = 1, port = b): Link {
  return { src: { dpid: BigInt(a), port }, dst: { dpid: BigInt(b), port: a }, latencyMs, srcNode: 1, upSinceMs: 0, lastSeenMs: 0 };
}
const both = (a: number, b: number, latencyMs = 1): Link[] => [link(a, b, latencyMs), link(b, a, latencyMs)];
const hops = (path: readonly Link[] | undefined): string | undefined => path?.map((l) => `${l.src.dpid}>${l.dst.dpid}`).join(' ');

describe('shortestPath', () => {
  it('follows a line, and is empty from a switch to itself', () => {
    const links = [...both(1, 2), ...both(2, 3), ...both(3, 4)];
    assert.equal(hops(shortestPath(links, 1n, 4n)), '1>2 2>3 3>4');
    assert.equal(hops(shortestPath(links, 4n, 2n)), '4>3 3>2');
    assert.deepEqual(shortestPath(links, 3n, 3n), []);
  });

  it('weighs by hops or by measured latency', () => {
    const links = [...both(1, 2, 10), ...both(2, 4, 10), ...both(1, 3, 1), ...both(3, 5, 1), ...both(5, 4, 1)];
    assert.equal(hops(shortestPath(links, 1n, 4n, 'hops')), '1>2 2>4');
    assert.equal(hops(shortestPath(links, 1n, 4n, 'latency')), '1>3 3>5 5>4');
  });

  it('is undefined when the destination cannot be reached (links are one-way)', () => {
    assert.equal(shortestPath([link(1, 2)], 2n, 1n), undefined);
    assert.equal(shortestPath([], 1n, 2n), undefined);
  });

  it('has as many hops as a breadth-first search finds, and is a chain of links', () => {
    const graph = fc.array(fc.tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 8 })), { maxLength: 30 });
    fc.assert(
      fc.property(graph, fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 8 }), (edges, from, to) => {
        const links = edges.filter(([a, b]) => a !== b).map(([a, b]) => link(a, b));
        const depth = new Map<number, number>([[from, 0]]);
        for (let frontier = [from]; frontier.length > 0; ) {
          const next: number[] = [];
          for (const a of frontier) {
            for (const [x, y] of edges) {
              if (x !== a || x === y || depth.has(y)) continue;
              depth.set(y, depth.get(a)! + 1);
              next.push(y);
            }
          }
          frontier = next;
        }
        const path = shortestPath(links, BigInt(from), BigInt(to));
        assert.equal(path?.length, depth.get(to));
        let at = BigInt(from);
        for (const l of path ?? []) {
          assert.equal(l.src.dpid, at);
          at = l.dst.dpid;
        }
        if (path !== undefined) assert.equal(at, BigInt(to));
      }),
    );
  });
});
