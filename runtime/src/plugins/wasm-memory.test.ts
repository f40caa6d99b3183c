import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { capMemory, WasmModuleError } from './wasm-memory.js';

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
/** A module with only a memory section holding `limits` (flags, min[, max]). */
const moduleWith = (...limits: number[][]): Uint8Array => {
  const content = [limits.length, ...limits.flat()];
  return Uint8Array.from([...HEADER, 5, content.length, ...content]);
};

describe('capMemory', () => {
  it('adds a maximum to a memory without one, and lowers a larger one', () => {
    const out = capMemory(moduleWith([0x00, 2], [0x01, 1, 0x80, 0x02]), 16);
    assert.deepEqual([...out.bytes], [...HEADER, 5, 7, 2, 0x01, 2, 16, 0x01, 1, 16]);
    assert.equal(out.requiredPages, 2);
  });

  it('produces a module that still compiles', () => {
    const out = capMemory(moduleWith([0x00, 1]), 2);
    assert.ok(new WebAssembly.Module(out.bytes) instanceof WebAssembly.Module);
  });

  it('keeps a smaller maximum, and leaves a module without memories as it is', () => {
    assert.deepEqual([...capMemory(moduleWith([0x01, 1, 4]), 16).bytes], [...HEADER, 5, 4, 1, 0x01, 1, 4]);
    const empty = Uint8Array.from(HEADER);
    assert.equal(capMemory(empty, 16).bytes, empty);
  });

  it('reports a memory whose initial size is above the cap', () => {
    assert.equal(capMemory(moduleWith([0x00, 40]), 16).requiredPages, 40);
  });

  it('rejects bytes it cannot walk', () => {
    assert.throws(() => capMemory(Uint8Array.from([1, 2, 3]), 16), WasmModuleError);
    assert.throws(() => capMemory(Uint8Array.from([...HEADER, 5, 9, 1]), 16), /section 5 at byte 8 says 9 bytes/);
  });
});
