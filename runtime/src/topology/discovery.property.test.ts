import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { portInfo, SimNetwork } from './testing/sim-network.js';
import { Topology } from './topology.js';
import { endpointKey, type Endpoint } from './types.js';

const SECRET = Buffer.from('discovery-property-secret-32byte');
const INTERVAL = 1000;
const PORTS = 4;

/** Up to 8 switches with 4 ports each, and wires between distinct free ports. */
const network = fc
  .integer({ min: 2, max: 8 })
  .chain((switches) =>
    fc.record({
      switches: fc.constant(switches),
      pairs: fc.array(fc.tuple(fc.integer({ min: 1, max: switches }), fc.integer({ min: 1, max: switches })), { maxLength: 12 }),
      seed: fc.integer(),
      cutMask: fc.nat(),
    }),
  );

function wires(switches: number, pairs: readonly [number, number][]): [Endpoint, Endpoint][] {
  const nextPort = new Map<number, number>();
  const out: [Endpoint, Endpoint][] = [];
  for (const [a, b] of pairs) {
    const pa = (nextPort.get(a) ?? 0) + 1;
    const pb = (nextPort.get(b) ?? 0) + 1 + (a === b ? 1 : 0);
    if (pa > PORTS || pb > PORTS || a > switches) continue;
    nextPort.set(a, Math.max(pa, a === b ? pb : pa));
    if (a !== b) nextPort.set(b, pb);
    out.push([{ dpid: BigInt(a), port: pa }, { dpid: BigInt(b), port: pb }]);
  }
  return out;
}

const linkSet = (links: readonly { src: Endpoint; dst: Endpoint }[]): string[] => links.map((l) => `${endpointKey(l.src)}>${endpointKey(l.dst)}`).sort();

describe('link discovery (properties)', () => {
  it('finds exactly the wired links, and after cuts loses exactly the cut ones within the timeout', () => {
    fc.assert(
      fc.property(network, ({ switches, pairs, seed, cutMask }) => {
        let s = seed >>> 0;
        const random = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s / 2 ** 32);
        const t = new Topology({ discovery: { node: 1, secret: SECRET, probeIntervalMs: INTERVAL, random } });
        const sim = new SimNetwork(t, 2);
        const wired = wires(switches, pairs);
        for (const [a, b] of wired) sim.wire(a, b);
        for (let d = 1; d <= switches; d++) t.switchUp(BigInt(d), Array.from({ length: PORTS }, (_, i) => portInfo(BigInt(d), i + 1)), sim.nowMs);
        sim.run(sim.nowMs + INTERVAL * 1.5);
        const both = (ws: [Endpoint, Endpoint][]): { src: Endpoint; dst: Endpoint }[] => ws.flatMap(([a, b]) => [{ src: a, dst: b }, { src: b, dst: a }]);
        assert.deepEqual(linkSet(t.links()), linkSet(both(wired)));
        const cut = wired.filter((_, i) => ((cutMask >> i) & 1) === 1);
        for (const [a] of cut) sim.cut(a);
        sim.run(sim.nowMs + t.linkTimeoutMs + INTERVAL * 1.3);
        assert.deepEqual(linkSet(t.links()), linkSet(both(wired.filter((w) => !cut.includes(w)))));
        const downs = sim.events.filter((e) => e.kind === 'linkDown');
        assert.equal(downs.length, cut.length * 2);
      }),
      { numRuns: 60 },
    );
  });
});
