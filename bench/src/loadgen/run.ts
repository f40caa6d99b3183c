import { type Behaviour, describeError, describeFlowMod } from './describe.js';
import { EmulatedSwitch, zeroCounts, type SwitchCounts } from './emulated-switch.js';
import { LatencyHistogram, type LatencySummary } from './histogram.js';
import type { OpenFlowVersion } from './switch-wire.js';
import { TrafficPlan } from './traffic.js';

/**
 * throughput: each switch keeps `window` PACKET_INs outstanding; latency:
 * `rate` PACKET_IN/s in total, paced by the clock; cbench-latency: each switch
 * sends its next PACKET_IN when the last one is answered (cbench's latency mode).
 */
export type LoadMode = 'throughput' | 'latency' | 'cbench-latency';
export const LOAD_MODES: readonly LoadMode[] = ['throughput', 'latency', 'cbench-latency'];

export interface LoadOptions {
  /** The controller's address: loopback only. */
  readonly host: string;
  readonly port: number;
  readonly mode: LoadMode;
  /** The version the emulated switches speak. */
  readonly openflow: OpenFlowVersion;
  readonly switches: number;
  /** Hosts (MAC addresses) the traffic cycles through. */
  readonly macs: number;
  /** Ports per switch the hosts are spread over. */
  readonly ports: number;
  /** Throughput mode: PACKET_INs each switch keeps outstanding. */
  readonly window: number;
  /** Latency mode: PACKET_INs per second, all switches together, paced by the clock. */
  readonly rate: number;
  /**
   * Seconds of traffic before the measured window, at least; the warm-up goes on
   * until every switch has received `macs` PACKET_OUTs, late ones included (so
   * the controller has seen every host), for at most `learnTimeoutSec` more.
   */
  readonly warmupSec: number;
  readonly learnTimeoutSec: number;
  /** Length of the measured window, seconds. */
  readonly seconds: number;
  /** Most messages per socket.write. */
  readonly batch: number;
  /** A PACKET_IN not answered within this is lost. */
  readonly responseTimeoutMs: number;
  /** Time allowed for connecting, the handshake and the first answered PACKET_IN of every switch. */
  readonly connectTimeoutMs: number;
  /** dpid of the first switch; the others follow. */
  readonly firstDpid: bigint;
  readonly progress?: (line: string) => void;
  /** Called right at the start and the end of the measured window (to read the controller's CPU time). */
  readonly onWindow?: (edge: 'start' | 'end') => void;
}

export const DEFAULT_LOAD_OPTIONS: Omit<LoadOptions, 'port' | 'mode'> = {
  host: '127.0.0.1',
  openflow: '1.3',
  switches: 16,
  macs: 1000,
  ports: 8,
  window: 64,
  rate: 10_000,
  warmupSec: 2,
  learnTimeoutSec: 30,
  seconds: 5,
  batch: 256,
  responseTimeoutMs: 2000,
  connectTimeoutMs: 20_000,
  firstDpid: 1n,
};

/** What one run measured. Counts are over the measured window unless said otherwise. */
export interface LoadResult {
  readonly mode: LoadMode;
  readonly openflow: OpenFlowVersion;
  readonly switches: number;
  readonly macs: number;
  /** Seconds of warm-up it took, and whether every switch had received `macs` PACKET_OUTs by then. */
  readonly warmupSec: number;
  readonly learned: boolean;
  readonly measuredSec: number;
  /** PACKET_INs sent in the window. */
  readonly packetIns: number;
  readonly packetInsPerSec: number;
  /** PACKET_OUTs received in the window: one per answered PACKET_IN. */
  readonly responses: number;
  readonly responsesPerSec: number;
  readonly flowMods: number;
  readonly flowModsPerSec: number;
  /** PACKET_OUTs in the window that flooded, went to the right port, or elsewhere. */
  readonly floods: number;
  readonly unicast: number;
  readonly wrongOutput: number;
  /** PACKET_INs of the window answered / never answered within the response timeout. */
  readonly answered: number;
  readonly lost: number;
  /** Over the whole run: answers to PACKET_INs already answered or lost, and answers to frames we never sent. */
  readonly late: number;
  readonly unmatched: number;
  readonly errors: number;
  readonly undecodable: number;
  /** Latency mode: PACKET_INs due in the window but not sent because the controller was not reading (TCP backpressure). */
  readonly notSent: number;
  /** PACKET_IN -> PACKET_OUT, microseconds, for the window's PACKET_INs. */
  readonly latency: LatencySummary;
  /** CPU seconds this process (the generator) used during the window. */
  readonly generatorCpuSec: number;
  readonly behaviour: Behaviour;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function nextPowerOfTwo(n: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(2, n)));
}

