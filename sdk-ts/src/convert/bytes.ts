/** A Buffer view of `b` (no copy), as the generated code types its bytes fields. */
export function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

const encoder = new TextEncoder();

/** UTF-8 bytes of text, or the bytes themselves. */
export function utf8(value: string | Uint8Array): Buffer {
  return typeof value === 'string' ? asBuffer(encoder.encode(value)) : asBuffer(value);
}
