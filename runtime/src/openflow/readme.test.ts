import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/** The folder README names every source file here, and no file that is gone. */

/** runtime/src/openflow: this test runs as runtime/dist/openflow/readme.test.js. */
const SOURCE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'openflow');

describe('openflow/README.md', () => {
  const readme = readFileSync(join(SOURCE_DIR, 'README.md'), 'utf8');
  const named = new Set([...readme.matchAll(/`([a-z0-9-]+(?:\.[a-z]+)*\.ts)`/g)].map((m) => m[1]!));

  it('names every source file of the folder', () => {
    const sources = readdirSync(SOURCE_DIR).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    assert.ok(sources.includes('codec.ts'), `no sources found in ${SOURCE_DIR}`);
    const missing = sources.filter((f) => !named.has(f));
    assert.deepEqual(missing, []);
  });

  it('names no file that does not exist', () => {
    const gone = [...named].filter((f) => !existsSync(join(SOURCE_DIR, f)));
    assert.deepEqual(gone, []);
  });
});
