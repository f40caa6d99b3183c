#!/usr/bin/env node
// Creates a new plugin project from this kit: node tools/new.mjs <name> [folder]
// (folder defaults to ./<name>). The project gets the kit's SDK (src/sdk), build
// tool, WIT and the hub plugin as a starting point, renamed to <name>.
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { URL, fileURLToPath } from 'node:url';

const NAME = /^[a-z][a-z0-9-]{0,62}$/;
const KIT = fileURLToPath(new URL('..', import.meta.url));
const COPIED = ['package.json', 'plugin.json', 'tsconfig.json', '.gitignore', 'src', 'tools', 'wit'];

function fail(message) {
  process.stderr.write(`new: ${message}\n`);
  process.exit(1);
}

const [name, folder, extra] = process.argv.slice(2);
if (name === undefined || extra !== undefined) fail('usage: node tools/new.mjs <name> [folder]');
if (!NAME.test(name)) fail(`"${name}" is not a plugin name: lowercase letters, digits and '-', starting with a letter`);
const target = resolve(folder ?? name);
if (existsSync(target) && readdirSync(target).length > 0) fail(`${target} exists and is not empty`);

for (const entry of COPIED) cpSync(join(KIT, entry), join(target, entry), { recursive: true });
const rewrite = (file, change) => {
  const path = join(target, file);
  writeFileSync(path, `${JSON.stringify(change(JSON.parse(readFileSync(path, 'utf8'))), null, 2)}\n`);
};
rewrite('package.json', (p) => ({ ...p, name: `sdn-plugin-${name}` }));
rewrite('plugin.json', (m) => ({ ...m, name }));
process.stdout.write(`created ${target}\nnext: cd ${target} && npm install && npm run build   (output: dist/${name}/)\n`);
