import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The repository root (tests run from runtime/dist/plugins/testing). */
export const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
export const KITS = { ts: join(REPO, 'kits', 'typescript'), py: join(REPO, 'kits', 'python'), rs: join(REPO, 'kits', 'rust') } as const;
export const EXAMPLES = {
  ts: join(REPO, 'examples', 'learning-switch-plugin-ts'),
  py: join(REPO, 'examples', 'learning-switch-plugin-py'),
  rs: join(REPO, 'examples', 'learning-switch-plugin-rs'),
} as const;
export type KitLanguage = keyof typeof KITS;

/** Where built kit projects are kept (plugin rigs may load from it). */
export const CACHE = join(tmpdir(), 'sdn-runtime-test-kits');
/** One venv with the pinned componentize-py for every Python build of a test run (build.py checks its version). */
export const TEST_VENV = join(CACHE, 'venv');
const SKIPPED = new Set(['node_modules', 'build', 'dist', '.venv', '__pycache__', 'target']);
const run = promisify(execFile);

/** Every file of a plugin project but its build output, relative path -> bytes. */
export function projectFiles(dir: string, root = dir): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (SKIPPED.has(e.name)) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) for (const [k, v] of projectFiles(path, root)) files.set(k, v);
    else files.set(relative(root, path), readFileSync(path));
  }
  return files;
}

/**
 * The CARGO_TARGET_DIR every Rust build of the tests shares, so std (built from
 * source: ~2 min on 2 cores) and the dependencies are built once per toolchain.
 * Keyed by the toolchain's version, the project's cargo config and the registry
 * packages of its Cargo.lock (the projects differ only in their own entry).
 */
export async function rustTargetDir(project: string): Promise<string> {
  const hash = createHash('sha256');
  const rustc = await run('/usr/bin/rustc', ['-vV']).then(
    (r) => r.stdout,
    () => 'no rustc',
  );
  hash.update(rustc).update('\0').update(readFileSync(join(project, '.cargo', 'config.toml')));
  for (const entry of readFileSync(join(project, 'Cargo.lock'), 'utf8').split('\n\n')) if (entry.includes('\nsource = ')) hash.update(entry);
  return join(CACHE, `rust-target-${hash.digest('hex').slice(0, 16)}`);
}

/**
 * Builds a plugin project with its kit's one command (`npm run build`,
 * `python3 build.py`, `./build.sh`) into a folder under the OS temp dir, keyed by the hash of
 * the project's files, and returns the built plugin folder (plugin.json +
 * plugin.wasm). A project built before (by any test file of this or an earlier
 * run) is not built again.
 */
export async function buildProject(project: string, language: KitLanguage): Promise<{ folder: string; cached: boolean; seconds: number }> {
  const hash = createHash('sha256');
  for (const [path, bytes] of [...projectFiles(project)].sort(([a], [b]) => a.localeCompare(b))) hash.update(path).update('\0').update(bytes);
  const out = join(CACHE, `${language}-${hash.digest('hex').slice(0, 16)}`);
  const name = (JSON.parse(readFileSync(join(project, 'plugin.json'), 'utf8')) as { name: string }).name;
  const folder = join(out, name);
  if (existsSync(join(folder, 'plugin.json'))) return { folder, cached: true, seconds: 0 };
  const started = performance.now();
  try {
    if (language === 'ts') await run('npm', ['run', '--silent', 'build', '--', '--out', out], { cwd: project });
    else if (language === 'py') await run('python3', [join(project, 'build.py'), '--out', out], { cwd: project, env: { ...process.env, SDN_PLUGIN_VENV: TEST_VENV } });
    else await run('bash', [join(project, 'build.sh'), '--out', out], { cwd: project, env: { ...process.env, CARGO_TARGET_DIR: await rustTargetDir(project) } });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`building ${project} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`, { cause: err });
  }
  return { folder, cached: false, seconds: (performance.now() - started) / 1000 };
}
