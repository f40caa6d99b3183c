/** Switch mastership: the per-dpid state machine (pure) and the etcd campaign that feeds it. */
export type * from './types.js';
export { MastershipMachine, openflowRole } from './machine.js';
export { generationBefore } from './generation.js';
export { MastershipError, type MastershipErrorCode } from './errors.js';
