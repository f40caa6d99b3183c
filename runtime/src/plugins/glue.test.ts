import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { CompileCache } from './compile-cache.js';
import { loadGlue, type Instantiate, type PluginExports } from './glue.js';
import { GLUE_SPEEDUPS, speedUpGlue } from './glue-speedups.js';
import { ModuleCache } from './module-cache.js';
import { buildGuest } from './testing/guests.js';
import { asJson, COMMANDS, events, IMPORTS, switchDowns, TEXTS } from './testing/glue-corpus.js';
import type { WitCommand } from './wit-types.js';

// The sped-up glue (glue-speedups.ts) against jco's own, on the mirror test
// guest: it returns configured commands and every event back as text, so each
// string and byte crosses the glue both ways.

describe('glue speed-ups: the sped-up glue against jco’s', () => {
  let dir: string;
  let glue: string;
  let modules: ReadonlyMap<string, WebAssembly.Module>;
  const instantiate = async (make: Instantiate, config: object = { commands: COMMANDS }): Promise<PluginExports> => {
    const instance = await make(async (name) => modules.get(name)!, IMPORTS);
    instance.initialize(asJson(config));
    return instance;
  };
  const jcoGlue = (): Instantiate => new Function('importMetaUrl', glue)('file:///test/') as Instantiate;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sdn-glue-test-'));
    const compiled = await new CompileCache(dir).compile('mirror', await buildGuest('mirror'));
    glue = readFileSync(join(compiled.dir, 'glue.js'), 'utf8');
    // 256 MiB: far more than the guest needs.
    modules = new Map(await new ModuleCache().modules('mirror', compiled, 4096));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('applies every rewrite to the glue of the jco version the host uses', () => {
    assert.deepEqual(speedUpGlue(glue).applied, GLUE_SPEEDUPS);
  });

  it('returns what jco’s glue returns for every event case and command variant, with strings on both sides of the ASCII path', async () => {
    const [jco, fast] = [await instantiate(jcoGlue()), await instantiate(loadGlue(glue))];
    for (let i = 0; i < TEXTS.length; i++) {
      const batch = events(i);
      const expected = jco.handle(batch);
      assert.equal(expected.length, COMMANDS.length + batch.length);
      assert.equal(asJson(fast.handle(batch)), asJson(expected), `batch ${i}`);
    }
    assert.equal(asJson(fast.handle([])), asJson(COMMANDS), 'the commands come back as configured');
    for (const c of fast.handle([]) as WitCommand[]) {
      const data = c.body.tag === 'packet-out' ? c.body.val.data : c.body.tag === 'raw' ? c.body.val : undefined;
      if (data !== undefined) assert.ok(data.byteOffset === 0 && data.buffer.byteLength === data.length, 'a lifted list<u8> owns an exactly sized buffer, as with jco');
    }
  });

  it('reads the environment once when the glue loads, not at every call', async () => {
    const fast = await instantiate(loadGlue(glue));
    const env = process.env;
    let reads = 0;
    const counting = new Proxy(env, { get: (target, key) => (key === 'JCO_DEBUG' && reads++, target[key as string]) });
    Object.defineProperty(process, 'env', { value: counting, configurable: true, writable: true, enumerable: true });
    try {
      for (let n = 0; n < 10; n++) fast.handle(events(n));
    } finally {
      Object.defineProperty(process, 'env', { value: env, configurable: true, writable: true, enumerable: true });
    }
    assert.equal(reads, 0);
  });

  it('does not cross into TextEncoder or TextDecoder for short ASCII strings', async () => {
    const fast = await instantiate(loadGlue(glue), { commands: [], echo: 'dpid' });
    const batch = switchDowns();
    const dpids = batch.map((e) => (e.tag === 'switch-down' ? e.val.dpid : ''));
    const { encode } = TextEncoder.prototype;
    const { decode } = TextDecoder.prototype;
    let calls = 0;
    TextEncoder.prototype.encode = function (...args) {
      calls++;
      return encode.apply(this, args);
    };
    TextDecoder.prototype.decode = function (...args) {
      calls++;
      return decode.apply(this, args);
    };
    let returned: unknown[];
    try {
      returned = fast.handle(batch);
    } finally {
      TextEncoder.prototype.encode = encode;
      TextDecoder.prototype.decode = decode;
    }
    assert.deepEqual(returned, dpids.map((dpid) => ({ dpid, body: { tag: 'barrier' } })));
    assert.equal(calls, 0);
  });

  it('lets V8 optimize the glue’s handle, a function larger than its default bytecode limit', async () => {
    // Natives syntax for %GetOptimizationStatus; it changes nothing else.
    setFlagsFromString('--allow-natives-syntax');
    const status = new Function('f', 'return %GetOptimizationStatus(f)') as (f: unknown) => number;
    const TURBOFANNED = 1 << 6;
    const fast = await instantiate(loadGlue(glue), { commands: [], echo: 'dpid' });
    const batch = switchDowns();
    // Tier-up is V8's decision, made on its own thread: call until it happened, within a bound.
    const until = performance.now() + 30_000;
    while ((status(fast.handle) & TURBOFANNED) === 0 && performance.now() < until) for (let n = 0; n < 100; n++) fast.handle(batch);
    assert.ok((status(fast.handle) & TURBOFANNED) !== 0, `handle is not optimized after 30 s of calls (status ${status(fast.handle).toString(2)})`);
  });

  it('leaves a glue without the helpers as it is', () => {
    assert.deepEqual(speedUpGlue('function instantiate() {}\nreturn instantiate;'), { text: 'function instantiate() {}\nreturn instantiate;', applied: [] });
  });
});
