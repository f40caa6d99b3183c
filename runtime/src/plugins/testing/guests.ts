import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { componentize } from 'componentize-qjs';

/** wit/plugin.wit of the repository (tests run from runtime/dist). */
export const WIT_PATH = fileURLToPath(new URL('../../../../wit/plugin.wit', import.meta.url));
const GUESTS = fileURLToPath(new URL('../../../src/plugins/testing/guests/', import.meta.url));
const BUILD_CACHE = join(tmpdir(), 'sdn-runtime-test-guests');

/**
 * Builds a test guest (runtime/src/plugins/testing/guests/<name>.js) into a
 * component with componentize-qjs, as `jco componentize --backend quickjs
 * --backend-qjs-disable-async --backend-qjs-stub-wasi` does. Builds are kept by
 * the hash of source, WIT and builder, so test files share them.
 */
export async function buildGuest(name: string, wit = WIT_PATH): Promise<Uint8Array> {
  const source = readFileSync(join(GUESTS, `${name}.js`), 'utf8');
  const key = createHash('sha256').update(source).update(readFileSync(wit)).update('componentize-qjs@0.4.5 sync stub-wasi').digest('hex');
  const file = join(BUILD_CACHE, `${name}-${key.slice(0, 16)}.wasm`);
  if (existsSync(file)) return readFileSync(file);
  const { component } = await componentize({ witPath: wit, jsSource: source, stubWasi: true, sync: true });
  mkdirSync(BUILD_CACHE, { recursive: true });
  writeFileSync(`${file}.tmp-${process.pid}`, component);
  renameSync(`${file}.tmp-${process.pid}`, file);
  return component;
}

/** Writes a plugin folder: plugin.json (with `component` set) and the component. */
export function writePlugin(dir: string, manifest: Record<string, unknown>, component: Uint8Array, file = 'plugin.wasm'): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, file), component);
  writeFileSync(join(dir, 'plugin.json'), JSON.stringify({ component: file, ...manifest }, null, 2));
  return dir;
}

/**
 * The batch deadline of test guests in tests that do not test the deadline: a
 * fault there would drop the event the test waits for. (The deadline counts the
 * guest's CPU time, thread-cpu.ts, but is capped at 20x in wall time; the kits
 * and examples keep their 100 ms and are tested as shipped.)
 */
export const TEST_DEADLINE_MS = 10_000;
