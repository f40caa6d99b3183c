import { EmulatedSwitch } from './emulated-switch.js';
import { LatencyHistogram } from './histogram.js';
import { TrafficPlan } from './traffic.js';

/**
 * One-way load for the event-stream benchmark: emulated switches send
 * PACKET_INs that nobody answers, each frame carrying its send time, and the
 * measuring happens elsewhere (the client that receives the events). Modes:
 * 'throughput' sends as fast as the controller reads (each switch refills on
 * 'drain'), 'latency' paces `rate` PACKET_IN/s in total by a 1 ms clock.
 */

export type OneWayMode = 'throughput' | 'latency';

export interface OneWayOptions {
  /** The controller's address: loopback only. */
  readonly host: string;
  readonly port: number;
  readonly mode: OneWayMode;
  readonly switches: number;
  readonly macs: number;
  readonly ports: number;
  /** Latency mode: PACKET_IN/s in total. */
  readonly rate: number;
  /** Most messages per socket.write. */
  readonly batch: number;
  /** Seconds of traffic before the measured window. */
  readonly warmupSec: number;
  /** Length of the measured window, seconds. */
  readonly seconds: number;
  /** Time allowed for connecting and the handshake of every switch. */
  readonly connectTimeoutMs: number;
  readonly firstDpid: bigint;
  readonly progress?: (line: string) => void;
  /** Awaited right at the start and the end of the measured window (to tell the client, read CPU times). */
  readonly onWindow: (edge: 'start' | 'end') => Promise<void>;
}

export const DEFAULT_ONE_WAY_OPTIONS: Omit<OneWayOptions, 'port' | 'mode' | 'onWindow'> = {
  host: '127.0.0.1',
  switches: 16,
  macs: 1000,
  ports: 8,
  rate: 10_000,
  batch: 256,
  warmupSec: 2,
  seconds: 5,
  connectTimeoutMs: 20_000,
  firstDpid: 1n,
};

export interface OneWayResult {
  readonly mode: OneWayMode;
  /** Seconds between the two onWindow calls, by this process's clock. */
  readonly measuredSec: number;
  /** PACKET_INs written in the window. */
  readonly packetIns: number;
  readonly packetInsPerSec: number;
  /** Latency mode: PACKET_INs due in the window but not written because the controller was not reading. */
  readonly notSent: number;
  /** CPU seconds this process (the generator) used in the window. */
  readonly generatorCpuSec: number;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function cpuSecondsSelf(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const sentPacketIns = (switches: readonly EmulatedSwitch[]): number => switches.reduce((n, sw) => n + sw.counts.packetIns, 0);

/** Runs one bounded one-way load; throws when a switch does not come up in time or the controller drops one. */
export async function runOneWay(options: OneWayOptions): Promise<OneWayResult> {
  if (!isLoopback(options.host)) throw new Error(`the load generator only talks to loopback addresses, not ${options.host}`);
  const log = options.progress ?? (() => {});
  const plan = new TrafficPlan(options.macs, options.ports);
  // No latencies are recorded here (the client measures them); the switch wants a histogram all the same.
  const unused = new LatencyHistogram();
  const switches = Array.from(
    { length: options.switches },
    (_, index) =>
      new EmulatedSwitch({
        index,
        dpid: options.firstDpid + BigInt(index),
        plan,
        inFlightCapacity: 2,
        histogram: unused,
        window: options.mode === 'throughput' ? 4 * options.batch : 0,
        batch: options.batch,
        traffic: 'oneWay',
      }),
  );
  const timers: NodeJS.Timeout[] = [];
  try {
    const deadline = performance.now() + options.connectTimeoutMs;
    log(`connecting ${switches.length} switches to ${options.host}:${options.port} ...`);
    await Promise.all(switches.map((sw) => sw.connect(options.host, options.port, deadline)));
    await readyOrTimeout(switches, deadline);
    log(`all ${switches.length} switches up; one-way ${options.mode} run: ${options.warmupSec} s warm-up, ${options.seconds} s measured`);

    let notSent = 0;
    let measuring = false;
    if (options.mode === 'throughput') {
      switches.forEach((sw) => sw.fill());
    } else {
      const ratePerSwitch = options.rate / options.switches;
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

    await sleep(options.warmupSec * 1000);
    await options.onWindow('start');
    const cpuStart = cpuSecondsSelf();
    const startMs = performance.now();
    const before = sentPacketIns(switches);
    measuring = true;
    await sleep(options.seconds * 1000);
    measuring = false;
    const after = sentPacketIns(switches);
    const endMs = performance.now();
    const cpuEnd = cpuSecondsSelf();
    await options.onWindow('end');

    const dropped = switches.filter((sw) => sw.state === 'closed');
    if (dropped.length > 0) throw new Error(`the controller closed ${dropped.length} switch connection(s) during the run: ${dropped[0]!.closedBy}`);
    const seconds = (endMs - startMs) / 1000;
    return { mode: options.mode, measuredSec: seconds, packetIns: after - before, packetInsPerSec: (after - before) / seconds, notSent, generatorCpuSec: cpuEnd - cpuStart };
  } finally {
    timers.forEach((t) => clearInterval(t));
    await Promise.all(switches.map((sw) => sw.close()));
  }
}

async function readyOrTimeout(switches: readonly EmulatedSwitch[], deadlineMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const late = switches.filter((sw) => sw.state !== 'running');
      reject(new Error(`${late.length} of ${switches.length} switches did not finish the handshake in time (states: ${[...new Set(late.map((sw) => sw.state))].join(', ')})`));
    }, Math.max(0, deadlineMs - performance.now()));
  });
  try {
    await Promise.race([Promise.all(switches.map((sw) => sw.ready)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
