/** Switch mastership: the per-dpid state machine (pure) and the etcd campaign that feeds it. */
export type * from './types.js';
export { MastershipMachine, openflowRole } from './machine.js';
export { generationBefore } from './generation.js';
export { MastershipError, type MastershipErrorCode } from './errors.js';
export type { EtcdMastership, EtcdMastershipOptions } from './campaign.js';
// EtcdMastership itself (campaign.ts) is imported on demand by serve (`--ha`):
// it loads the etcd client and its protobuf loader, which a single node never needs.
