// The plugin SDK: WIT types as the QuickJS guest sees them, OpenFlow constants
// and builders, frame parsing and the host calls. Import everything from here.
export type * from './wit.js';
export * from './openflow.js';
export * from './nicira.js';
export * from './ethernet.js';
export * from './host.js';
export { fromUtf8, macAt, utf8 } from './bytes.js';
