import * as pb from '../../generated/sdn/runtime/v1/kv.js';
import type { PubSubMessage as PbPubSubMessage } from '../../generated/sdn/runtime/v1/pubsub.js';
import type { PubSubMessage } from '../../pubsub/index.js';
import { KvError, type Compare, type CompareResult, type CompareTarget, type KeyValue, type KvChange, type TxnOp, type TxnOpResult, type TxnResult } from '../../store/index.js';
import { ApiInputError } from '../errors.js';
import { asBuffer } from './validate.js';

/**
 * Between the generated KV and pubsub messages and the store's and bus's
 * values, for the KV service, the PubSub service and the Events stream's
 * kv_txn/publish commands. Input errors name the proto field
 * ("command.kv_txn.success[2]: no operation given").
 */

const TARGETS: Readonly<Record<number, CompareTarget>> = {
  [pb.Compare_Target.TARGET_VALUE]: 'value',
  [pb.Compare_Target.TARGET_VERSION]: 'version',
  [pb.Compare_Target.TARGET_CREATE_REVISION]: 'createRevision',
  [pb.Compare_Target.TARGET_MOD_REVISION]: 'modRevision',
};

const RESULTS: Readonly<Record<number, CompareResult>> = {
  [pb.Compare_Result.RESULT_EQUAL]: 'equal',
  [pb.Compare_Result.RESULT_NOT_EQUAL]: 'notEqual',
  [pb.Compare_Result.RESULT_GREATER]: 'greater',
  [pb.Compare_Result.RESULT_LESS]: 'less',
};

/** Makes the error for a field of a request that is not valid; each caller names it in its own error domain. */
export type InvalidField = (path: string, detail: string) => Error;

/** The KV service's own requests: `KV_INVALID`, as the store answers bad arguments. */
export const kvInvalid: InvalidField = (path, detail) => new KvError('KV_INVALID', `${path}: ${detail}`);

const apiInvalid: InvalidField = (path, detail) => new ApiInputError(path, detail);

function toCompare(c: pb.Compare, path: string, invalid: InvalidField): Compare {
  const target = TARGETS[c.target];
  const result = RESULTS[c.result];
  if (target === undefined) throw invalid(`${path}.target`, `${c.target} is not a compare target`);
  if (result === undefined) throw invalid(`${path}.result`, `${c.result} is not a compare result`);
  return target === 'value' ? { key: c.key, target, result, value: c.value } : { key: c.key, target, result, number: c.number };
}

function toTxnOp(op: pb.TxnOp, path: string, invalid: InvalidField): TxnOp {
  const kind = op.kind;
  if (kind === undefined) throw invalid(path, 'no operation given');
  switch (kind.$case) {
    case 'put':
      return { type: 'put', key: kind.value.key, value: kind.value.value };
    case 'delete':
      return { type: 'delete', key: kind.value.key, prefix: kind.value.prefix };
    case 'get':
      return { type: 'get', key: kind.value.key };
  }
}

/**
 * A TxnRequest as the store's arguments. Field paths start at `path` (empty for
 * the KV service's own request); errors are `API_INVALID` unless `invalid` says otherwise.
 */
export function toTxn(request: pb.TxnRequest, path: string, invalid: InvalidField = apiInvalid): { compares: Compare[]; success: TxnOp[]; failure: TxnOp[] } {
  const at = path === '' ? '' : `${path}.`;
  return {
    compares: request.compares.map((c, i) => toCompare(c, `${at}compares[${i}]`, invalid)),
    success: request.success.map((op, i) => toTxnOp(op, `${at}success[${i}]`, invalid)),
    failure: request.failure.map((op, i) => toTxnOp(op, `${at}failure[${i}]`, invalid)),
  };
}

export function fromKeyValue(kv: KeyValue): pb.KeyValue {
  return { key: asBuffer(kv.key), value: asBuffer(kv.value), createRevision: kv.createRevision, modRevision: kv.modRevision, version: kv.version };
}

export function fromOptionalKeyValue(kv: KeyValue | undefined): pb.KeyValue | undefined {
  return kv === undefined ? undefined : fromKeyValue(kv);
}

function fromTxnOpResult(r: TxnOpResult): pb.TxnOpResult {
  switch (r.type) {
    case 'put':
      return { kind: { $case: 'put', value: { revision: r.revision, previous: fromOptionalKeyValue(r.previous) } } };
    case 'delete':
      return { kind: { $case: 'delete', value: { revision: r.revision, deleted: BigInt(r.deleted) } } };
    case 'get':
      return { kind: { $case: 'get', value: { kv: fromOptionalKeyValue(r.kv), revision: r.revision } } };
  }
}

export function fromTxnResult(r: TxnResult): pb.TxnResponse {
  return { succeeded: r.succeeded, results: r.results.map(fromTxnOpResult), revision: r.revision };
}

/** Bytes an event adds to an encoded WatchResponse, near enough to split responses by size. */
export function kvEventSize(change: KvChange): number {
  return change.kv.key.length + change.kv.value.length + 48;
}

export function fromKvChange(change: KvChange): pb.KvEvent {
  return { type: change.type === 'put' ? pb.KvEvent_Type.TYPE_PUT : pb.KvEvent_Type.TYPE_DELETE, kv: fromKeyValue(change.kv) };
}

export function toPubSubMessage(m: PbPubSubMessage | undefined, path: string): PubSubMessage {
  if (m === undefined) throw new ApiInputError(path, 'is required');
  if (m.subject === '') throw new ApiInputError(`${path}.subject`, 'is empty');
  return { subject: m.subject, payload: m.payload, headers: m.headers };
}

export function fromPubSubMessage(m: PubSubMessage): PbPubSubMessage {
  return { subject: m.subject, payload: asBuffer(m.payload), headers: { ...m.headers } };
}
