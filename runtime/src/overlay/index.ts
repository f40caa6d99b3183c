/**
 * The overlay between runtime nodes, as pure state machines (README.md): a
 * runner feeds an `OverlayNode` bytes, connection events and ticks with `nowMs`,
 * and acts on its outputs: serve/overlay-runner.ts.
 */
export { OverlayNode } from './node.js';
export { overlayDefaults, type OverlayConfig, type OverlayIdentity } from './config.js';
export { OverlayError, type OverlayErrorCode } from './errors.js';
export type { CloseReason, ConnId, NodeId, OverlayOutput, RandomSource } from './types.js';
export { PROTOCOL_VERSION, parseNodeId, parseSeed, parseSeeds, type Seed } from './neighbours/index.js';
export type { Route } from './router/index.js';
export type { LinkView, OverlaySnapshot } from './directory/index.js';
export { DEFAULT_MAX_FRAME_BYTES, FrameDecoder, encodeFrame } from './wire/index.js';
