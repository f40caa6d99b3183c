import { parseArgs } from 'node:util';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EtcdKvStore } from '../../runtime/dist/store/etcd-store.js';
import { LmdbKvStore } from '../../runtime/dist/store/lmdb-store.js';
import type { KvStore } from '../../runtime/dist/store/types.js';
import { EtcdCluster } from '../../runtime/dist/testing/etcd-cluster.js';
import { machineLine, positiveNumber, runCli } from './cli.js';

/**
 * `npm run bench:kv`: the KV store's write throughput, lmdb (embedded) and etcd
 * (a 3-member cluster on this machine's loopback) in the same run, one after
 * the other: single puts and 3-key txns, each with N requests in flight, for a
 * fixed time. Latency percentiles per request and the CPU pressure (the share
 * of the run in which some task waited for a CPU) are printed beside each row.
 */

const USAGE = `usage: npm run bench:kv -- [--seconds S] [--in-flight N] [--max-ops N]
  --seconds S    time per row (default 5)
  --in-flight N  requests in flight (default 64)
  --max-ops N    requests per row at most (default 200000)`;

interface Options {
  readonly help: boolean;
  readonly seconds: number;
  readonly inFlight: number;
  readonly maxOps: number;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({ args: argv, options: { help: { type: 'boolean' }, seconds: { type: 'string' }, 'in-flight': { type: 'string' }, 'max-ops': { type: 'string' } } });
  return {
    help: values.help === true,
    seconds: positiveNumber('seconds', values.seconds, 5, { integer: false, max: 120 }),
    inFlight: positiveNumber('in-flight', values['in-flight'], 64, { max: 4096 }),
    maxOps: positiveNumber('max-ops', values['max-ops'], 200_000),
  };
}

/** The "some" total of /proc/pressure/cpu, µs; undefined without PSI. */
function cpuPressureTotalUs(): number | undefined {
  try {
    const total = Number(/total=(\d+)/.exec(readFileSync('/proc/pressure/cpu', 'utf8').split('\n')[0]!)?.[1]);
    return Number.isFinite(total) ? total : undefined;
  } catch {
    return undefined;
  }
}

interface Row {
  readonly store: string;
  readonly op: string;
  readonly ops: number;
  readonly failed: number;
  readonly seconds: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly pressure: string;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function measure(store: string, op: string, options: Options, request: (i: number) => Promise<unknown>): Promise<Row> {
  const latencies: number[] = [];
  let next = 0;
  let failed = 0;
  const pressureBefore = cpuPressureTotalUs();
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  const worker = async (): Promise<void> => {
    while (next < options.maxOps && performance.now() < deadline) {
      const sent = performance.now();
      await request(next++).then(
        () => latencies.push(performance.now() - sent),
        () => failed++,
      );
    }
  };
  await Promise.all(Array.from({ length: options.inFlight }, worker));
  const seconds = (performance.now() - started) / 1000;
  const pressureAfter = cpuPressureTotalUs();
  latencies.sort((a, b) => a - b);
  const pressure = pressureBefore === undefined || pressureAfter === undefined ? 'unknown' : `${((pressureAfter - pressureBefore) / 1e4 / seconds).toFixed(0)} %`;
  return { store, op, ops: latencies.length, failed, seconds, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), pressure };
}

async function measureStore(name: string, store: KvStore, options: Options): Promise<Row[]> {
  const value = new Uint8Array(100).fill(0x61);
  const key = (prefix: string, i: number): Uint8Array => new TextEncoder().encode(`${prefix}/${i % 10_000}`);
  const puts = await measure(name, 'put', options, (i) => store.put(key('put', i), value));
  const txns = await measure(name, '3-key txn', options, (i) =>
    store.txn(
      [],
      [0, 1, 2].map((k) => ({ type: 'put' as const, key: key(`txn${k}`, i), value })),
      [],
    ),
  );
  return [puts, txns];
}

function format(rows: readonly Row[], options: Options): string {
  const lines = [
    machineLine(`${options.inFlight} in flight, ${options.seconds} s per row, 100-byte values over 10,000 keys`),
    '',
    '| store | op | ops/s | failed | p50 ms | p99 ms | CPU pressure |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.store} | ${r.op} | ${Math.round(r.ops / r.seconds)} | ${r.failed} | ${r.p50Ms.toFixed(1)} | ${r.p99Ms.toFixed(1)} | ${r.pressure} |`),
  ];
  return lines.join('\n');
}

async function run(options: Options): Promise<number> {
  const rows: Row[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'sdn-bench-kv-'));
  try {
    const lmdb = await LmdbKvStore.open({ dataDir });
    try {
      rows.push(...(await measureStore('lmdb', lmdb, options)));
    } finally {
      await lmdb.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  const cluster = await EtcdCluster.start(3);
  try {
    const etcd = await EtcdKvStore.open({ endpoints: cluster.endpoints, prefix: '/bench/' });
    try {
      rows.push(...(await measureStore('etcd (3 members)', etcd, options)));
    } finally {
      await etcd.close();
    }
  } finally {
    await cluster.close();
  }
  process.stdout.write(`${format(rows, options)}\n`);
  return 0;
}

process.exitCode = await runCli(process.argv.slice(2), USAGE, parseOptions, run);
