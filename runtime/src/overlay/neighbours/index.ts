/** Links to neighbour nodes: seeds, handshake, RTT, liveness, redial with backoff. */
export { Neighbours, PROTOCOL_VERSION, type LinkListener, type NeighboursConfig } from './neighbours.js';
export { RttFilter, backoffMs } from './rtt.js';
export { parseNodeId, parseSeed, parseSeeds, type Seed } from './seeds.js';
