import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, posix, relative, sep } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * What `npm pack` puts in the sdn-runtime package: the built runtime, not its
 * tests or their support (which import dev dependencies such as fast-check that
 * an installed package does not have), and nothing that imports a file left out.
 */

/** runtime/, the package root: this file runs as runtime/dist/package-files.test.js. */
const PACKAGE_DIR = dirname(dirname(fileURLToPath(import.meta.url)));

interface PackageJson {
  readonly dependencies?: Record<string, string>;
  readonly bin?: Record<string, string>;
  readonly exports?: Record<string, string>;
}

const manifest = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as PackageJson;

function packedFiles(): Set<string> {
  let out: string;
  try {
    out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: PACKAGE_DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (err) {
    throw new Error(`\`npm pack --dry-run\` failed in ${PACKAGE_DIR} (npm is needed for this test)`, { cause: err });
  }
  const [pack] = JSON.parse(out) as { files: { path: string }[] }[];
  assert.ok(pack !== undefined, 'npm pack listed no package');
  return new Set(pack.files.map((f) => f.path));
}

/** Module specifiers of static imports and exports, side-effect imports and `import()` in `source`. */
function specifiers(source: string): string[] {
  const patterns = [/\bfrom\s*['"]([^'"]+)['"]/g, /^\s*import\s*['"]([^'"]+)['"]/gm, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  return patterns.flatMap((p) => [...source.matchAll(p)].map((m) => m[1]!));
}

/** `@scope/name` or `name` of a bare specifier (`pino/file` -> `pino`). */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/**
 * Test code by location: a `*.test.*` file, anything under a `testing/` folder,
 * and `dist/e2e/` (the end-to-end tests and their shared support).
 */
function isTestOnly(file: string): boolean {
  const parts = file.split('/');
  return /\.test\./.test(file) || parts.includes('testing') || file.startsWith('dist/e2e/');
}

/** Paths under `dir`, relative, with `/` separators. */
function builtFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'));
}

describe('the npm package', () => {
  const files = packedFiles();

  it('ships the built runtime: its bin and exports are in it', () => {
    const entries = [...Object.values(manifest.bin ?? {}), ...Object.values(manifest.exports ?? {})].map((p) => posix.normalize(p));
    assert.ok(entries.length > 0);
    for (const entry of entries) assert.ok(files.has(entry), `${entry} is not packed`);
  });

  it("ships the web view's page, and cytoscape (which it serves from node_modules) as a runtime dependency", () => {
    for (const asset of readdirSync(join(PACKAGE_DIR, 'web-assets'))) assert.ok(files.has(`web-assets/${asset}`), `web-assets/${asset} is not packed`);
    assert.ok(Object.keys(manifest.dependencies ?? {}).includes('cytoscape'), 'cytoscape is not a dependency: an installed package could not serve the page');
  });

  it('ships no tests, no test support and no build state', () => {
    const unwanted = [...files].filter((f) => isTestOnly(f) || f.endsWith('.tsbuildinfo'));
    assert.deepEqual(unwanted, []);
  });

  it('leaves out test support by location: every built file under a testing/ folder', () => {
    const built = builtFiles(join(PACKAGE_DIR, 'dist')).map((f) => posix.join('dist', f));
    const support = built.filter((f) => f.split('/').includes('testing'));
    assert.ok(support.some((f) => f.startsWith('dist/openflow/testing/')), 'no built test support found: build the runtime first (npx tsc -b)');
    assert.deepEqual(support.filter((f) => files.has(f)), []);
  });

  it('every packed module imports only Node built-ins, runtime dependencies and other packed files', () => {
    const dependencies = new Set(Object.keys(manifest.dependencies ?? {}));
    const problems: string[] = [];
    for (const file of files) {
      const isTypes = file.endsWith('.d.ts');
      if (!isTypes && !file.endsWith('.js')) continue;
      for (const specifier of specifiers(readFileSync(join(PACKAGE_DIR, file), 'utf8'))) {
        if (isBuiltin(specifier)) continue;
        if (specifier.startsWith('.')) {
          const target = posix.join(posix.dirname(file), isTypes ? specifier.replace(/\.js$/, '.d.ts') : specifier);
          if (!files.has(target)) problems.push(`${file} imports ${specifier}, which is not packed`);
        } else if (!dependencies.has(packageName(specifier))) {
          problems.push(`${file} imports ${specifier}, which is not a dependency of the package`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });
});
