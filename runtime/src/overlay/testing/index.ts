/** Test support for the overlay: the simulator, graphs and Dijkstra, a seeded PRNG. Never imported by production code. */
export { Simulator, type SimEvent, type SimulatorOptions } from './simulator.js';
export { costAdjacency, randomGeometricGraph, shortestCosts, type CostAdjacency, type Graph } from './graphs.js';
export { seededRandom } from './prng.js';
export { advanceUntilConverged, expectedCosts, simulate, wrongRoutes, type WrongRoute } from './convergence.js';
