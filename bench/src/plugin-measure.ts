import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { AppEvent } from '../../runtime/dist/core/index.js';
import type { CompiledComponent } from '../../runtime/dist/plugins/compile-cache.js';
import { DEFAULT_POLICY, parseManifest, type PluginManifest } from '../../runtime/dist/plugins/index.js';
import { SpinGate } from '../../runtime/dist/plugins/cpu-pressure.js';
import { ModuleCache } from '../../runtime/dist/plugins/module-cache.js';
import { PluginRunner, type BatchOutcome } from '../../runtime/dist/plugins/runner.js';
import { WorkerSupply } from '../../runtime/dist/plugins/worker-supply.js';
import { BENCH_APP_ID, instantiateDirect, witEvents } from './plugin-guest.js';
import { packetInEvent, type PluginRig } from './plugin-rig.js';

/** The three measurements of bench/src/plugins.ts: per-event cost, swap time, stop time. */

/** Hosts the traffic cycles through: a learning switch knows them all after the warm-up. */
const HOSTS = 1000;

/** Packet-ins from host i % HOSTS to host (i + 1) % HOSTS. */
export function traffic(count: number, from = 0): AppEvent[] {
  return Array.from({ length: count }, (_, k) => packetInEvent((from + k) % HOSTS, (from + k + 1) % HOSTS, from + k));
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export interface PerEvent {
  /** Median over the slices of the mean µs per event through the host. */
  readonly hostUs: number;
  /** Median over the slices of µs per event inside the guest's handle, measured by the worker on the same batches. */
  readonly inWorkerUs: number;
  /** Median over the slices of (through the host - inside the guest): what the host adds. */
  readonly overheadUs: number;
  /** Median over the slices of µs per event of the guest alone, in this thread, between the host slices. */
  readonly guestUs: number;
  /** Of `guestUs`, the part inside the core module's `handle` (the guest's code); the rest is jco's glue. */
  readonly guestCoreUs: number;
  /** Per round (one batch offered together and all answered), over all slices, µs. */
  readonly p50RoundUs: number;
  readonly p99RoundUs: number;
  /** CPU of the whole process (all threads) per event through the host, µs. */
  readonly cpuUs: number;
  /** Of `cpuUs`, the main thread's (the manager, channel and outputs; not the guest), µs; undefined without Linux's schedstat. */
  readonly mainCpuUs: number | undefined;
  /** Share of the host slices during which the spin gate let the channel spin (sampled every 50 ms), %. */
  readonly spinAllowedPct: number;
  readonly rounds: number;
}

/** This thread's CPU time so far, µs (Linux schedstat, first field), or undefined elsewhere. */
function threadCpuUs(): number | undefined {
  try {
    return Number.parseInt(readFileSync('/proc/thread-self/schedstat', 'latin1'), 10) / 1000;
  } catch {
    return undefined;
  }
}

/** Slices each side gets, alternating, so that a change in the machine's load hits both alike. */
const SLICES = 8;

function median(values: readonly number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

/**
 * Rounds of `batch` packet-ins offered together, each round waiting until every
 * one is answered by a PACKET_OUT: the time of a round is the host's whole path
 * (queue, channel, worker, guest, outputs) for that many events. Alternates with
 * the guest alone (plugin-guest.ts) on the same events, slice by slice.
 */
export async function perEvent(rig: PluginRig, name: string, compiled: CompiledComponent, config: string, batch: number, seconds: number): Promise<PerEvent> {
  const pool = traffic(HOSTS * 2);
  let next = 0;
  const round = async (): Promise<number> => {
    const started = performance.now();
    const target = rig.answered + batch;
    for (let k = 0; k < batch; k++) rig.offer(pool[next++ % pool.length]!);
    await rig.answeredReach(target);
    return performance.now() - started;
  };
  const core = { ns: 0 };
  const instance = await instantiateDirect(compiled, config, core);
  const sets = Array.from({ length: Math.ceil((HOSTS * 2) / batch) }, (_, i) => witEvents(traffic(batch, i * batch)));
  let j = 0;
  let sink = 0;
  const guestSlice = (ms: number): { us: number; coreUs: number } => {
    let calls = 0;
    core.ns = 0;
    const started = performance.now();
    const until = started + ms;
    while (performance.now() < until) {
      sink += instance.handle(sets[j++ % sets.length]!).length;
      calls++;
    }
    return { us: ((performance.now() - started) * 1000) / (calls * batch), coreUs: core.ns / 1000 / (calls * batch) };
  };
  const sliceMs = (seconds * 1000) / SLICES;
  const warmUntil = performance.now() + Math.min(1000, seconds * 300);
  while (performance.now() < warmUntil) await round();
  guestSlice(Math.min(300, sliceMs));
  const hostUs: number[] = [];
  const inWorkerUs: number[] = [];
  const guestUs: number[] = [];
  const guestCoreUs: number[] = [];
  const rounds: number[] = [];
  let cpuUs = 0;
  let mainCpuUs: number | undefined = 0;
  const gate = { inHostSlice: false, samples: 0, open: 0 };
  const gateSampler = setInterval(() => {
    if (!gate.inHostSlice) return;
    gate.samples++;
    if (rig.manager.spinAllowed) gate.open++;
  }, 50);
  for (let s = 0; s < SLICES; s++) {
    const guestBefore = await rig.guestSeconds(name);
    const cpu = process.cpuUsage();
    const mainCpu = threadCpuUs();
    const started = performance.now();
    const until = started + sliceMs;
    const first = rounds.length;
    gate.inHostSlice = true;
    while (performance.now() < until) rounds.push(await round());
    gate.inHostSlice = false;
    const events = (rounds.length - first) * batch;
    hostUs.push(((performance.now() - started) * 1000) / events);
    const mainUsed = threadCpuUs();
    mainCpuUs = mainCpu === undefined || mainUsed === undefined || mainCpuUs === undefined ? undefined : mainCpuUs + (mainUsed - mainCpu) / events / SLICES;
    inWorkerUs.push(((await rig.guestSeconds(name)) - guestBefore) * 1e6 / events);
    const used = process.cpuUsage(cpu);
    cpuUs += (used.user + used.system) / events / SLICES;
    const alone = guestSlice(sliceMs / 2);
    guestUs.push(alone.us);
    guestCoreUs.push(alone.coreUs);
  }
  clearInterval(gateSampler);
  if (sink < 0) throw new Error('unreachable: a negative command count');
  rounds.sort((a, b) => a - b);
  return {
    hostUs: median(hostUs),
    inWorkerUs: median(inWorkerUs),
    overheadUs: median(hostUs.map((h, i) => h - inWorkerUs[i]!)),
    guestUs: median(guestUs),
    guestCoreUs: median(guestCoreUs),
    p50RoundUs: percentile(rounds, 50) * 1000,
    p99RoundUs: percentile(rounds, 99) * 1000,
    cpuUs,
    mainCpuUs,
    spinAllowedPct: gate.samples === 0 ? 0 : (100 * gate.open) / gate.samples,
    rounds: rounds.length,
  };
}

/**
 * Events per second with the plugin's queue kept full: `backlog` packet-ins
 * offered at once, handed over in batches of the manifest's maxBatchSize.
 */
export async function saturated(rig: PluginRig, seconds: number, backlog = 1024): Promise<number> {
  const pool = traffic(HOSTS * 2);
  let next = 0;
  let events = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  while (performance.now() < until) {
    const target = rig.answered + backlog;
    for (let k = 0; k < backlog; k++) rig.offer(pool[next++ % pool.length]!);
    await rig.answeredReach(target);
    events += backlog;
  }
  return events / ((performance.now() - started) / 1000);
}

export function readManifest(folder: string): PluginManifest {
  const path = join(folder, 'plugin.json');
  return parseManifest(readFileSync(path, 'utf8'), path);
}

/** One reload: its total as the caller saw it, and the phases the manager logged ('plugin replaced' timing). */
export interface SwapSample {
  readonly totalMs: number;
  readonly phases: Readonly<Record<string, number>>;
}

/**
 * Replaces the running plugin with the manifest in `folders[i % n]` (the same
 * component, another config: a compile-cache hit) `count` times, `gapMs` apart
 * (a person reloading, not a loop: the spare worker is started again in
 * between). With `flowing`, rounds of 64 packet-ins keep the plugin busy all
 * the while (the swap waits for the batch in flight).
 */
export async function swaps(rig: PluginRig, folders: readonly string[], count: number, gapMs: number, flowing: boolean): Promise<SwapSample[]> {
  const pool = traffic(HOSTS);
  let pumping = flowing;
  const pump = (async (): Promise<void> => {
    let next = 0;
    while (pumping) {
      const target = rig.answered + 64;
      for (let k = 0; k < 64; k++) rig.offer(pool[next++ % pool.length]!);
      await rig.answeredReach(target);
    }
  })();
  const out: SwapSample[] = [];
  try {
    for (let i = 0; i < count; i++) {
      await new Promise((resolve) => setTimeout(resolve, gapMs));
      const started = performance.now();
      await rig.manager.load(folders[i % folders.length]!);
      const totalMs = performance.now() - started;
      const line = rig.logs.findLast((l) => l.msg === 'plugin replaced');
      out.push({ totalMs, phases: (line?.timing ?? {}) as Record<string, number> });
    }
  } finally {
    pumping = false;
    await pump;
  }
  return out;
}

export interface StopSample {
  /** From handing over the batch to the deadline fault (should be the deadline). */
  readonly faultMs: number;
  /** From handing over the batch until the worker thread has exited. */
  readonly exitedMs: number;
}

/** A guest in an endless loop, on its own runner: how long until the fault, and until its thread is gone. */
export async function stopTimes(manifest: PluginManifest, compiled: CompiledComponent, count: number): Promise<StopSample[]> {
  const out: StopSample[] = [];
  const modules = await new ModuleCache().modules(manifest.name, compiled, manifest.limits.memoryMiB * 16);
  const workers = new WorkerSupply(false);
  for (let i = 0; i < count; i++) {
    const runner = new PluginRunner(manifest, compiled, modules, undefined, { micros: DEFAULT_POLICY.spinMicros, replyMicros: DEFAULT_POLICY.replySpinMicros, gate: new SpinGate().buffer }, workers.take());
    await runner.ready(30_000);
    const started = performance.now();
    const outcome = await new Promise<BatchOutcome>((resolve) => runner.runBatch(traffic(1), 1, BENCH_APP_ID, resolve));
    if (outcome.ok) throw new Error('the looping guest answered');
    if (outcome.fault.kind !== 'deadline') throw outcome.fault;
    const faultMs = performance.now() - started;
    await runner.terminate();
    out.push({ faultMs, exitedMs: performance.now() - started });
  }
  return out;
}
