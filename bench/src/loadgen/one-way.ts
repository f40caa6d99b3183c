import { EmulatedSwitch } from './emulated-switch.js';
import { LatencyHistogram } from './histogram.js';
import { readyOrTimeout } from './run.js';
import { TrafficPlan } from './traffic.js';

/**
 * One-way load for the event-stream benchmark: emulated switches send
 * PACKET_INs that nobody answers, each frame carrying its send time, and the
 * measuring happens elsewhere (the client that receives the events). Modes:
 * 'sweep' paces rising rates, one measured window per rate; 'latency' paces one
 * rate; 'flood' sends as fast as the controller reads (each switch refills on
 * 'drain'). Pacing runs on a 1 ms clock.
 */

export type OneWayMode = 'sweep' | 'latency' | 'flood';

export interface OneWayOptions {
  /** The controller's address: loopback only. */
  readonly host: string;
  readonly port: number;
  readonly mode: OneWayMode;
  readonly switches: number;
  readonly macs: number;
  readonly ports: number;
  /** PACKET_IN/s in total: the one rate of 'latency', the rising steps of 'sweep' (ignored by 'flood'). */
  readonly rates: readonly number[];
  /** Most messages per socket.write. */
  readonly batch: number;
  /** Seconds of traffic before the first measured window, and between a sweep's windows (at the new rate). */
  readonly warmupSec: number;
  /** Length of each measured window, seconds. */
  readonly seconds: number;
  /** Time allowed for connecting and the handshake of every switch. */
  readonly connectTimeoutMs: number;
  readonly firstDpid: bigint;
  readonly progress?: (line: string) => void;
  /**
   * Awaited right at the start and the end of each measured window (to tell the
   * client, read CPU times); after an 'end', returning false stops a sweep.
   */
  readonly onWindow: (edge: 'start' | 'end', step: number) => Promise<boolean | void>;
}

export const DEFAULT_ONE_WAY_OPTIONS: Omit<OneWayOptions, 'port' | 'mode' | 'onWindow'> = {
  host: '127.0.0.1',
  switches: 16,
  macs: 1000,
  ports: 8,
  rates: [10_000],
  batch: 256,
  warmupSec: 2,
  seconds: 5,
  connectTimeoutMs: 20_000,
  firstDpid: 1n,
};

/** One measured window. */
export interface OneWayWindow {
  /** The paced rate (undefined for a flood). */
  readonly rate: number | undefined;
  /** Seconds between the two onWindow calls, by this process's clock. */
  readonly measuredSec: number;
  /** PACKET_INs written in the window. */
  readonly packetIns: number;
  readonly packetInsPerSec: number;
  /** PACKET_INs due in the window but not written because the controller was not reading. */
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
export async function runOneWay(options: OneWayOptions): Promise<OneWayWindow[]> {
  if (!isLoopback(options.host)) throw new Error(`the load generator only talks to loopback addresses, not ${options.host}`);
  const log = options.progress ?? (() => {});
  const plan = new TrafficPlan(options.macs, options.ports);
  // No latencies are recorded here (the client measures them); the switch wants a histogram all the same.
  const unused = new LatencyHistogram();
  const flood = options.mode === 'flood';
  const switches = Array.from(
    { length: options.switches },
    (_, index) =>
      new EmulatedSwitch({
        index,
        dpid: options.firstDpid + BigInt(index),
        openflow: '1.3',
        plan,
        inFlightCapacity: 2,
        histogram: unused,
        window: flood ? 4 * options.batch : 0,
        batch: options.batch,
        traffic: 'oneWay',
      }),
  );
  const rates = flood ? [undefined] : options.mode === 'latency' ? options.rates.slice(0, 1) : options.rates;
  const timers: NodeJS.Timeout[] = [];
  try {
    const deadline = performance.now() + options.connectTimeoutMs;
    log(`connecting ${switches.length} switches to ${options.host}:${options.port} ...`);
    await Promise.all(switches.map((sw) => sw.connect(options.host, options.port, deadline)));
    await readyOrTimeout(switches, deadline, 'did not finish the handshake in time');
    log(`all ${switches.length} switches up; one-way ${options.mode}: ${options.warmupSec} s warm-up, ${options.seconds} s measured per window`);

    let ratePerSwitch = 0;
    let notSent = 0;
    if (flood) {
      switches.forEach((sw) => sw.fill());
    } else {
      // Each switch accrues ratePerSwitch * elapsed PACKET_INs and sends the whole ones.
      const owed = new Float64Array(switches.length);
      let last = performance.now();
      timers.push(
        setInterval(() => {
          const now = performance.now();
          const accrued = (ratePerSwitch * (now - last)) / 1000;
          last = now;
          switches.forEach((sw, i) => {
            owed[i]! += accrued;
            const n = Math.floor(owed[i]!);
            if (n <= 0) return;
            owed[i]! -= n;
            notSent += n - sw.sendPacketIns(n);
          });
        }, 1),
      );
    }

    const windows: OneWayWindow[] = [];
    for (const [step, rate] of rates.entries()) {
      if (rate !== undefined) {
        ratePerSwitch = rate / switches.length;
        log(`${rate.toLocaleString('en-US')} PACKET_IN/s`);
      }
      await sleep(options.warmupSec * 1000);
      await options.onWindow('start', step);
      const cpuStart = cpuSecondsSelf();
      const startMs = performance.now();
      const before = sentPacketIns(switches);
      const missedBefore = notSent;
      await sleep(options.seconds * 1000);
      const after = sentPacketIns(switches);
      const endMs = performance.now();
      const cpuEnd = cpuSecondsSelf();
      const seconds = (endMs - startMs) / 1000;
      windows.push({ rate, measuredSec: seconds, packetIns: after - before, packetInsPerSec: (after - before) / seconds, notSent: notSent - missedBefore, generatorCpuSec: cpuEnd - cpuStart });
      const goOn = await options.onWindow('end', step);
      const dropped = switches.filter((sw) => sw.state === 'closed');
      if (dropped.length > 0) throw new Error(`the controller closed ${dropped.length} switch connection(s) during the run: ${dropped[0]!.closedBy}`);
      if (goOn === false) break;
    }
    return windows;
  } finally {
    timers.forEach((t) => clearInterval(t));
    await Promise.all(switches.map((sw) => sw.close()));
  }
}
