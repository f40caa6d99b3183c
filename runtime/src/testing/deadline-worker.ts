import { parentPort, workerData } from 'node:worker_threads';

/**
 * Worker entry of `runWithDeadline` (deadline.ts): imports the module, runs the
 * named check once and reports success or the error message to the parent.
 */
const { moduleUrl, name } = workerData as { readonly moduleUrl: string; readonly name: string };
const checks = (await import(moduleUrl)) as Record<string, unknown>;
const check = checks[name];
try {
  if (typeof check !== 'function') throw new Error(`${moduleUrl} has no export ${name}`);
  check();
  parentPort!.postMessage({ ok: true, message: '' });
} catch (err) {
  parentPort!.postMessage({ ok: false, message: err instanceof Error ? err.message : String(err) });
}
