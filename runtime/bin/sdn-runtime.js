#!/usr/bin/env node
// The installed `sdn-runtime` command: a committed entry point (so npm can link it
// before the TypeScript is built) that loads the compiled CLI.
try {
  await import('../dist/cli/main.js');
} catch (err) {
  if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/main.js')) {
    process.stderr.write('sdn-runtime: the runtime is not built yet; run `npm run build` in the repository first\n');
    process.exit(1);
  }
  throw err;
}
