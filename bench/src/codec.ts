import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadVectors, projectRoot, ryuVectorsDir } from '../../runtime/dist/testing/vectors.js';
import { ENCODE_FIXTURES } from './fixtures.js';
import { checksum, type Measurement } from './measure.js';
import { type EncodeVariant, fileName, measureEncode, measurePacketIn, measureVectors, type Outcome, triageVectors } from './ours.js';
import { type PeerResult, runPeer } from './peer.js';
import { formatRate, formatTable, formatVectors, type Row, rowsJson, type VectorSummary } from './report.js';

/**
 * The OpenFlow codec benchmark: our codec and os-ken's on the same messages, in
 * one run, one after the other (never at once: the machine has 2 cores). Prints a
 * table (or JSON with --json) on stdout and progress on stderr. Exits 1 when our
 * codec gets a message wrong or os-ken could not be run; an op our codec does not
 * support yet is reported as such and does not fail the run.
 */

const OP_IDS = [...ENCODE_FIXTURES.map((f) => f.id), 'packet_in', 'packet_in_10', 'vectors'];

const USAGE = `usage: node bench/dist/codec.js [--seconds N] [--json] [--no-peer] [--only IDS] [--help]
  --seconds N  time budget per op and side, after warm-up (default 1.5)
  --json       print machine-readable results instead of the table
  --no-peer    do not run os-ken (its column then says "not measured")
  --only IDS   comma-separated ops to run, of: ${OP_IDS.join(', ')}`;

interface Options {
  readonly seconds: number;
  readonly json: boolean;
  readonly peer: boolean;
  /** Op ids to run; undefined for all. */
  readonly only: readonly string[] | undefined;
  readonly help: boolean;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: { seconds: { type: 'string' }, json: { type: 'boolean' }, 'no-peer': { type: 'boolean' }, only: { type: 'string' }, help: { type: 'boolean' } },
    strict: true,
  });
  const seconds = values.seconds === undefined ? 1.5 : Number(values.seconds);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 60) throw new Error(`--seconds must be a number in (0, 60], got ${values.seconds}`);
  const only = values.only?.split(',');
  const unknown = only?.filter((id) => !OP_IDS.includes(id)) ?? [];
  if (unknown.length > 0) throw new Error(`--only: unknown op ${unknown.join(', ')}`);
  return { seconds, json: values.json === true, peer: values['no-peer'] !== true, only, help: values.help === true };
}

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

function describe(outcome: Outcome): string {
  return outcome.kind === 'measured' ? `${formatRate(outcome.measurement.opsPerSec)} ops/s` : `${outcome.kind}: ${outcome.reason}`;
}

function peerOutcome(peer: PeerResult, id: string): Outcome {
  if (!peer.ran) return { kind: 'not measured', reason: peer.reason };
  const op = peer.report.ops[id];
  if (op === undefined) return { kind: 'not measured', reason: `the os-ken script reported nothing for ${id}` };
  if (op.error !== undefined) return { kind: 'unsupported', reason: op.error };
  if (typeof op.ops_per_s !== 'number') return { kind: 'not measured', reason: `the os-ken script reported no ops_per_s for ${id}` };
  const measurement: Measurement = { opsPerSec: op.ops_per_s, ops: op.ops ?? 0, seconds: op.seconds ?? 0 };
  return { kind: 'measured', measurement };
}

function ours(op: string, call: string, run: () => Outcome): Outcome {
  progress(`sdn-runtime: ${op}, ${call} ...`);
  const outcome = run();
  progress(`sdn-runtime: ${op}, ${call}: ${describe(outcome)}`);
  return outcome;
}

