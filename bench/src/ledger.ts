import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { learningSwitch } from '../../runtime/dist/apps/learning-switch.js';
import { Ownership, type AppContext, type AppEvent, type SwitchDirectory, type SwitchHandle } from '../../runtime/dist/core/index.js';
import { encodeMessageInto, macAt, type FlowMod, type Match, OFP_NO_BUFFER, type PacketIn, Writer } from '../../runtime/dist/openflow/index.js';
import * as ownership from '../../runtime/dist/ownership/index.js';
import { listOption, machineLine, positiveNumber, runCli } from './cli.js';

/**
 * The flow ledger alone (runtime/src/ownership/ledger.ts): ns per `apply` of
 * the built-in learning switch's flow-mod (in_port, eth_dst, eth_src; its MACs
 * made from frame bytes as the app makes them), and ns per match key
 * (`matchKeyOf`: the match encoded, its canonical bytes hashed).
 * What `controller.ts` measures end to end, without the sockets. Prints a
 * markdown table on stdout. `packet-in` is the ledger where the runtime uses
 * it: CPU per PACKET_IN of the built-in learning switch with its commands
 * confined and encoded, no sockets; against a copy of the build whose
 * `FlowLedger.apply` returns at once, the difference is the ledger's cost per
 * response, which a run of the runtime under the load generator on a shared
 * machine cannot resolve (socket batching moves with the load).
 */

const OPS = ['key', 'apply-replace', 'apply-add', 'packet-in'] as const;
type Op = (typeof OPS)[number];

const USAGE = `usage: node bench/dist/ledger.js [--seconds N] [--switches N] [--macs N] [--only OPS]
  --seconds N   timed seconds per op, after warm-up (default 2)
  --switches N  ledgers, one per switch (default 16, as bench:controller)
  --macs N      hosts per switch, each with one flow (default 1000, as bench:controller)
  --only OPS    comma-separated, of: ${OPS.join(', ')}
    key            the ledger's key of the learning switch's match: matchKeyOf (encoded with the codec's writer, the bytes hashed)
    apply-replace  FlowLedger.apply of an add that replaces one of the app's own flows (the steady state at saturation)
    apply-add      FlowLedger.apply of an add of a new flow (a fresh ledger every --macs adds)
    packet-in      one PACKET_IN of the built-in learning switch, every host learned: its FLOW_MOD (replacing one of its flows) and
                   PACKET_OUT through its confined switch handles (Ownership: confineCommand, the ledger) and encoded into one buffer`;

interface Options {
  readonly seconds: number;
  readonly switches: number;
  readonly macs: number;
  readonly only: readonly Op[];
  readonly help: boolean;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: { seconds: { type: 'string' }, switches: { type: 'string' }, macs: { type: 'string' }, only: { type: 'string' }, help: { type: 'boolean' } },
    strict: true,
  });
  return {
    seconds: positiveNumber('seconds', values.seconds, 2, { integer: false, max: 60 }),
    switches: positiveNumber('switches', values.switches, 16, { max: 1024 }),
    macs: positiveNumber('macs', values.macs, 1000, { max: 65536 }),
    only: listOption('only', values.only, OPS),
    help: values.help === true,
  };
}

const APP = { id: 7, name: 'learning-switch' };
const OFP13_VERSION = 4;

/** Host h's MAC bytes (02:00:00:hh:hh:hh), as the generator's frames carry them. */
function macBytes(hosts: number): Buffer {
  const b = Buffer.alloc(hosts * 6);
  for (let h = 0; h < hosts; h++) b.set([0x02, 0, 0, h >>> 16, (h >>> 8) & 0xff, h & 0xff], h * 6);
  return b;
}

/** The learning switch's match for host h: made from bytes on every call, as the app does per packet-in. */
function learnedMatch(macs: Buffer, hosts: number, h: number): Match {
  const dst = (h + 1) % hosts;
  return [
    { field: 'in_port', value: 1 + (h % 8) },
    { field: 'eth_dst', value: macAt(macs, dst * 6) },
    { field: 'eth_src', value: macAt(macs, h * 6) },
  ];
}

