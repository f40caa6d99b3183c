/**
 * OpenFlow 1.0: the codecs of every 1.0 message but the four every version shares
 * (../basic.ts), the 1.0 value types and constants, and the mapping between 1.0
 * values and the 1.3 model apps use (model.ts). See README.md.
 */
export * from './constants.js';
export type * from './types.js';
export { of10Codecs } from './messages.js';
export { readMatch10, writeMatch10 } from './match.js';
export { readActions10, writeActions10 } from './actions.js';
export { bodyDown, matchDown, matchUp, messageUp, phyPortUp, portUp } from './model.js';
