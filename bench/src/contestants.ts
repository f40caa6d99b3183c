import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompileCache } from '../../runtime/dist/plugins/compile-cache.js';
import { buildProject, EXAMPLES, type KitLanguage } from '../../runtime/dist/plugins/testing/kits.js';

/**
 * The controllers of the learning-switch benchmark and how each is started,
 * listening on 127.0.0.1 only: sdn-runtime with its built-in app, sdn-runtime
 * with the learning-switch example plugin (TypeScript or Python kit) instead,
 * os-ken and ovs-testcontroller.
 */

export const CONTESTANT_IDS = ['runtime', 'plugin-ts', 'plugin-py', 'osken', 'testcontroller'] as const;
export type ContestantId = (typeof CONTESTANT_IDS)[number];

/** The contestants that are sdn-runtime (the rest are peers). */
export const RUNTIME_IDS: readonly ContestantId[] = ['runtime', 'plugin-ts', 'plugin-py'];

export interface LaunchContext {
  readonly root: string;
  readonly openflowPort: number;
  /** Free ports for the runtime's HTTP endpoints and gRPC API. */
  readonly httpPort: number;
  readonly grpcPort: number;
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
  /** Work before the launch (building a plugin); its error is reported as why the contestant was not measured. */
  prepare?(context: LaunchContext, progress: (line: string) => void): Promise<void>;
  launch(context: LaunchContext): Launch;
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => dir !== '' && existsSync(join(dir, command)));
}

const runtimeBuilt = (root: string): string | undefined => (existsSync(join(root, 'runtime', 'dist', 'cli', 'main.js')) ? undefined : 'runtime/dist/cli/main.js is missing: run npx tsc -b');

function serve(c: LaunchContext, extra: readonly string[]): Launch {
  return {
    command: process.execPath,
    args: [
      ...(c.cpuProfDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${c.cpuProfDir}`]),
      join(c.root, 'runtime', 'dist', 'cli', 'main.js'),
      'serve',
      ...extra,
      '--openflow-host', '127.0.0.1',
      '--openflow-port', String(c.openflowPort),
      '--http-host', '127.0.0.1',
      '--http-port', String(c.httpPort),
      '--grpc-host', '127.0.0.1',
      '--grpc-port', String(c.grpcPort),
      '--data-dir', join(c.scratch, 'runtime-data'),
      '--log-level', 'warn',
      '--log-format', 'json',
    ],
  };
}

const runtime: Contestant = {
  id: 'runtime',
  label: 'sdn-runtime (learning-switch)',
  missing: runtimeBuilt,
  launch: (c) => serve(c, ['--app', 'learning-switch']),
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
    missing: runtimeBuilt,
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
    launch: (c) => serve(c, ['--plugins-dir', join(c.scratch, 'plugins')]),
  };
}

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

export const CONTESTANTS: readonly Contestant[] = [
  runtime,
  pluginContestant('plugin-ts', 'ts', 'sdn-runtime + TS plugin (learning-switch-plugin-ts)'),
  pluginContestant('plugin-py', 'py', 'sdn-runtime + Python plugin (learning-switch-plugin-py)'),
  osken,
  testcontroller,
];