function learnedFlowMod(match: Match): Omit<FlowMod, 'version' | 'xid'> {
  return {
    type: 'FlowMod',
    cookie: 0n,
    cookieMask: 0n,
    tableId: 0,
    command: 0,
    idleTimeout: 60,
    hardTimeout: 0,
    priority: 1,
    bufferId: OFP_NO_BUFFER,
    outPort: 0,
    outGroup: 0,
    flags: 0,
    match,
    instructions: [{ type: 'applyActions', actions: [{ type: 'output', port: 1, maxLen: 0 }] }],
  };
}

function filledLedgers(options: Options, macs: Buffer): ownership.FlowLedger[] {
  return Array.from({ length: options.switches }, () => {
    const ledger = new ownership.FlowLedger(() => Number.POSITIVE_INFINITY);
    for (let h = 0; h < options.macs; h++) ledger.apply(APP, OFP13_VERSION, learnedFlowMod(learnedMatch(macs, options.macs, h)));
    return ledger;
  });
}

function batchOf(op: Op, options: Options): (n: number) => number {
  const hosts = options.macs;
  const macs = macBytes(hosts);
  let h = 0;
  const next = (): number => (h = (h + 1) % hosts);
  switch (op) {
    case 'key':
      return (n) => {
        let sum = 0;
        for (let i = 0; i < n; i++) sum += ownership.matchKeyOf(learnedMatch(macs, hosts, next())).hash;
        return sum;
      };
    case 'apply-replace': {
      const ledgers = filledLedgers(options, macs);
      let sw = 0;
      return (n) => {
        for (let i = 0; i < n; i++) {
          sw = (sw + 1) % ledgers.length;
          ledgers[sw]!.apply(APP, OFP13_VERSION, learnedFlowMod(learnedMatch(macs, hosts, next())));
        }
        return ledgers[sw]!.count(APP.id);
      };
    }
    case 'packet-in':
      return packetInBatch(options, macs);
    case 'apply-add': {
      let ledger = new ownership.FlowLedger(() => Number.POSITIVE_INFINITY);
      return (n) => {
        for (let i = 0; i < n; i++) {
          if (next() === 0) ledger = new ownership.FlowLedger(() => Number.POSITIVE_INFINITY);
          ledger.apply(APP, OFP13_VERSION, learnedFlowMod(learnedMatch(macs, hosts, h)));
        }
        return ledger.count(APP.id);
      };
    }
  }
}

/**
 * The learning switch on `options.switches` switches of `options.macs` hosts
 * (8 ports, each host sending to the next host on another port, as the load
 * generator's traffic), its commands through the handles of its Ownership
 * scope and encoded by the codec into one buffer, as a connection would.
 * Every host is learned and its flow recorded before the batches run.
 */
