import type { KeySpan, TxnStep, WriteRequest } from './apply.js';
import { describeKey, hasPrefix, prefixEnd } from './bytes.js';
import { KvError } from './errors.js';
import type { Compare, CompareResult, CompareTarget, TxnOp } from './types.js';

/**
 * Checks every argument before anything reaches the write queue, so a bad request
 * is rejected alone (`KV_INVALID`, naming the field) instead of failing a group
 * commit it shares with others. Write requests copy their bytes: the caller may
 * reuse its buffers as soon as the call returns, before the commit runs.
 */

export interface Limits {
  /** lmdb's key size limit for this build (1978 bytes for lmdb-js 3). */
  readonly maxKeyBytes: number;
  readonly maxValueBytes: number;
  /** Operations per txn branch, and compares per txn. */
  readonly maxTxnOps: number;
  /** Bytes of keys and values in one range result, and in one txn's results. */
  readonly maxRangeBytes: number;
}

function invalid(message: string): never {
  throw new KvError('KV_INVALID', message);
}

/** An exact key: 1..maxKeyBytes bytes. With `prefix`, an empty key (every key) is allowed too. */
export function checkKey(key: unknown, where: string, limits: Limits, prefix = false): Uint8Array {
  if (!(key instanceof Uint8Array)) return invalid(`${where}: key must be bytes`);
  if (key.length === 0 && !prefix) return invalid(`${where}: key is empty`);
  if (key.length > limits.maxKeyBytes) return invalid(`${where}: key is ${key.length} bytes, the limit is ${limits.maxKeyBytes}`);
  return key;
}

function checkValue(value: unknown, where: string, limits: Limits): Uint8Array {
  if (!(value instanceof Uint8Array)) return invalid(`${where}: value must be bytes`);
  if (value.length > limits.maxValueBytes) return invalid(`${where}: value is ${value.length} bytes, the limit is ${limits.maxValueBytes}`);
  return value;
}

export function spanOf(key: Uint8Array, prefix: boolean): KeySpan {
  return prefix ? { start: key, end: prefixEnd(key) } : { key };
}

export function putRequest(key: Uint8Array, value: Uint8Array, limits: Limits): WriteRequest {
  return { kind: 'put', key: Uint8Array.from(checkKey(key, 'put', limits)), value: Uint8Array.from(checkValue(value, 'put', limits)) };
}

export function deleteRequest(key: Uint8Array, prefix: boolean, limits: Limits): WriteRequest {
  return { kind: 'delete', span: spanOf(Uint8Array.from(checkKey(key, 'delete', limits, prefix)), prefix) };
}

export function checkLimit(limit: unknown): number {
  if (limit === undefined) return 0;
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 0) return invalid(`range: limit ${String(limit)} is not an integer >= 0`);
  return limit;
}

/** A range's byte budget: the caller's when it is smaller than the store's cap, else the cap. */
export function checkMaxBytes(maxBytes: unknown, limits: Limits): number {
  if (maxBytes === undefined || maxBytes === 0) return limits.maxRangeBytes;
  if (typeof maxBytes !== 'number' || !Number.isSafeInteger(maxBytes) || maxBytes < 0) return invalid(`range: maxBytes ${String(maxBytes)} is not an integer >= 0`);
  return Math.min(maxBytes, limits.maxRangeBytes);
}

const TARGETS: readonly CompareTarget[] = ['value', 'version', 'createRevision', 'modRevision'];
const RESULTS: readonly CompareResult[] = ['equal', 'notEqual', 'greater', 'less'];

function checkCompare(compare: Compare, where: string, limits: Limits): Compare {
  const key = Uint8Array.from(checkKey(compare.key, where, limits));
  if (!TARGETS.includes(compare.target)) invalid(`${where}: target ${String(compare.target)} is not one of ${TARGETS.join(', ')}`);
  if (!RESULTS.includes(compare.result)) invalid(`${where}: result ${String(compare.result)} is not one of ${RESULTS.join(', ')}`);
  if (compare.target === 'value') {
    return { key, target: compare.target, result: compare.result, value: Uint8Array.from(checkValue(compare.value, where, limits)) };
  }
  if (typeof compare.number !== 'bigint' || compare.number < 0n) invalid(`${where}: target ${compare.target} needs a number >= 0`);
  return { key, target: compare.target, result: compare.result, number: compare.number };
}

function covers(span: KeySpan, key: Uint8Array): boolean {
  if ('key' in span) return Buffer.compare(span.key, key) === 0;
  return hasPrefix(key, span.start);
}

/** etcd's rule: within one branch a key may be written once, and no put may fall inside a delete of the same branch. */
function checkBranch(ops: readonly TxnOp[], branch: string, limits: Limits): TxnStep[] {
  if (ops.length > limits.maxTxnOps) invalid(`txn ${branch}: ${ops.length} operations, the limit is ${limits.maxTxnOps}`);
  const steps: TxnStep[] = [];
  const puts = new Map<string, number>();
  const deletes: { span: KeySpan; index: number }[] = [];
  ops.forEach((op, index) => {
    const where = `txn ${branch} op ${index}`;
    switch (op.type) {
      case 'put': {
        const step = { type: 'put' as const, key: Uint8Array.from(checkKey(op.key, where, limits)), value: Uint8Array.from(checkValue(op.value, where, limits)) };
        const id = Buffer.from(step.key).toString('hex');
        const earlier = puts.get(id);
        if (earlier !== undefined) invalid(`${where}: key ${describeKey(step.key)} is also put by op ${earlier}`);
        puts.set(id, index);
        steps.push(step);
        break;
      }
      case 'delete': {
        const prefix = op.prefix === true;
        const span = spanOf(Uint8Array.from(checkKey(op.key, where, limits, prefix)), prefix);
        deletes.push({ span, index });
        steps.push({ type: 'delete', span });
        break;
      }
      case 'get':
        steps.push({ type: 'get', key: Uint8Array.from(checkKey(op.key, where, limits)) });
        break;
      default:
        invalid(`${where}: type ${String((op as { type: unknown }).type)} is not put, delete or get`);
    }
  });
  for (const step of steps) {
    if (step.type !== 'put') continue;
    const clash = deletes.find((d) => covers(d.span, step.key));
    if (clash !== undefined) invalid(`txn ${branch}: key ${describeKey(step.key)} is put by op ${puts.get(Buffer.from(step.key).toString('hex'))} and deleted by op ${clash.index}`);
  }
  return steps;
}

export function txnRequest(compares: readonly Compare[], success: readonly TxnOp[], failure: readonly TxnOp[], limits: Limits): WriteRequest {
  if (compares.length > limits.maxTxnOps) invalid(`txn: ${compares.length} compares, the limit is ${limits.maxTxnOps}`);
  return {
    kind: 'txn',
    compares: compares.map((c, i) => checkCompare(c, `txn compare ${i}`, limits)),
    success: checkBranch(success, 'success', limits),
    failure: checkBranch(failure, 'failure', limits),
    maxResultBytes: limits.maxRangeBytes,
  };
}
