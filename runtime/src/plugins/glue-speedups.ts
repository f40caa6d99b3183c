/**
 * Cheaper versions of helpers and idioms of jco's transpiled glue, swapped in by text
 * before the glue is compiled (glue.ts). They run per string, per field or per
 * call of every `handle`, and in jco-transpile 0.1.1 each one crosses into C++
 * where plain JavaScript does the same work: a Rust learning-switch event spent
 * about 3/4 of its CPU time in the glue, most of it here (docs/benchmarks.md,
 * "Wasm plugins"). Each replacement returns what the original returns for
 * every input (plugins/glue.test.ts compares both on a corpus); a helper whose
 * text is not found (another jco version) is left as it is: slower, not wrong.
 */

/** One rewrite: the exact text jco emits, and what replaces it. */
interface Rewrite {
  readonly name: string;
  readonly from: string | RegExp;
  readonly to: string;
}

/** Strings up to this many UTF-16 units are encoded on the ASCII path; longer ones gain nothing from it. */
const SHORT_ENCODE = 64;
/**
 * Strings up to this many bytes are decoded on the ASCII path: char by char is
 * cheaper than TextDecoder's call up to ~10 bytes (field names, small decimal
 * u64s), dearer from ~16 (dpids, MACs). Measured on Node 20.
 */
const SHORT_DECODE = 8;
/** jco's decoder, beside which the decoding helper goes, and every call of it on guest memory. */
const DECODER_LINE = `const utf8Decoder = new TextDecoder();`;
const DECODE_CALL = /utf8Decoder\.decode\(new Uint8Array\((memory\d+)\.buffer, (ptr\d+), (len\d+)\)\)/g;

const REWRITES: readonly Rewrite[] = [
  {
    // jco checks the environment on every call of `_debugLog`, several times per
    // `handle`; `process.env` is a C++ interceptor. Read once, when the glue loads.
    name: 'debugLog',
    from: `const _debugLog = (...args) => {
  if (!globalThis?.process?.env?.JCO_DEBUG) { return; }
  console.debug(...args);
}`,
    to: `const _debugLog = globalThis?.process?.env?.JCO_DEBUG ? (...args) => console.debug(...args) : () => {};`,
  },
  {
    // jco compares with `mem.buffer` (a C++ getter) at every field read or write.
    // A grown memory detaches its old buffer (byteLength 0), which says as much.
    name: 'dataView',
    from: `const dataView = mem => dv.buffer === mem.buffer ? dv : dv = new DataView(mem.buffer);`,
    to: `let dvMemory;
  const dataView = mem => dvMemory === mem && dv.buffer.byteLength !== 0 ? dv : (dvMemory = mem, dv = new DataView(mem.buffer));`,
  },
  {
    // Short ASCII strings (dpids, field names, MACs, decimal u64s) are written
    // byte by byte: TextEncoder.encode allocates a buffer and crosses into C++.
    name: 'utf8Encode',
    from: `    let buf = utf8Encoder.encode(s);
    let ptr = realloc(0, 0, 1, buf.length);`,
    to: `    if (s.length <= ${SHORT_ENCODE} && isShortAscii(s)) {
      const ptr = realloc(0, 0, 1, s.length);
      const bytes = new Uint8Array(memory.buffer, ptr, s.length);
      for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
      utf8EncodedLen = s.length;
      return ptr;
    }
    let buf = utf8Encoder.encode(s);
    let ptr = realloc(0, 0, 1, buf.length);`,
  },
  {
    // The decoding helper the next rewrite calls, defined beside jco's decoder.
    name: 'utf8DecodeHelper',
    from: DECODER_LINE,
    to: `${DECODER_LINE}
  function isShortAscii(s) {
    for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
    return true;
  }
  function utf8Decode(memory, ptr, len) {
    const bytes = new Uint8Array(memory.buffer, ptr, len);
    if (len > ${SHORT_DECODE}) return utf8Decoder.decode(bytes);
    let s = '';
    for (let i = 0; i < len; i++) {
      const byte = bytes[i];
      if (byte > 0x7f) return utf8Decoder.decode(bytes);
      s += String.fromCharCode(byte);
    }
    return s;
  }`,
  },
  {
    // Every string jco lifts: short ASCII ones without TextDecoder (a C++ call).
    name: 'utf8Decode',
    from: DECODE_CALL,
    to: 'utf8Decode($1, $2, $3)',
  },
  {
    // Every list<u8> jco lifts: ArrayBuffer.prototype.slice allocates outside
    // the heap (~0.7 µs for a 64-byte frame here); TypedArray.prototype.slice
    // makes the same fresh, exactly sized Uint8Array in ~0.1 µs.
    name: 'bytesSlice',
    from: /new Uint8Array\((memory\d+)\.buffer\.slice\((ptr\d+), \2 \+ (len\d+) \* 1\)\)/g,
    to: 'new Uint8Array($1.buffer, $2, $3 * 1).slice()',
  },
];

/** The names of every rewrite, in the order they apply. */
export const GLUE_SPEEDUPS: readonly string[] = REWRITES.map((r) => r.name);

/**
 * Applies the rewrites to jco's glue text (an ES module or the function body
 * glue.ts makes of it). `applied` names those whose text was found; the
 * decoding rewrites apply together or not at all, so no call is left without
 * its helper.
 */
export function speedUpGlue(text: string): { readonly text: string; readonly applied: readonly string[] } {
  const canDecode = text.includes(DECODER_LINE) && text.search(DECODE_CALL) !== -1;
  let out = text;
  const applied: string[] = [];
  for (const r of REWRITES) {
    const decoding = r.name === 'utf8DecodeHelper' || r.name === 'utf8Decode';
    // The encoder's fast path calls isShortAscii, defined with the decoding helper.
    if ((decoding || r.name === 'utf8Encode') && !canDecode) continue;
    const found = typeof r.from === 'string' ? out.includes(r.from) : out.search(r.from) !== -1;
    if (!found) continue;
    out = typeof r.from === 'string' ? out.split(r.from).join(r.to) : out.replace(r.from, r.to);
    applied.push(r.name);
  }
  return { text: out, applied };
}