function cpuSecondsSelf(): number {
  // getrusage(RUSAGE_SELF): the same kernel accounting as /proc/self/stat, in microseconds.
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function sumCounts(switches: readonly EmulatedSwitch[]): SwitchCounts {
  const total = zeroCounts();
  for (const sw of switches) for (const key of Object.keys(total) as (keyof SwitchCounts)[]) total[key] += sw.counts[key];
  return total;
}

function behaviourOf(switches: readonly EmulatedSwitch[]): Behaviour {
  const sent: Record<string, number> = {};
  for (const sw of switches) for (const [type, n] of sw.received) sent[type] = (sent[type] ?? 0) + n;
  const first = <T>(pick: (sw: EmulatedSwitch) => T | undefined): T | undefined => switches.map(pick).find((v) => v !== undefined);
  const tableMiss = first((sw) => sw.tableMiss);
  const learnedFlow = first((sw) => sw.learnedFlow);
  const firstError = first((sw) => sw.firstError);
  return {
    tableMiss: tableMiss === undefined ? undefined : describeFlowMod(tableMiss),
    learnedFlow: learnedFlow === undefined ? undefined : describeFlowMod(learnedFlow),
    controllerSent: sent,
    firstError: firstError === undefined ? undefined : describeError(firstError),
    firstWrongOutput: first((sw) => sw.firstWrongOutput),
    firstUndecodable: first((sw) => sw.firstUndecodable),
  };
}

/** PACKET_INs each switch keeps outstanding in `mode` (0: the runner paces them). */
function windowOf(mode: LoadMode, window: number): number {
  if (mode === 'throughput') return window;
  return mode === 'cbench-latency' ? 1 : 0;
}

/**
 * Emulates `switches` OpenFlow switches against a controller for one bounded
 * run: connect, handshake, probe until each switch's PACKET_INs are answered,
 * warm up, measure, then drain the answers to the window's PACKET_INs and close.
 * Throws when a switch does not come up in time or the controller drops one.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  if (!isLoopback(options.host)) throw new Error(`the load generator only talks to loopback addresses, not ${options.host}`);
  const log = options.progress ?? (() => {});
  const plan = new TrafficPlan(options.macs, options.ports);
  const histogram = new LatencyHistogram();
  const ratePerSwitch = options.rate / options.switches;
  const window = windowOf(options.mode, options.window);
  const capacity =
    options.mode === 'latency'
      ? nextPowerOfTwo(2 * ratePerSwitch * (options.responseTimeoutMs / 1000) + 1024)
      : nextPowerOfTwo(Math.max(2 * window, 1024));
  const switches = Array.from(
    { length: options.switches },
    (_, index) =>
      new EmulatedSwitch({
        index,
        dpid: options.firstDpid + BigInt(index),
        openflow: options.openflow,
        plan,
        inFlightCapacity: capacity,
        histogram,
        window,
        batch: options.batch,
        traffic: 'answered',
      }),
  );
  const timers: NodeJS.Timeout[] = [];
  try {
    const deadline = performance.now() + options.connectTimeoutMs;
    log(`connecting ${switches.length} switches to ${options.host}:${options.port} ...`);
    await Promise.all(switches.map((sw) => sw.connect(options.host, options.port, deadline)));
    timers.push(setInterval(() => switches.forEach((sw) => sw.probe()), 50));
    timers.push(
      setInterval(() => {
        const now = performance.now();
        for (const sw of switches) {
          sw.inFlight.expire(now, options.responseTimeoutMs);
          sw.fill();
        }
      }, 100),
    );
    await readyOrTimeout(switches, deadline);
    log(`all ${switches.length} switches answered; OpenFlow ${options.openflow} ${options.mode} run: ${options.warmupSec} s warm-up, ${options.seconds} s measured`);

    let notSent = 0;
    let measuring = false;
    if (options.mode !== 'latency') {
      switches.forEach((sw) => sw.fill());
    } else {
      const paceStartMs = performance.now();
      const paced = new Float64Array(switches.length);
      timers.push(
        setInterval(() => {
          const due = Math.floor(((performance.now() - paceStartMs) / 1000) * ratePerSwitch);
          switches.forEach((sw, i) => {
            const n = due - paced[i]!;
            if (n <= 0) return;
            paced[i] = due;
            const missed = n - sw.sendPacketIns(n);
            if (measuring) notSent += missed;
          });
        }, 1),
      );
    }

    const warmupStart = performance.now();
    const learnDeadline = warmupStart + (options.warmupSec + options.learnTimeoutSec) * 1000;
    await sleep(options.warmupSec * 1000);
    const learnedAll = (): boolean => switches.every((sw) => sw.counts.packetOuts >= options.macs);
    while (!learnedAll() && performance.now() < learnDeadline) await sleep(50);
    const learned = learnedAll();
    if (!learned) log(`warning: not every switch had ${options.macs} PACKET_OUTs after ${options.learnTimeoutSec} s more warm-up; measuring anyway`);
    options.onWindow?.('start');
    const cpuStart = cpuSecondsSelf();
    const startMs = performance.now();
    const warmupSec = (startMs - warmupStart) / 1000;
    const before = sumCounts(switches);
    for (const sw of switches) sw.inFlight.measureFrom = sw.inFlight.nextSeq;
    measuring = true;

    await sleep(options.seconds * 1000);
    for (const sw of switches) sw.inFlight.measureTo = sw.inFlight.nextSeq;
    measuring = false;
    const after = sumCounts(switches);
    const endMs = performance.now();
    const cpuEnd = cpuSecondsSelf();
    options.onWindow?.('end');

    switches.forEach((sw) => sw.stop());
    const drainUntil = performance.now() + options.responseTimeoutMs;
    while (performance.now() < drainUntil && switches.some((sw) => sw.inFlight.outstanding > 0)) await sleep(20);
    switches.forEach((sw) => sw.inFlight.expireAll());

    const dropped = switches.filter((sw) => sw.state === 'closed');
    if (dropped.length > 0) throw new Error(`the controller closed ${dropped.length} switch connection(s) during the run: ${dropped[0]!.closedBy}`);

    const seconds = (endMs - startMs) / 1000;
    const delta = (key: keyof SwitchCounts): number => after[key] - before[key];
    const sum = (pick: (sw: EmulatedSwitch) => number): number => switches.reduce((acc, sw) => acc + pick(sw), 0);
    const packetIns = sum((sw) => sw.inFlight.measureTo - sw.inFlight.measureFrom);
    return {
      mode: options.mode,
      openflow: options.openflow,
      switches: switches.length,
      macs: options.macs,
      warmupSec,
      learned,
      measuredSec: seconds,
      packetIns,
      packetInsPerSec: packetIns / seconds,
      responses: delta('packetOuts'),
      responsesPerSec: delta('packetOuts') / seconds,
      flowMods: delta('flowMods'),
      flowModsPerSec: delta('flowMods') / seconds,
      floods: delta('floods'),
      unicast: delta('unicast'),
      wrongOutput: delta('wrongOutput'),
      answered: sum((sw) => sw.inFlight.counts.answeredInWindow),
      lost: sum((sw) => sw.inFlight.counts.lostInWindow),
      late: sum((sw) => sw.inFlight.counts.late),
      unmatched: sum((sw) => sw.inFlight.counts.unmatched),
      errors: after.errors,
      undecodable: after.undecodable,
      notSent,
      latency: histogram.summary(),
      generatorCpuSec: cpuEnd - cpuStart,
      behaviour: behaviourOf(switches),
    };
  } finally {
    timers.forEach((t) => clearInterval(t));
    await Promise.all(switches.map((sw) => sw.close()));
  }
}

/** Resolves once every switch is `ready`; rejects at `deadlineMs` (performance.now) saying how many were not and why (`notReady`). */
export async function readyOrTimeout(switches: readonly EmulatedSwitch[], deadlineMs: number, notReady = 'never had a PACKET_IN answered in time'): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const late = switches.filter((sw) => sw.state !== 'running');
      const states = [...new Set(late.map((sw) => sw.state))].join(', ');
      reject(new Error(`${late.length} of ${switches.length} switches ${notReady} (states: ${states})`));
    }, Math.max(0, deadlineMs - performance.now()));
  });
  try {
    await Promise.race([Promise.all(switches.map((sw) => sw.ready)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
