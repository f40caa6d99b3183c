import { SdnError } from '../errors.js';

/**
 * Why a mastership operation failed. Stable codes:
 * - `NOT_MASTER`: a command for a switch this node is not master of (the
 *   message names the master node when one is known).
 * - `MASTERSHIP_UNAVAILABLE`: etcd could not be reached for the lease or the
 *   campaign (the node serves what it safely can: it writes to no switch).
 * - `MASTERSHIP_CONFLICT`: another live node of the cluster has this node's
 *   name (at start).
 */
export type MastershipErrorCode = 'NOT_MASTER' | 'MASTERSHIP_UNAVAILABLE' | 'MASTERSHIP_CONFLICT';

export class MastershipError extends SdnError {
  declare readonly code: MastershipErrorCode;

  constructor(code: MastershipErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
