import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompileCache } from '../../runtime/dist/plugins/compile-cache.js';
import { buildProject, EXAMPLES, type KitLanguage } from '../../runtime/dist/plugins/testing/kits.js';
import type { OpenFlowVersion } from './loadgen/switch-wire.js';
import { cpuProfFlags, runtimeArgs, waitForRuntime, waitForStreams } from './runtime-process.js';

/**
 * The controllers of the learning-switch benchmark and how each is started,
 * listening on 127.0.0.1 only: sdn-runtime with its built-in app, with the
 * learning switch as a gRPC client (TypeScript or Python, a second process) or
 * as a plugin (TypeScript, Python or Rust kit) instead, os-ken and ovs-testcontroller.
 * Each speaks the run's OpenFlow version only (1.3, or 1.0 for the cbench-style
 * run). A controller may be several processes: they start in order, each
 * awaited until ready, and their CPU times add up.
 */

export const CONTESTANT_IDS = ['runtime', 'runtime-ts', 'runtime-py', 'plugin-ts', 'plugin-py', 'plugin-rs', 'osken', 'testcontroller'] as const;
export type ContestantId = (typeof CONTESTANT_IDS)[number];

/** The contestants of the OpenFlow 1.0 (cbench-style) run unless --only says otherwise: the ones issue 15 names. */
export const OPENFLOW_10_IDS: readonly ContestantId[] = ['runtime', 'osken', 'testcontroller'];

/** The contestants that are sdn-runtime (the rest are peers). */
export const RUNTIME_IDS: readonly ContestantId[] = ['runtime', 'runtime-ts', 'runtime-py', 'plugin-ts', 'plugin-py', 'plugin-rs'];

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
  /** The one OpenFlow version the controller negotiates. */
  readonly openflow: OpenFlowVersion;
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
  /** Its name in the OpenFlow 1.0 run, when another program runs there. */
  readonly label10?: string;
  /** Why it cannot run on this machine, or undefined when it can. */
  missing(root: string): string | undefined;
  /** Work before the launch (building a plugin); its error is reported as why the contestant was not measured. */
  prepare?(context: LaunchContext, progress: (line: string) => void): Promise<void>;
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

/** Transpiled components kept between runs (keyed by content hash), copied into each run's data folder. */
const PLUGIN_CACHE = join(tmpdir(), 'sdn-bench-plugin-cache');

/**
 * examples/learning-switch-plugin-<language>, built with its kit's command (kept
 * by content hash), dropped into the run's plugins folder; its transpiled form
 * goes into the run's compile cache, so the runtime starts without transpiling.
 */
function pluginContestant(id: ContestantId, language: KitLanguage, label: string): Contestant {
  return {
    id,
    label,
    missing: (root) => firstMissing(root, [['runtime/dist/cli/main.js', BUILT]]),
    async prepare(c, progress) {
      progress(`${label}: building ${EXAMPLES[language]} with its kit (kept by content hash)`);
      const built = await buildProject(EXAMPLES[language], language);
      const manifest = JSON.parse(readFileSync(join(built.folder, 'plugin.json'), 'utf8')) as { name: string; component: string };
      const compiled = await new CompileCache(PLUGIN_CACHE).compile(manifest.name, readFileSync(join(built.folder, manifest.component)));
      const cache = join(c.scratch, 'runtime-data', 'plugin-cache');
      mkdirSync(cache, { recursive: true });
      cpSync(compiled.dir, join(cache, compiled.hash), { recursive: true });
      cpSync(built.folder, join(c.scratch, 'plugins', manifest.name), { recursive: true });
    },
    launch: (c) => [{ ...runtimeLaunch(c, []), args: [...runtimeArgs({ ...c, apps: [] }), '--plugins-dir', join(c.scratch, 'plugins')] }],
  };
}

const osken: Contestant = {
  id: 'osken',
  label: 'os-ken (simple_switch_13)',
  label10: 'os-ken (simple_switch_10)',
  missing: (root) => firstMissing(root, [['bench/.venv/bin/python', 'run bash bench/peers/setup.sh']]),
  launch: (c) => [
    {
      role: 'os-ken',
      command: join(c.root, 'bench', '.venv', 'bin', 'python'),
      args: [join(c.root, 'bench', 'peers', c.openflow === '1.0' ? 'osken_simple_switch_10.py' : 'osken_simple_switch_13.py'), '--host', '127.0.0.1', '--port', String(c.openflowPort)],
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
      args: ['-O', c.openflow === '1.0' ? 'OpenFlow10' : 'OpenFlow13', `--unixctl=${join(c.scratch, 'ovs-testcontroller.ctl')}`, `ptcp:${c.openflowPort}:127.0.0.1`],
    },
  ],
};

export const CONTESTANTS: readonly Contestant[] = [
  runtime,
  runtimeTs,
  runtimePy,
  pluginContestant('plugin-ts', 'ts', 'sdn-runtime + TS plugin (learning-switch-plugin-ts)'),
  pluginContestant('plugin-py', 'py', 'sdn-runtime + Python plugin (learning-switch-plugin-py)'),
  pluginContestant('plugin-rs', 'rs', 'sdn-runtime + Rust plugin (learning-switch-plugin-rs)'),
  osken,
  testcontroller,
];
