import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { OFPP_FLOOD, type OfpMessage } from '../openflow/index.js';
import { CompileCache } from './compile-cache.js';
import { PluginLoadError } from './errors.js';
import { buildGuest, writePlugin } from './testing/guests.js';
import { packetIn, startPluginRig, type PluginRig } from './testing/harness.js';

const isPacketOut = (m: OfpMessage): m is Extract<OfpMessage, { type: 'PacketOut' }> => m.type === 'PacketOut';
const echoManifest = (version: string, outPort?: number): Record<string, unknown> => ({
  name: 'echo',
  version,
  capabilities: ['openflow'],
  subscriptions: { kinds: ['packet-in', 'switch-up'] },
  limits: { deadlineMs: 2000 },
  config: outPort === undefined ? {} : { outPort },
});

describe('Wasm plugins in a running runtime, against fake switches over TCP', () => {
  let rig: PluginRig;
  let echo: Uint8Array;
  before(async () => {
    echo = await buildGuest('echo');
    rig = await startPluginRig();
  });
  after(async () => {
    await rig.stop();
  });

  it('runs an echo plugin end to end: packet-in becomes a packet-out of the same frame', async () => {
    const status = await rig.manager.load(writePlugin(join(rig.dir, 'echo-v1'), echoManifest('1'), echo));
    assert.equal(status.state, 'running');
    assert.equal(status.version, '1');
    const sw = await rig.connect(0x1n);
    sw.send(packetIn(7, 3));
    const out = await sw.waitFor(isPacketOut);
    assert.ok(isPacketOut(out));
    assert.equal(out.inPort, 3);
    assert.deepEqual(out.actions, [{ type: 'output', port: OFPP_FLOOD, maxLen: 0 }]);
    assert.equal(Buffer.from(out.data).readUInt32BE(14), 7);
    assert.ok(rig.logs.some((l) => l.plugin === 'echo' && typeof l.msg === 'string' && l.msg.startsWith('echo ready')), 'the guest log line reaches the runtime log');
    const text = await rig.rt.metrics.registry.metrics();
    assert.match(text, /sdn_runtime_plugin_commands_total\{plugin="echo"\} 1/);
    assert.match(text, /sdn_runtime_plugin_host_calls_total\{plugin="echo",capability="log"\} 1/);
  });

  it('replaces a running version while events flow: every event is handled exactly once, old version first', async (t) => {
    const sw = await rig.connect(0x2n);
    const v2 = writePlugin(join(rig.dir, 'echo-v2'), echoManifest('2', 2), echo);
    const v3 = writePlugin(join(rig.dir, 'echo-v3'), echoManifest('3', 3), echo);
    await rig.manager.load(v2);
    // Packet-ins flow from before the swap until 100 after it completed.
    let sent = 0;
    let stopAt = Number.POSITIVE_INFINITY;
    const pump = setInterval(() => {
      for (let i = 0; i < 10 && sent < stopAt; i++) sw.send(packetIn(sent++));
    }, 2);
    const outputs: { seq: number; port: number }[] = [];
    const collect = async (n: () => number): Promise<void> => {
      while (outputs.length < n()) {
        const m = await sw.waitFor(isPacketOut, 10_000);
        if (isPacketOut(m) && m.actions[0]?.type === 'output') outputs.push({ seq: Buffer.from(m.data).readUInt32BE(14), port: m.actions[0].port });
      }
    };
    await collect(() => 20);
    const swapStarted = performance.now();
    const status = await rig.manager.load(v3);
    const swapMs = performance.now() - swapStarted;
    t.diagnostic(`swap of a cached component while events flow: ${swapMs.toFixed(0)} ms`);
    stopAt = sent + 100;
    assert.equal(status.version, '3');
    await collect(() => stopAt);
    clearInterval(pump);
    const total = stopAt;
    const seqs = outputs.map((o) => o.seq).sort((a, b) => a - b);
    assert.deepEqual(seqs, Array.from({ length: total }, (_, i) => i), 'each packet-in answered exactly once');
    const firstV3 = outputs.findIndex((o) => o.port === 3);
    assert.ok(firstV3 > 0, 'the old version served before the swap');
    assert.ok(outputs.slice(firstV3).every((o) => o.port === 3), 'after the flip only the new version answers');
    assert.ok(outputs.slice(0, firstV3).every((o) => o.port === 2));
    assert.ok(outputs.length - firstV3 > 0, 'the new version served after the swap');
    assert.ok(swapMs < 5000, `swap of a cached component took ${swapMs.toFixed(0)} ms`);
    assert.ok(rig.changes.some((c) => c.name === 'echo' && c.state === 'running' && c.reason === 'version 3 swapped in'));
  });

  it('rejects a component that does not load, with a clear reason, while the old version keeps serving', async () => {
    const sw = await rig.connect(0x3n);
    const notWasm = join(rig.dir, 'broken-bytes');
    writePlugin(notWasm, echoManifest('4'), Buffer.from('this is not wasm at all'));
    await assert.rejects(rig.manager.load(notWasm), (err: unknown) => err instanceof PluginLoadError && err.reason === 'notComponent' && /not a WebAssembly component/.test(err.message));

    const otherWit = join(mkdtempSync(join(tmpdir(), 'sdn-other-wit-')), 'other.wit');
    writeFileSync(otherWit, 'package test:other;\n\nworld other {\n  export handle: func(x: u32) -> u32;\n}\n');
    const wrong = join(rig.dir, 'wrong-world');
    writePlugin(wrong, echoManifest('5'), await buildGuest('wrong-world', otherWit));
    await assert.rejects(rig.manager.load(wrong), (err: unknown) => err instanceof PluginLoadError && err.reason === 'missingExport' && /does not export initialize/.test(err.message));

    const tooSmall = join(rig.dir, 'too-small');
    writePlugin(tooSmall, { ...echoManifest('7'), limits: { memoryMiB: 1 } }, echo);
    await assert.rejects(rig.manager.load(tooSmall), (err: unknown) => err instanceof PluginLoadError && err.reason === 'memory' && /starts with \d+ MiB of memory; the manifest caps it at 1 MiB/.test(err.message));

    const initFails = join(rig.dir, 'init-fails');
    writePlugin(initFails, { ...echoManifest('6'), config: { mode: 'init-fail' } }, await buildGuest('hostile'));
    await assert.rejects(rig.manager.load(initFails), (err: unknown) => err instanceof PluginLoadError && err.reason === 'initFailed' && /refusing to start/.test(err.message));

    const status = rig.manager.status('echo');
    assert.equal(status.state, 'running');
    assert.equal(status.version, '3');
    assert.equal(status.lastError?.cause, 'load');
    sw.send(packetIn(42));
    const out = await sw.waitFor(isPacketOut);
    assert.ok(isPacketOut(out) && out.actions[0]?.type === 'output' && out.actions[0].port === 3);
  });

  it('lists plugins and unloads them', async () => {
    assert.deepEqual(rig.manager.list().map((p) => [p.name, p.state]), [['echo', 'running']]);
    await rig.manager.unload('echo');
    assert.deepEqual(rig.manager.list(), []);
    assert.ok(rig.changes.some((c) => c.name === 'echo' && c.state === 'unloaded'));
  });
});

