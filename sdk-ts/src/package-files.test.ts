import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, posix, relative, sep } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * What `npm pack` puts in @sdn-runtime/sdk: the built SDK, without its tests,
 * their support (`testing/` folders, which import dev dependencies such as
 * fast-check) or build state, and nothing that imports a file left out.
 */

/** sdk-ts/, the package root: this file runs as sdk-ts/dist/package-files.test.js. */
const PACKAGE_DIR = dirname(dirname(fileURLToPath(import.meta.url)));

const manifest = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { readonly dependencies?: Record<string, string> };

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

/** Module specifiers of static imports and exports and `import()` in `source`. */
function specifiers(source: string): string[] {
  const patterns = [/\bfrom\s*['"]([^'"]+)['"]/g, /^\s*import\s*['"]([^'"]+)['"]/gm, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  return patterns.flatMap((p) => [...source.matchAll(p)].map((m) => m[1]!));
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

describe('the @sdn-runtime/sdk package', () => {
  const files = packedFiles();

  it('ships no tests, no test support (by location: testing/ folders) and no build state', () => {
    const built = readdirSync(join(PACKAGE_DIR, 'dist'), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => posix.join('dist', relative(join(PACKAGE_DIR, 'dist'), join(entry.parentPath, entry.name)).split(sep).join('/')));
    assert.ok(built.some((f) => f.split('/').includes('testing')), 'no built test support found: build the SDK first (npx tsc -b)');
    const unwanted = [...files].filter((f) => /\.test\./.test(f) || f.split('/').includes('testing') || f.endsWith('.tsbuildinfo'));
    assert.deepEqual(unwanted, []);
  });

  it('every packed module imports only Node built-ins, its dependencies and other packed files', () => {
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
