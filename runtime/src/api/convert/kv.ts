import type * as pb from '../../generated/sdn/runtime/v1/kv.js';
import type { PubSubMessage as PbPubSubMessage } from '../../generated/sdn/runtime/v1/pubsub.js';
import type { PubSubMessage } from '../../pubsub/types.js';
import { toTxn as storeToTxn } from '../../store/kv-convert.js';
import type { Compare, TxnOp } from '../../store/types.js';
import { ApiInputError } from '../errors.js';
import { asBuffer } from './validate.js';

/**
 * KV transactions and pubsub messages from the proto to the store/bus interfaces,
 * with input errors naming the command's field path. Both directions are the KV
 * service's own converters (store/kv-convert.ts), shared here.
 */
export { fromKeyValue, fromKvChange, fromTxnResult } from '../../store/kv-convert.js';

/** A TxnRequest as the store's arguments; errors name the command's field path. */
export function toTxn(t: pb.TxnRequest, path: string): { compares: Compare[]; success: TxnOp[]; failure: TxnOp[] } {
  return storeToTxn(t, path, (field, detail) => new ApiInputError(field, detail));
}

export function toPubSubMessage(m: PbPubSubMessage | undefined, path: string): PubSubMessage {
  if (m === undefined) throw new ApiInputError(path, 'is required');
  if (m.subject === '') throw new ApiInputError(`${path}.subject`, 'is empty');
  return { subject: m.subject, payload: m.payload, headers: m.headers };
}

export function fromPubSubMessage(m: PubSubMessage): PbPubSubMessage {
  return { subject: m.subject, payload: asBuffer(m.payload), headers: { ...m.headers } };
}