describe('compile cache', () => {
  it('transpiles a component once; loading it again (even from a new cache object) does not transpile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sdn-plugin-cache-'));
    const bytes = await buildGuest('echo');
    const first = new CompileCache(dir);
    const a = await first.compile('echo', bytes);
    const b = await first.compile('echo', bytes);
    assert.equal(a.cached, false);
    assert.equal(b.cached, true);
    assert.equal(first.transpiles, 1);
    const second = new CompileCache(dir);
    const c = await second.compile('echo', bytes);
    assert.equal(c.cached, true);
    assert.equal(second.transpiles, 0);
    assert.equal(c.dir, join(dir, a.hash));
  });
});

describe('plugins folder watcher', () => {
  it('rejects a half-copied component, loads it once complete, and unloads it when its folder goes', async () => {
    const rig = await startPluginRig({ watch: true, watchDebounceMs: 100 });
    try {
      const echo = await buildGuest('echo');
      const folder = join(rig.manager.pluginsDir, 'echo');
      writePlugin(folder, echoManifest('1'), echo.subarray(0, 4096));
      const failed = await rig.waitForChange((c) => c.name === 'echo' && c.state === 'failed');
      assert.match(failed.reason, /not a WebAssembly component/);
      writeFileSync(join(folder, 'plugin.wasm'), echo);
      await rig.waitForChange((c) => c.name === 'echo' && c.state === 'running');
      rmSync(folder, { recursive: true });
      await rig.waitForChange((c) => c.name === 'echo' && c.state === 'unloaded');
      assert.deepEqual(rig.manager.list(), []);
    } finally {
      await rig.stop();
    }
  });
});
