/** Byte-string helpers for keys: lmdb orders binary keys bytewise, and so do we. */

/** Bytewise order: negative when `a` sorts before `b`, 0 when equal. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

export function hasPrefix(key: Uint8Array, prefix: Uint8Array): boolean {
  if (key.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (key[i] !== prefix[i]) return false;
  return true;
}

/**
 * The smallest key greater than every key with this prefix, or undefined when
 * there is none (the prefix is empty or all 0xff): trailing 0xff bytes are dropped
 * and the last remaining byte incremented.
 */
export function prefixEnd(prefix: Uint8Array): Uint8Array | undefined {
  let last = prefix.length - 1;
  while (last >= 0 && prefix[last] === 0xff) last--;
  if (last < 0) return undefined;
  const end = Uint8Array.from(prefix.subarray(0, last + 1));
  end[last] = (end[last] ?? 0) + 1;
  return end;
}

/** Key bytes for error messages: printable ASCII as text, anything else as hex. */
export function describeKey(key: Uint8Array): string {
  const printable = key.every((b) => b >= 0x20 && b < 0x7f);
  return printable ? JSON.stringify(Buffer.from(key).toString('latin1')) : `0x${Buffer.from(key).toString('hex')}`;
}
