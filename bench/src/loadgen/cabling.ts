import { seededRandom } from '../../../runtime/dist/overlay/testing/index.js';

/**
 * The wiring of the discovery benchmark's emulated network: a ring (port 1 of
 * switch i to port 2 of switch i+1) plus chords pairing the switches at random
 * (port 3, a perfect matching drawn from `seed`; with an odd count one switch has
 * none). Port 4 and above stay free: edge ports, probed but cabled to nothing.
 * 1.5 cables (3 links, one per direction) per switch. Pure.
 */

/** One cable: port `aPort` of switch index `a` to port `bPort` of switch index `b`. */
export interface Cable {
  readonly a: number;
  readonly aPort: number;
  readonly b: number;
  readonly bPort: number;
}

/** The ports the wiring uses on each switch (the ring's two and the chord's). */
export const CABLED_PORTS = 3;

/** The cables of `switches` switches (at least 3, so the ring has no parallel cables). */
export function ringWithChords(switches: number, seed: number): Cable[] {
  if (!Number.isInteger(switches) || switches < 3) throw new RangeError(`a ring needs at least 3 switches, not ${switches}`);
  const cables: Cable[] = [];
  for (let i = 0; i < switches; i++) cables.push({ a: i, aPort: 1, b: (i + 1) % switches, bPort: 2 });
  const order = Array.from({ length: switches }, (_, i) => i);
  const random = seededRandom(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  for (let k = 0; k + 1 < order.length; k += 2) cables.push({ a: order[k]!, aPort: 3, b: order[k + 1]!, bPort: 3 });
  return cables;
}
