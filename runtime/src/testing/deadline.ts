import { Worker } from 'node:worker_threads';

/**
 * Runs a synchronous check in a worker thread and fails when it has not finished
 * within `ms`. An endless loop in synchronous code cannot be timed out in-process:
 * node:test's `timeout` only fires when the event loop gets control, so a decoder
 * that stops advancing would hang the whole run instead of failing one test.
 *
 * The check is the export `name` of the ES module at `moduleUrl` (a function with
 * no arguments that throws on failure). The returned promise rejects with the
 * check's error message (e.g. fast-check's counterexample) or with a deadline error.
 */
export function runWithDeadline(moduleUrl: string, name: string, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./deadline-worker.js', import.meta.url), { workerData: { moduleUrl, name } });
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`${name} did not finish within ${ms} ms: something does not terminate`));
    }, ms);
    worker.once('message', (result: { readonly ok: boolean; readonly message: string }) => {
      clearTimeout(timer);
      void worker.terminate();
      if (result.ok) resolve();
      else reject(new Error(`${name}: ${result.message}`));
    });
    worker.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}
