import { appendFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as real from 'fast-check';

/**
 * fast-check with a soaking `assert`: each call runs the property again and again,
 * `numRuns` (the test's own) at a time with a fresh random seed each, as a CI run
 * would, until SOAK_MS milliseconds (default 20 000) have passed for this call.
 * Every failing round is written to stderr (and appended to SOAK_LOG when set)
 * with its seed, path and counterexample, so that a property that fails once in
 * thousands of CI runs is seen in minutes; a summary line per call says how many
 * rounds and runs it made. The call throws the first failure after its time is up.
 *
 * Replay a reported failure with `fc.assert(property, { seed, path })` in the test.
 */

export * from 'fast-check';

const SOAK_MS = Number(process.env['SOAK_MS'] ?? 20_000);
const log = process.env['SOAK_LOG'];
const SOAK_LOG = log === undefined || log === '' ? undefined : log;

function say(text: string): void {
  process.stderr.write(text);
  if (SOAK_LOG !== undefined) appendFileSync(SOAK_LOG, text);
}

/** The test's file and line that called `fc.assert`, relative to the working directory. */
function caller(): string {
  const frames = (new Error().stack ?? '').split('\n').slice(3);
  const frame = frames.find((f) => f.includes('file://') && !f.includes('/fast-check-soak.js') && !f.includes('/node_modules/')) ?? '';
  const url = /file:\/\/[^\s)]+/.exec(frame)?.[0];
  return url === undefined ? 'an unknown caller' : relative(process.cwd(), fileURLToPath(url.replace(/:\d+:\d+$/, ''))) + (/:\d+:\d+$/.exec(url)?.[0] ?? '');
}

class Soak<Ts> {
  rounds = 0;
  failures = 0;
  first: real.RunDetails<Ts> | undefined;
  readonly startedMs = Date.now();

  constructor(
    readonly where: string,
    readonly numRuns: number,
  ) {}

  get going(): boolean {
    return Date.now() - this.startedMs < SOAK_MS;
  }

  record(details: real.RunDetails<Ts>, seed: number): void {
    this.rounds++;
    if (!details.failed) return;
    this.failures++;
    this.first ??= details;
    say(`\nproperty-soak: FAILED at ${this.where}, round ${this.rounds}, seed ${seed}, path ${details.counterexamplePath ?? ''}\n${real.defaultReportMessage(details) ?? ''}\n`);
  }

  finish(): void {
    say(`property-soak: ${this.where}: ${this.rounds} rounds of ${this.numRuns} runs, ${this.failures} failed, ${Date.now() - this.startedMs} ms\n`);
    if (this.first !== undefined) throw new Error(`property-soak: ${this.failures} of ${this.rounds} rounds failed at ${this.where}; the first:\n${real.defaultReportMessage(this.first) ?? ''}`);
  }
}

const freshSeed = (): number => Math.floor(Math.random() * 0x7fffffff);

export function assert<Ts>(property: real.IRawProperty<Ts>, params: real.Parameters<Ts> = {}): Promise<void> | void {
  const soak = new Soak<Ts>(caller(), params.numRuns ?? real.readConfigureGlobal().numRuns ?? 100);
  const round = (): { seed: number; params: real.Parameters<Ts> } => {
    const seed = freshSeed();
    return { seed, params: { ...params, numRuns: soak.numRuns, seed } };
  };
  if (property.isAsync()) {
    return (async () => {
      do {
        const r = round();
        soak.record(await real.check(property, r.params), r.seed);
      } while (soak.going);
      soak.finish();
    })();
  }
  do {
    const r = round();
    soak.record(real.check(property, r.params) as real.RunDetails<Ts>, r.seed);
  } while (soak.going);
  soak.finish();
}

/** The default export tests use (`import fc from 'fast-check'`), with the soaking assert. */
const fc: typeof real.default = { ...real.default, assert: assert as typeof real.assert };
export default fc;