async function main(argv: string[]): Promise<number> {
  let options: Options;
  try {
    options = parseOptions(argv);
  } catch (err) {
    progress(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const root = projectRoot();
  const vectorsDir = ryuVectorsDir();
  // The truncated64 files are cut short on purpose: they measure error paths, not decoding.
  const files = loadVectors(vectorsDir, 'of13').filter((f) => f.packetPath.endsWith('.packet'));
  const triage = triageVectors(files);

  let peer: PeerResult = { ran: false, reason: 'skipped (--no-peer)' };
  if (options.peer) {
    progress('os-ken: running bench/peers/osken_codec.py ...');
    peer = await runPeer({
      root,
      seconds: options.seconds,
      vectorFolder: join(vectorsDir, 'of13', 'packet'),
      vectorFiles: triage.decoded.map(fileName),
      only: options.only,
    });
    if (!peer.ran) progress(`os-ken: not measured: ${peer.reason}`);
  }

  const selected = (id: string): boolean => options.only === undefined || options.only.includes(id);
  const rows: Row[] = [];
  for (const fixture of ENCODE_FIXTURES.filter((f) => selected(f.id))) {
    for (const variant of ['encodeMessage', 'encodeMessageInto'] as const satisfies readonly EncodeVariant[]) {
      const call = variant === 'encodeMessage' ? 'encodeMessage' : 'encodeMessageInto (reused Writer)';
      rows.push({ op: fixture.label, call, ours: ours(fixture.label, call, () => measureEncode(fixture, variant, options.seconds)), osken: peerOutcome(peer, fixture.id) });
    }
  }
  const packetIn = 'PacketIn decode, match in_port + 64 B frame (106 B)';
  if (selected('packet_in')) {
    rows.push({ op: packetIn, call: 'decodeMessage', ours: ours(packetIn, 'decodeMessage', () => measurePacketIn(options.seconds)), osken: peerOutcome(peer, 'packet_in') });
  }
  const packetIn10 = 'PacketIn decode, OpenFlow 1.0, 64 B frame (82 B)';
  if (selected('packet_in_10')) {
    rows.push({ op: packetIn10, call: 'decodeMessage', ours: ours(packetIn10, 'decodeMessage', () => measurePacketIn(options.seconds, '1.0')), osken: peerOutcome(peer, 'packet_in_10') });
  }

  // Both sides time the same files: those our codec decodes and os-ken parses.
  const peerTimed = peer.ran ? peer.report.ops['vectors']?.timed_files : undefined;
  const timed = peerTimed === undefined ? triage.decoded : triage.decoded.filter((f) => peerTimed.includes(fileName(f)));
  const vectorsOp = `Decode OF1.3 vector files (${timed.length} of ${files.length}), per message`;
  if (selected('vectors')) {
    rows.push({ op: vectorsOp, call: 'decodeMessage', ours: ours(vectorsOp, 'decodeMessage', () => measureVectors(timed, options.seconds)), osken: peerOutcome(peer, 'vectors') });
  }

  const vectors: VectorSummary = {
    files: files.length,
    timed: timed.map(fileName),
    oursUnknown: triage.unknown,
    oursErrors: triage.errors,
    oskenErrors: peer.ran ? (peer.report.ops['vectors']?.errors ?? []) : undefined,
  };
  const machine = {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    python: peer.ran ? peer.report.python : null,
    osken: peer.ran ? peer.report.osken_version : null,
  };
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ machine, secondsPerOp: options.seconds, rows: rowsJson(rows), vectors, checksum: checksum() }, null, 2)}\n`);
  } else {
    const lines = [
      `OpenFlow codec benchmark, ${options.seconds} s per op and side`,
      `Machine: ${machine.cores} cores (${machine.cpu}), Node ${machine.node}, ` +
        (peer.ran ? `Python ${machine.python}, os-ken ${machine.osken}` : 'os-ken not run'),
      '',
      formatTable(rows),
      ...(selected('vectors') ? ['', ...formatVectors(vectors, triage.decoded.length)] : []),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  const wrong = rows.some((r) => r.ours.kind === 'failed') || triage.errors.length > 0;
  return wrong || (options.peer && !peer.ran) ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
