import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cpuProfFlags, runtimeArgs, waitForRuntime, waitForStreams } from './runtime-process.js';

/**
 * The controllers of the learning-switch benchmark and how each is started,
 * listening on 127.0.0.1 only. A controller may be several processes (the
 * runtime with no apps plus a learning switch as its gRPC client): they start
 * in order, each awaited until ready, and their CPU times add up.
 */

export const CONTESTANT_IDS = ['runtime', 'runtime-ts', 'runtime-py', 'osken', 'testcontroller'] as const;
export type ContestantId = (typeof CONTESTANT_IDS)[number];

export interface LaunchContext {
  readonly root: string;
  readonly openflowPort: number;
  /** Free ports for the runtime's HTTP endpoints and gRPC API. */
  readonly httpPort: number;
  readonly grpcPort: number;
  /** A scratch folder of this run (data dir, control sockets). */
  readonly scratch: string;
  /** Write a V8 CPU profile of every Node process into this folder. */
  readonly cpuProfDir: string | undefined;
}

export interface Launch {
  /** Names the process in notes ("runtime", "client"). */
  readonly role: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Resolves once the process serves (awaited before the next process starts and before any load). */
  readonly ready?: () => Promise<void>;
}

export interface Contestant {
  readonly id: ContestantId;
  readonly label: string;
  /** Why it cannot run on this machine, or undefined when it can. */
  missing(root: string): string | undefined;
  launch(context: LaunchContext): readonly Launch[];
}

/** How long a runtime or a client may take to come up. */
const READY_TIMEOUT_MS = 30_000;

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => dir !== '' && existsSync(join(dir, command)));
}

function firstMissing(root: string, files: readonly (readonly [string, string])[]): string | undefined {
  const absent = files.find(([file]) => !existsSync(join(root, file)));
  return absent === undefined ? undefined : `${absent[0]} is missing: ${absent[1]}`;
}

const BUILT = 'run npx tsc -b';

/** The runtime with `apps`; with a client to follow, ready once its gRPC port takes connections. */
function runtimeLaunch(c: LaunchContext, apps: readonly string[]): Launch {
  return {
    role: 'runtime',
    command: process.execPath,
    args: runtimeArgs({ ...c, apps }),
    ready: () => waitForRuntime(c, READY_TIMEOUT_MS),
  };
}

const runtime: Contestant = {
  id: 'runtime',
  label: 'sdn-runtime (learning-switch)',
  missing: (root) => firstMissing(root, [['runtime/dist/cli/main.js', BUILT]]),
  launch: (c) => [runtimeLaunch(c, ['learning-switch'])],
};

const runtimeTs: Contestant = {
  id: 'runtime-ts',
  label: 'sdn-runtime + TS client (learning-switch-ts)',
  missing: (root) => firstMissing(root, [['runtime/dist/cli/main.js', BUILT], ['examples/learning-switch-ts/dist/main.js', BUILT]]),
  launch: (c) => [
    runtimeLaunch(c, []),
    {
      role: 'client',
      command: process.execPath,
      args: [...cpuProfFlags(c.cpuProfDir), join(c.root, 'examples', 'learning-switch-ts', 'dist', 'main.js'), '--target', `127.0.0.1:${c.grpcPort}`],
      ready: () => waitForStreams(c.httpPort, 1, READY_TIMEOUT_MS),
    },
  ],
};

const runtimePy: Contestant = {
  id: 'runtime-py',
  label: 'sdn-runtime + Python client (learning-switch-py)',
  missing: (root) =>
    firstMissing(root, [
      ['runtime/dist/cli/main.js', BUILT],
      ['sdk-python/.venv/bin/python', 'run bash sdk-python/scripts/setup-venv.sh'],
    ]),
  launch: (c) => [
    runtimeLaunch(c, []),
    {
      role: 'client',
      command: join(c.root, 'sdk-python', '.venv', 'bin', 'python'),
      args: [join(c.root, 'examples', 'learning-switch-py', 'learning_switch.py'), '--target', `127.0.0.1:${c.grpcPort}`],
      ready: () => waitForStreams(c.httpPort, 1, READY_TIMEOUT_MS),
    },
  ],
};

const osken: Contestant = {
  id: 'osken',
  label: 'os-ken (simple_switch_13)',
  missing: (root) => firstMissing(root, [['bench/.venv/bin/python', 'run bash bench/peers/setup.sh']]),
  launch: (c) => [
    {
      role: 'os-ken',
      command: join(c.root, 'bench', '.venv', 'bin', 'python'),
      args: [join(c.root, 'bench', 'peers', 'osken_simple_switch_13.py'), '--host', '127.0.0.1', '--port', String(c.openflowPort)],
    },
  ],
};

const testcontroller: Contestant = {
  id: 'testcontroller',
  label: 'ovs-testcontroller',
  missing: () => (onPath('ovs-testcontroller') ? undefined : 'ovs-testcontroller is not installed: run bash scripts/install-system-deps.sh'),
  // Its defaults: a MAC-learning switch that installs exact-match flows with a
  // 60 s idle timeout. Its control socket goes to the scratch folder, not /var/run.
  launch: (c) => [
    {
      role: 'ovs-testcontroller',
      command: 'ovs-testcontroller',
      args: ['-O', 'OpenFlow13', `--unixctl=${join(c.scratch, 'ovs-testcontroller.ctl')}`, `ptcp:${c.openflowPort}:127.0.0.1`],
    },
  ],
};

export const CONTESTANTS: readonly Contestant[] = [runtime, runtimeTs, runtimePy, osken, testcontroller];
