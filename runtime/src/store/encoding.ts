import { KvError } from './errors.js';
import type { KeyValue, KvChange } from './types.js';

/**
 * The on-disk formats of the lmdb store (pure: bytes in, values out). Each
 * record starts with a format byte so a later release can change the layout and
 * still read old data; an unknown format or a short record is `KV_CORRUPT`.
 *
 * key record (db `keys`, key = the user key):
 *   u8 format=1 | u64 createRevision | u64 modRevision | u64 version | value bytes
 * log entry (db `log`, key = u64 big-endian revision, so lmdb keeps revision order):
 *   u8 format=1 | u32 count | count × change
 *   change: u8 type (0 put, 1 delete) | u32 keyLength | key | u32 valueLength | value
 *           | u64 createRevision | u64 version   (modRevision is the entry's revision)
 */

const FORMAT = 1;
const RECORD_HEADER = 1 + 8 * 3;
const CHANGE_FIXED = 1 + 4 + 4 + 8 + 8;

export interface StoredRecord {
  readonly createRevision: bigint;
  readonly modRevision: bigint;
  readonly version: bigint;
  readonly value: Uint8Array;
}

export function encodeRecord(record: StoredRecord): Buffer {
  const out = Buffer.allocUnsafe(RECORD_HEADER + record.value.length);
  out[0] = FORMAT;
  out.writeBigUInt64BE(record.createRevision, 1);
  out.writeBigUInt64BE(record.modRevision, 9);
  out.writeBigUInt64BE(record.version, 17);
  out.set(record.value, RECORD_HEADER);
  return out;
}

/** `bytes` must be a buffer the caller owns: the value is a view into it. */
export function decodeRecord(bytes: Buffer, key: Uint8Array, describe: (key: Uint8Array) => string): StoredRecord {
  if (bytes.length < RECORD_HEADER || bytes[0] !== FORMAT) {
    throw new KvError('KV_CORRUPT', `record of key ${describe(key)}: ${bytes.length} bytes, format ${bytes[0] ?? 'none'}; expected format ${FORMAT} and at least ${RECORD_HEADER} bytes`);
  }
  return {
    createRevision: bytes.readBigUInt64BE(1),
    modRevision: bytes.readBigUInt64BE(9),
    version: bytes.readBigUInt64BE(17),
    value: bytes.subarray(RECORD_HEADER),
  };
}

export function revisionKey(revision: bigint): Buffer {
  const key = Buffer.allocUnsafe(8);
  key.writeBigUInt64BE(revision);
  return key;
}

export function revisionFromKey(key: Uint8Array): bigint {
  if (key.length !== 8) throw new KvError('KV_CORRUPT', `log key of ${key.length} bytes; expected 8`);
  return Buffer.from(key.buffer, key.byteOffset, 8).readBigUInt64BE(0);
}

export function encodeLogEntry(changes: readonly KvChange[]): Buffer {
  let size = 1 + 4;
  for (const change of changes) size += CHANGE_FIXED + change.kv.key.length + change.kv.value.length;
  const out = Buffer.allocUnsafe(size);
  out[0] = FORMAT;
  out.writeUInt32BE(changes.length, 1);
  let at = 5;
  for (const { type, kv } of changes) {
    out[at] = type === 'put' ? 0 : 1;
    out.writeUInt32BE(kv.key.length, at + 1);
    out.set(kv.key, at + 5);
    at += 5 + kv.key.length;
    out.writeUInt32BE(kv.value.length, at);
    out.set(kv.value, at + 4);
    at += 4 + kv.value.length;
    out.writeBigUInt64BE(kv.createRevision, at);
    out.writeBigUInt64BE(kv.version, at + 8);
    at += 16;
  }
  return out;
}

/** `bytes` must be a buffer the caller owns: keys and values are views into it. */
export function decodeLogEntry(bytes: Buffer, revision: bigint): KvChange[] {
  const fail = (detail: string): never => {
    throw new KvError('KV_CORRUPT', `log entry of revision ${revision}: ${detail}`);
  };
  if (bytes.length < 5 || bytes[0] !== FORMAT) fail(`${bytes.length} bytes, format ${bytes[0] ?? 'none'}; expected format ${FORMAT}`);
  const count = bytes.readUInt32BE(1);
  const changes: KvChange[] = [];
  let at = 5;
  const take = (length: number, field: string): number => {
    if (at + length > bytes.length) fail(`change ${changes.length}: ${field} needs ${length} bytes at byte ${at}, entry has ${bytes.length}`);
    const start = at;
    at += length;
    return start;
  };
  for (let i = 0; i < count; i++) {
    const typeByte = bytes[take(1, 'type')];
    if (typeByte !== 0 && typeByte !== 1) fail(`change ${i}: type ${typeByte} is neither 0 (put) nor 1 (delete)`);
    const keyLength = bytes.readUInt32BE(take(4, 'key length'));
    const keyStart = take(keyLength, 'key');
    const valueLength = bytes.readUInt32BE(take(4, 'value length'));
    const valueStart = take(valueLength, 'value');
    const numbers = take(16, 'revisions');
    const kv: KeyValue = {
      key: bytes.subarray(keyStart, keyStart + keyLength),
      value: bytes.subarray(valueStart, valueStart + valueLength),
      createRevision: bytes.readBigUInt64BE(numbers),
      modRevision: revision,
      version: bytes.readBigUInt64BE(numbers + 8),
    };
    changes.push({ type: typeByte === 0 ? 'put' : 'delete', kv });
  }
  if (at !== bytes.length) fail(`${bytes.length - at} bytes after the last of ${count} changes`);
  return changes;
}
