/**
 * A writer that runs at most once per `intervalMs`: `write(failures)` gets how
 * many calls there were since its last run, this one included. For conditions
 * that can repeat many times a second (an unreachable etcd, a flood of bad
 * input): each is counted by its metric, and the log gets one line a minute.
 * Main thread only.
 */
export function oncePer(intervalMs: number, write: (failures: number) => void, now: () => number = Date.now): () => void {
  let failures = 0;
  let lastWrittenMs = -Infinity;
  return () => {
    failures++;
    const at = now();
    if (at - lastWrittenMs < intervalMs) return;
    lastWrittenMs = at;
    write(failures);
    failures = 0;
  };
}
