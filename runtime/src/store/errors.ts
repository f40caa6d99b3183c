import { SdnError } from '../errors.js';

/**
 * Why a KV operation failed. Stable codes (the gRPC mapping in api/status.ts
 * switches on them):
 * - `KV_INVALID`: the request itself is wrong (empty key, key or value too
 *   large, two writes to one key in a transaction); retrying it cannot succeed.
 * - `KV_CLOSED`: the store was closed before the operation ran.
 * - `KV_STORAGE`: lmdb refused the write or the read (disk full, I/O error);
 *   the operation did not happen.
 * - `KV_CORRUPT`: bytes on disk do not decode (names the key or revision), or
 *   the data file is lost or damaged (names the file and what to do).
 * - `KV_LOCKED`: another live process owns the data directory.
 * - `KV_UNAVAILABLE`: the etcd store cannot reach a healthy etcd member (no
 *   connection, no leader, the request deadline passed); the write may or may
 *   not have happened, so retry only what is safe to repeat.
 */
export type KvErrorCode = 'KV_INVALID' | 'KV_CLOSED' | 'KV_STORAGE' | 'KV_CORRUPT' | 'KV_LOCKED' | 'KV_UNAVAILABLE';

export class KvError extends SdnError {
  declare readonly code: KvErrorCode;

  constructor(code: KvErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
