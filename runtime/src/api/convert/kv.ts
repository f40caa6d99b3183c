import type * as pb from '../../generated/sdn/runtime/v1/kv.js';
import type { PubSubMessage as PbPubSubMessage } from '../../generated/sdn/runtime/v1/pubsub.js';
import type { PubSubMessage } from '../../pubsub/types.js';
import type { Compare, CompareResult, CompareTarget, TxnOp } from '../../store/types.js';
import { ApiInputError } from '../errors.js';
import { asBuffer } from './validate.js';

/**
 * KV transactions and pubsub messages from the proto to the store/bus interfaces,
 * with input errors naming the command's field path. The store's results go back
 * through the KV service's own converters (store/kv-convert.ts), shared here.
 */
export { fromKeyValue, fromKvChange, fromTxnResult } from '../../store/kv-convert.js';

const TARGETS: readonly CompareTarget[] = ['value', 'version', 'createRevision', 'modRevision'];
const RESULTS: readonly CompareResult[] = ['equal', 'notEqual', 'greater', 'less'];

function toCompare(c: pb.Compare, path: string): Compare {
  const target = TARGETS[c.target];
  const result = RESULTS[c.result];
  if (target === undefined) throw new ApiInputError(`${path}.target`, `${c.target} is not a compare target`);
  if (result === undefined) throw new ApiInputError(`${path}.result`, `${c.result} is not a compare result`);
  return target === 'value' ? { key: c.key, target, result, value: c.value } : { key: c.key, target, result, number: c.number };
}

function toTxnOp(op: pb.TxnOp, path: string): TxnOp {
  const k = op.kind;
  if (k === undefined) throw new ApiInputError(path, 'no operation given');
  switch (k.$case) {
    case 'put':
      return { type: 'put', key: k.value.key, value: k.value.value };
    case 'delete':
      return { type: 'delete', key: k.value.key, prefix: k.value.prefix };
    case 'get':
      return { type: 'get', key: k.value.key };
  }
}

/** A TxnRequest as the store's arguments. */
export function toTxn(t: pb.TxnRequest, path: string): { compares: Compare[]; success: TxnOp[]; failure: TxnOp[] } {
  return {
    compares: t.compares.map((c, i) => toCompare(c, `${path}.compares[${i}]`)),
    success: t.success.map((op, i) => toTxnOp(op, `${path}.success[${i}]`)),
    failure: t.failure.map((op, i) => toTxnOp(op, `${path}.failure[${i}]`)),
  };
}

export function toPubSubMessage(m: PbPubSubMessage | undefined, path: string): PubSubMessage {
  if (m === undefined) throw new ApiInputError(path, 'is required');
  if (m.subject === '') throw new ApiInputError(`${path}.subject`, 'is empty');
  return { subject: m.subject, payload: m.payload, headers: m.headers };
}

export function fromPubSubMessage(m: PubSubMessage): PbPubSubMessage {
  return { subject: m.subject, payload: asBuffer(m.payload), headers: { ...m.headers } };
}
