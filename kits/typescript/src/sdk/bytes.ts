/** UTF-8 without TextEncoder/TextDecoder, which the QuickJS guest lacks. */

export function utf8(text: string): Uint8Array {
  const out: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return new Uint8Array(out);
}

/** Decodes UTF-8; malformed sequences become U+FFFD. */
export function fromUtf8(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const need = b < 0x80 ? 0 : b >= 0xf0 && b < 0xf8 ? 3 : b >= 0xe0 ? 2 : b >= 0xc0 ? 1 : -1;
    let c = need === 0 ? b : need === 1 ? b & 0x1f : need === 2 ? b & 0x0f : b & 0x07;
    let ok = need >= 0 && i + need < bytes.length;
    for (let k = 1; ok && k <= need; k++) {
      const next = bytes[i + k]!;
      if ((next & 0xc0) !== 0x80) ok = false;
      else c = (c << 6) | (next & 0x3f);
    }
    ok &&= c <= 0x10ffff;
    text += ok ? String.fromCodePoint(c) : '\ufffd';
    i += ok ? need + 1 : 1;
  }
  return text;
}

/** "aa:bb:cc:dd:ee:ff" of the 6 bytes at `offset`. */
export function macAt(bytes: Uint8Array, offset: number): string {
  let mac = '';
  for (let i = 0; i < 6; i++) mac += (i === 0 ? '' : ':') + (bytes[offset + i]! < 16 ? '0' : '') + bytes[offset + i]!.toString(16);
  return mac;
}
