/** Conversions between the API's proto values and the runtime's codec, store and bus values. */
export * from './actions.js';
export * from './commands.js';
export * from './events.js';
export * from './kv.js';
export * from './match.js';
export * from './openflow-errors.js';
export * from './stats.js';
export { asBuffer } from './validate.js';