function packetInBatch(options: Options, macs: Buffer): (n: number) => number {
  const out = new Writer(4096);
  let xid = 0;
  const raw = new Map<bigint, SwitchHandle>();
  for (let s = 1; s <= options.switches; s++) {
    const dpid = BigInt(s);
    raw.set(dpid, {
      dpid, node: 1, version: OFP13_VERSION,
      send: (command) => {
        out.reset();
        encodeMessageInto(command, out, OFP13_VERSION, ++xid);
      },
      sendEncoded: () => undefined, sendConfirmed: () => Promise.resolve(), request: () => Promise.resolve([]), barrier: () => Promise.resolve(),
    });
  }
  const directory: SwitchDirectory = { lookup: (dpid) => raw.get(dpid), view: () => undefined, list: () => [], role: () => undefined };
  const scope = new Ownership({ defaultQuota: Number.POSITIVE_INFINITY }).scope('learning-switch', directory);
  let deliver: ((event: AppEvent) => void) | undefined;
  const ctx = { node: 1, switches: scope.switches, apps: { own: scope }, subscribe: (_kinds: unknown, handler: (event: AppEvent) => void) => ((deliver = handler), () => undefined) };
  void learningSwitch().start(ctx as unknown as AppContext);
  const ports = 8;
  const portOf = (h: number): number => 1 + (h % ports);
  const packetIns: { readonly dpid: bigint; readonly message: PacketIn }[] = [];
  for (let h = 0; h < options.macs; h++) {
    let d = (h + 1) % options.macs;
    while (portOf(d) === portOf(h)) d = (d + 1) % options.macs;
    const frame = Buffer.alloc(60);
    macs.copy(frame, 0, d * 6, d * 6 + 6);
    macs.copy(frame, 6, h * 6, h * 6 + 6);
    frame.writeUInt16BE(0x0800, 12);
    for (let s = 1; s <= options.switches; s++) {
      const message: PacketIn = { type: 'PacketIn', version: OFP13_VERSION, xid: 0, bufferId: OFP_NO_BUFFER, totalLen: 60, reason: 0, tableId: 0, cookie: 0n, match: [{ field: 'in_port', value: portOf(h) }], data: frame };
      packetIns.push({ dpid: BigInt(s), message });
    }
  }
  for (const dpid of raw.keys()) deliver!({ type: 'switchUp', dpid } as AppEvent);
  // Twice round: the first learns every host (floods), the second records every flow.
  for (const p of [...packetIns, ...packetIns]) deliver!({ type: 'packetIn', ...p } as AppEvent);
  let k = 0;
  return (n) => {
    for (let i = 0; i < n; i++) {
      const p = packetIns[k]!;
      k = (k + 1) % packetIns.length;
      deliver!({ type: 'packetIn', dpid: p.dpid, message: p.message } as AppEvent);
    }
    return xid;
  };
}

/** Wall and CPU time of one call, from batches of n calls that last at least 10 ms each. */
interface Timing {
  readonly wallNs: number;
  readonly cpuNs: number;
}

const MIN_BATCH_MS = 10;
const WARM_UP_MS = 300;

/**
 * Times `batch(n)` (n calls, returning a checksum) like measure.ts, and also by
 * this process's CPU time: on a machine shared with other work the wall time
 * includes the time the process waited for a core, the CPU time does not.
 */
function timeBatches(batch: (n: number) => number, seconds: number): Timing {
  let sink = 0;
  let n = 1;
  for (;;) {
    const start = performance.now();
    sink += batch(n);
    if (performance.now() - start >= MIN_BATCH_MS) break;
    n *= 2;
  }
  const warmUntil = performance.now() + WARM_UP_MS;
  while (performance.now() < warmUntil) sink += batch(n);
  let calls = 0;
  let wallMs = 0;
  const cpuStart = process.cpuUsage();
  while (wallMs < seconds * 1000) {
    const start = performance.now();
    sink += batch(n);
    wallMs += performance.now() - start;
    calls += n;
  }
  const cpu = process.cpuUsage(cpuStart);
  if (sink === Number.NEGATIVE_INFINITY) process.stderr.write('unreachable: keeps the checksum alive\n');
  return { wallNs: (wallMs * 1e6) / calls, cpuNs: ((cpu.user + cpu.system) * 1e3) / calls };
}

async function run(options: Options): Promise<number> {
  process.stdout.write(`${machineLine(`${options.switches} ledgers, ${options.macs} flows each, ${options.seconds} s per op`)}\n\n`);
  process.stdout.write('| op | CPU ns per call | wall ns per call |\n| --- | ---: | ---: |\n');
  for (const op of options.only) {
    const t = timeBatches(batchOf(op, options), options.seconds);
    process.stdout.write(`| ${op} | ${t.cpuNs.toFixed(0)} | ${t.wallNs.toFixed(0)} |\n`);
  }
  return 0;
}

process.exitCode = await runCli(process.argv.slice(2), USAGE, parseOptions, run);
