import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

/**
 * Summarises a V8 .cpuprofile (from node --cpu-prof, e.g. `bench/dist/controller.js
 * --cpu-prof DIR`): self time by function and by area (our folders, Node's
 * internals, GC, idle). Prints markdown on stdout.
 *   node bench/dist/profile-summary.js FILE [--top 30]
 */

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

function readProfile(path: string): Profile {
  const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<Profile>;
  if (!Array.isArray(value.nodes) || !Array.isArray(value.samples) || !Array.isArray(value.timeDeltas)) throw new Error(`${path} is not a V8 CPU profile (no nodes, samples, timeDeltas)`);
  return value as Profile;
}

/** Where a function lives: a folder of ours, a package, Node's internals, or V8's pseudo-frames. */
function areaOf(frame: CallFrame): string {
  const url = frame.url;
  if (url === '') return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  const dist = /\/(runtime|bench|sdk-ts|learning-switch-ts)\/dist\/([^/]+)\//.exec(url);
  if (dist !== null) return `${dist[1]}/${dist[2]}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg !== null) return pkg[1]!;
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  return url;
}

function label(frame: CallFrame): string {
  const file = frame.url.replace(/^.*\/(runtime|bench|sdk-ts|learning-switch-ts)\/dist\//, '$1/').replace(/^file:\/\//, '');
  return `${frame.functionName || '(anonymous)'} ${file ? `${file}:${frame.lineNumber + 1}` : ''}`.trim();
}

function table(title: string, totals: Map<string, number>, all: number, top: number): string[] {
  const rows = [...totals].sort((a, b) => b[1] - a[1]).slice(0, top);
  return [
    `| ${title} | self ms | % |`,
    '| --- | ---: | ---: |',
    ...rows.map(([name, us]) => `| ${name.replace(/\|/g, '\\|')} | ${(us / 1000).toFixed(1)} | ${((100 * us) / all).toFixed(1)} |`),
  ];
}

function main(argv: string[]): number {
  const { values, positionals } = parseArgs({ args: argv, options: { top: { type: 'string' } }, allowPositionals: true, strict: true });
  if (positionals.length !== 1) {
    process.stderr.write('usage: node bench/dist/profile-summary.js FILE.cpuprofile [--top 30]\n');
    return 2;
  }
  const top = values.top === undefined ? 30 : Number(values.top);
  const profile = readProfile(positionals[0]!);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const us = profile.timeDeltas[i] ?? 0;
    if (node === undefined) return;
    all += us;
    const fn = label(node.callFrame);
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    const area = areaOf(node.callFrame);
    byArea.set(area, (byArea.get(area) ?? 0) + us);
  });
  const busy = all - (byArea.get('(idle)') ?? 0);
  const lines = [
    `${positionals[0]}: ${(all / 1e6).toFixed(2)} s sampled, ${(busy / 1e6).toFixed(2)} s not idle`,
    '',
    ...table('area', byArea, all, top),
    '',
    ...table('function', byFunction, all, top),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
