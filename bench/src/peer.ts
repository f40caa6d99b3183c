import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ENCODE_FIXTURES, FRAME, PACKET_IN_10_BYTES, PACKET_IN_BYTES, XID } from './fixtures.js';

/**
 * Runs bench/peers/osken_codec.py (os-ken in bench/.venv) on the reference
 * messages and returns what it measured. The script's progress goes straight to
 * our stderr; its stdout is one JSON object.
 */

/** One op as the os-ken script reports it (snake_case, as it prints it). */
export interface PeerOp {
  readonly ops_per_s?: number;
  readonly ops?: number;
  readonly seconds?: number;
  readonly error?: string;
  /** Vector op only: files seen, files os-ken cannot parse, files timed. */
  readonly files?: number;
  readonly errors?: readonly { readonly file: string; readonly error: string }[];
  readonly timed_files?: readonly string[];
}

export interface PeerReport {
  readonly osken_version: string;
  readonly python: string;
  readonly ops: Readonly<Record<string, PeerOp | undefined>>;
}

export type PeerResult = { readonly ran: true; readonly report: PeerReport } | { readonly ran: false; readonly reason: string };

/** Ops the script times, each with a warm-up and calibration on top of its budget. */
const PEER_OPS = 8;

export interface PeerOptions {
  readonly root: string;
  readonly seconds: number;
  /** The of13/packet folder, when the vectors are present. */
  readonly vectorFolder: string | undefined;
  /** File names the os-ken side should time (those our codec decodes); undefined for all. */
  readonly vectorFiles: readonly string[] | undefined;
  /** Op ids to run; undefined for all. */
  readonly only: readonly string[] | undefined;
}

export function runPeer(options: PeerOptions): Promise<PeerResult> {
  const python = join(options.root, 'bench', '.venv', 'bin', 'python');
  if (!existsSync(python)) {
    return Promise.resolve({ ran: false, reason: `${python} is missing: run bash bench/peers/setup.sh` });
  }
  const args = [join(options.root, 'bench', 'peers', 'osken_codec.py'), '--seconds', String(options.seconds)];
  if (options.vectorFolder !== undefined) args.push('--vectors', options.vectorFolder);
  if (options.only !== undefined) args.push('--only', options.only.join(','));
  const spec = {
    xid: XID,
    frame: FRAME.toString('hex'),
    encode: Object.fromEntries(ENCODE_FIXTURES.map((f) => [f.id, f.bytes.toString('hex')])),
    decode: { packet_in: PACKET_IN_BYTES.toString('hex'), packet_in_10: PACKET_IN_10_BYTES.toString('hex') },
    vector_files: options.vectorFiles ?? null,
  };
  // Generous: twice the budget plus start-up, so only a hung peer hits it.
  const timeoutMs = (PEER_OPS * (options.seconds + 1) * 2 + 30) * 1000;

  return new Promise((resolve) => {
    const child = spawn(python, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A peer that exits before reading its input breaks the pipe; its exit code,
    // reported on 'close' below, says what went wrong.
    child.stdin.on('error', () => {});
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ ran: false, reason: `cannot start ${python}: ${err.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) return resolve({ ran: false, reason: `os-ken peer did not finish within ${timeoutMs / 1000} s` });
      if (code !== 0) return resolve({ ran: false, reason: `os-ken peer exited with ${code ?? signal}` });
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve({ ran: true, report: parseReport(text) });
      } catch (err) {
        resolve({ ran: false, reason: `os-ken peer printed something other than its report: ${String(err)}` });
      }
    });
    child.stdin.end(JSON.stringify(spec));
  });
}

function parseReport(text: string): PeerReport {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null) throw new Error('not a JSON object');
  const r = value as Partial<PeerReport>;
  if (typeof r.osken_version !== 'string' || typeof r.python !== 'string' || typeof r.ops !== 'object' || r.ops === null) {
    throw new Error('missing osken_version, python or ops');
  }
  return r as PeerReport;
}
