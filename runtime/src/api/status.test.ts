import assert from 'node:assert/strict';
import { status } from '@grpc/grpc-js';
import { describe, it } from 'node:test';
import { CommandError_Code } from '../generated/sdn/runtime/v1/events.js';
import { PubSubError, type PubSubErrorCode } from '../pubsub/index.js';
import { KvError, type KvErrorCode } from '../store/index.js';
import { commandErrorCodeOf, ERROR_CODE_METADATA_KEY, grpcStatusOf, internalServiceError, toServiceError } from './status.js';

/**
 * One status mapping for every service: the store's and the bus's codes are
 * answered by api/status.ts like the API's own (the KV and PubSub services used
 * to carry their own maps).
 */

const KV: Readonly<Record<KvErrorCode, readonly [status, CommandError_Code]>> = {
  KV_INVALID: [status.INVALID_ARGUMENT, CommandError_Code.CODE_INVALID],
  KV_CLOSED: [status.UNAVAILABLE, CommandError_Code.CODE_UNAVAILABLE],
  KV_STORAGE: [status.INTERNAL, CommandError_Code.CODE_INTERNAL],
  KV_CORRUPT: [status.DATA_LOSS, CommandError_Code.CODE_INTERNAL],
  KV_LOCKED: [status.FAILED_PRECONDITION, CommandError_Code.CODE_INTERNAL],
  KV_UNAVAILABLE: [status.UNAVAILABLE, CommandError_Code.CODE_UNAVAILABLE],
};

const PUBSUB: Readonly<Record<PubSubErrorCode, status>> = {
  PUBSUB_SUBJECT: status.INVALID_ARGUMENT,
  PUBSUB_PATTERN: status.INVALID_ARGUMENT,
};

describe('api/status.ts: the one mapping', () => {
  it('maps every KV error code', () => {
    for (const [code, [grpc, command]] of Object.entries(KV)) {
      const error = new KvError(code as KvErrorCode, 'x');
      assert.equal(grpcStatusOf(error), grpc, code);
      assert.equal(commandErrorCodeOf(error), command, code);
    }
  });

  it('maps every pubsub error code', () => {
    for (const [code, grpc] of Object.entries(PUBSUB)) assert.equal(grpcStatusOf(new PubSubError(code as PubSubErrorCode, 'x')), grpc, code);
  });

  it('sends the stable code in the sdn-error-code metadata, and nothing of a bug', () => {
    const refused = toServiceError(new KvError('KV_UNAVAILABLE', 'no leader'));
    assert.equal(refused.code, status.UNAVAILABLE);
    assert.equal(refused.details, 'no leader');
    assert.deepEqual(refused.metadata?.get(ERROR_CODE_METADATA_KEY), ['KV_UNAVAILABLE']);
    const bug = internalServiceError('KV.Put');
    assert.equal(bug.code, status.INTERNAL);
    assert.equal(bug.details, 'internal error in KV.Put (see the runtime log)');
  });
});
