import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The three controllers of the learning-switch benchmark and how each is
 * started, listening on 127.0.0.1 only.
 */

export const CONTESTANT_IDS = ['runtime', 'osken', 'testcontroller'] as const;
export type ContestantId = (typeof CONTESTANT_IDS)[number];

export interface LaunchContext {
  readonly root: string;
  readonly openflowPort: number;
  /** A free port for the runtime's HTTP endpoints. */
  readonly httpPort: number;
  /** A scratch folder of this run (data dir, control sockets). */
  readonly scratch: string;
  /** Write a V8 CPU profile of the runtime into this folder. */
  readonly cpuProfDir: string | undefined;
}

export interface Launch {
  readonly command: string;
  readonly args: readonly string[];
}

export interface Contestant {
  readonly id: ContestantId;
  readonly label: string;
  /** Why it cannot run on this machine, or undefined when it can. */
  missing(root: string): string | undefined;
  launch(context: LaunchContext): Launch;
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => dir !== '' && existsSync(join(dir, command)));
}

const runtime: Contestant = {
  id: 'runtime',
  label: 'sdn-runtime (learning-switch)',
  missing: (root) => (existsSync(join(root, 'runtime', 'dist', 'cli', 'main.js')) ? undefined : 'runtime/dist/cli/main.js is missing: run npx tsc -b'),
  launch: (c) => ({
    command: process.execPath,
    args: [
      ...(c.cpuProfDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${c.cpuProfDir}`]),
      join(c.root, 'runtime', 'dist', 'cli', 'main.js'),
      'serve',
      '--app', 'learning-switch',
      '--openflow-host', '127.0.0.1',
      '--openflow-port', String(c.openflowPort),
      '--http-host', '127.0.0.1',
      '--http-port', String(c.httpPort),
      '--data-dir', join(c.scratch, 'runtime-data'),
      '--log-level', 'warn',
      '--log-format', 'json',
    ],
  }),
};

const osken: Contestant = {
  id: 'osken',
  label: 'os-ken (simple_switch_13)',
  missing: (root) => (existsSync(join(root, 'bench', '.venv', 'bin', 'python')) ? undefined : 'bench/.venv is missing: run bash bench/peers/setup.sh'),
  launch: (c) => ({
    command: join(c.root, 'bench', '.venv', 'bin', 'python'),
    args: [join(c.root, 'bench', 'peers', 'osken_simple_switch_13.py'), '--host', '127.0.0.1', '--port', String(c.openflowPort)],
  }),
};

const testcontroller: Contestant = {
  id: 'testcontroller',
  label: 'ovs-testcontroller',
  missing: () => (onPath('ovs-testcontroller') ? undefined : 'ovs-testcontroller is not installed: run bash scripts/install-system-deps.sh'),
  // Its defaults: a MAC-learning switch that installs exact-match flows with a
  // 60 s idle timeout. Its control socket goes to the scratch folder, not /var/run.
  launch: (c) => ({
    command: 'ovs-testcontroller',
    args: ['-O', 'OpenFlow13', `--unixctl=${join(c.scratch, 'ovs-testcontroller.ctl')}`, `ptcp:${c.openflowPort}:127.0.0.1`],
  }),
};

export const CONTESTANTS: readonly Contestant[] = [runtime, osken, testcontroller];
