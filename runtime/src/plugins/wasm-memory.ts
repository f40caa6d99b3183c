import { SdnError } from '../errors.js';

/** A core WebAssembly module whose bytes cannot be walked (truncated, bad LEB, unknown memory flags). */
export class WasmModuleError extends SdnError {
  constructor(detail: string) {
    super('WASM_MODULE', `core module: ${detail}`);
  }
}

const SECTION_MEMORY = 5;
const HAS_MAX = 0x01;
const CUSTOM_PAGE_SIZE = 0x08;

function readLeb(bytes: Uint8Array, pos: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= bytes.length) throw new WasmModuleError(`LEB128 runs past the end at byte ${pos}`);
    const b = bytes[pos++]!;
    value += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) return [value, pos];
    scale *= 128;
  }
  throw new WasmModuleError(`LEB128 longer than 10 bytes at byte ${pos}`);
}

function leb(value: number): number[] {
  const out: number[] = [];
  let v = value;
  do {
    let b = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) b |= 0x80;
    out.push(b);
  } while (v > 0);
  return out;
}

export interface CappedModule {
  readonly bytes: Uint8Array;
  /** The largest initial size of a memory the module defines, in 64 KiB pages (0 without memories). */
  readonly requiredPages: number;
}

/**
 * Rewrites the maximum of every memory a core module defines to at most
 * `maxPages` (64 KiB each), so `memory.grow` past the cap fails inside the guest
 * (the guest traps or reports out of memory) instead of growing the process:
 * worker `resourceLimits` do not cover Wasm memory. Imported memories are left as
 * they are: their limits only constrain what may be passed in. Returns the input
 * unchanged (same bytes) when no memory section exists. When `requiredPages`
 * exceeds `maxPages` the output is not a valid module: the caller rejects it.
 */
export function capMemory(bytes: Uint8Array, maxPages: number): CappedModule {
  if (bytes.length < 8 || bytes[0] !== 0x00 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) throw new WasmModuleError('missing the \\0asm magic');
  let pos = 8;
  while (pos < bytes.length) {
    const id = bytes[pos]!;
    const [size, contentStart] = readLeb(bytes, pos + 1);
    const end = contentStart + size;
    if (end > bytes.length) throw new WasmModuleError(`section ${id} at byte ${pos} says ${size} bytes, ${bytes.length - contentStart} left`);
    if (id === SECTION_MEMORY) {
      const { content, requiredPages } = rewriteMemories(bytes.subarray(contentStart, end), maxPages);
      const header = [SECTION_MEMORY, ...leb(content.length)];
      const out = new Uint8Array(pos + header.length + content.length + (bytes.length - end));
      out.set(bytes.subarray(0, pos), 0);
      out.set(header, pos);
      out.set(content, pos + header.length);
      out.set(bytes.subarray(end), pos + header.length + content.length);
      return { bytes: out, requiredPages };
    }
    pos = end;
  }
  return { bytes, requiredPages: 0 };
}

function rewriteMemories(section: Uint8Array, maxPages: number): { content: Uint8Array; requiredPages: number } {
  const [count, first] = readLeb(section, 0);
  const out: number[] = leb(count);
  let pos = first;
  let requiredPages = 0;
  for (let i = 0; i < count; i++) {
    if (pos >= section.length) throw new WasmModuleError(`memory ${i}: limits missing`);
    const flags = section[pos]!;
    if ((flags & CUSTOM_PAGE_SIZE) !== 0 || flags > 0x07) throw new WasmModuleError(`memory ${i}: limits flags 0x${flags.toString(16)} are not supported`);
    const [min, afterMin] = readLeb(section, pos + 1);
    pos = afterMin;
    let max = maxPages;
    if ((flags & HAS_MAX) !== 0) {
      const [declared, afterMax] = readLeb(section, pos);
      pos = afterMax;
      max = Math.min(declared, maxPages);
    }
    requiredPages = Math.max(requiredPages, min);
    out.push(flags | HAS_MAX, ...leb(min), ...leb(max));
  }
  if (pos !== section.length) throw new WasmModuleError(`memory section has ${section.length - pos} bytes after its ${count} memories`);
  return { content: Uint8Array.from(out), requiredPages };
}
