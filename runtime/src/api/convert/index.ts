/** Conversions between the API's proto values and the runtime's codec, store, bus and plugin host values. */
export * from './actions.js';
export * from './commands.js';
export * from './events.js';
export * from './kv.js';
export * from './match.js';
export * from './openflow-errors.js';
export * from './plugins.js';
export * from './stats.js';
export * from './topology.js';
export { asBuffer } from './validate.js';
