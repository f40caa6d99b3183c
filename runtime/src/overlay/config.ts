import type { DirectoryConfig } from './directory/index.js';
import type { ForwardConfig } from './forward/index.js';
import type { NeighboursConfig, Seed } from './neighbours/index.js';
import type { PubSubConfig } from './pubsub/index.js';
import type { RouterConfig } from './router/index.js';
import type { NodeId, RandomSource } from './types.js';
import { DEFAULT_MAX_FRAME_BYTES } from './wire/index.js';

/** Everything a node's features are tuned by; `overlayDefaults` fills what is not given. */
export type OverlayConfig = NeighboursConfig &
  RouterConfig &
  ForwardConfig &
  PubSubConfig &
  DirectoryConfig;

/** What must be given: the node id, its seeds and a random source (Math.random in production). */
export interface OverlayIdentity {
  readonly nodeId: NodeId;
  readonly seeds: readonly Seed[];
  readonly random: RandomSource;
}

/**
 * Defaults, in ms where a time. Liveness is four pings; a route digest goes to
 * each neighbour every 2 s, so at rest a node sends per neighbour 1 ping, 1 pong
 * and half a digest per second, whatever the network's size.
 */
export function overlayDefaults(identity: OverlayIdentity, overrides: Partial<OverlayConfig> = {}): OverlayConfig {
  return {
    nodeId: identity.nodeId,
    seeds: identity.seeds,
    random: identity.random,
    epoch: Math.floor(identity.random() * 0xffff_ffff) >>> 0,
    pingIntervalMs: 1000,
    livenessTimeoutMs: 4000,
    handshakeTimeoutMs: 5000,
    backoffInitialMs: 500,
    backoffMaxMs: 30_000,
    backoffJitter: 0.5,
    maxLinks: 64,
    maxFrameBytes: DEFAULT_MAX_FRAME_BYTES,
    hopPenaltyMs: 10,
    maxPathLength: 32,
    maxRoutes: 10_000,
    maxCostMs: 600_000,
    digestIntervalMs: 2000,
    routeExpiryMs: 10_000,
    resyncMinIntervalMs: 500,
    maxRoutesPerUpdate: 1000,
    rttChangeMinMs: 2,
    rttChangeShare: 0.1,
    linkNoticeHoldMs: 30_000,
    updateBatchMs: 10,
    linkNoticeBurst: 128,
    linkNoticeRefillMs: 100,
    maxTtl: 32,
    maxOrigins: 10_000,
    maxPatterns: 4096,
    recordMinIntervalMs: 1000,
    interestMinIntervalMs: 200,
    pullRetryMs: 2000,
    announceLinks: true,
    maxDpids: 65_536,
    maxAliases: 64,
    maxAliasLength: 128,
    ...overrides,
  };
}
