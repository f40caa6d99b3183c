import { readFileSync } from 'node:fs';

/**
 * File descriptors kept free of switch connections for everything else the
 * runtime opens: gRPC and HTTP clients, the store, plugin workers, log files.
 * With 1,100 idle OpenFlow connections and a 1,024 limit, the API and /healthz
 * were locked out (hostile finding 10); switches now stop short of the limit.
 */
export const SWITCH_FD_RESERVE = 256;

/** The soft "Max open files" of a /proc/<pid>/limits text; undefined when absent or "unlimited". */
export function parseOpenFileLimit(limitsText: string): number | undefined {
  const line = limitsText.split('\n').find((l) => l.startsWith('Max open files'));
  const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
  const n = Number(soft);
  return soft === undefined || !Number.isInteger(n) || n <= 0 ? undefined : n;
}

/** This process's open-file limit, where the system tells it (Linux); undefined elsewhere. */
export function openFileLimit(): number | undefined {
  try {
    return parseOpenFileLimit(readFileSync('/proc/self/limits', 'utf8'));
  } catch {
    // No procfs (macOS, Windows): the configured limit stands as it is.
    return undefined;
  }
}

/** The switch connection limit to use: `configured`, lowered to leave SWITCH_FD_RESERVE descriptors free (never below 1). */
export function switchConnectionBudget(configured: number, fdLimit: number | undefined): number {
  if (fdLimit === undefined) return configured;
  return Math.max(1, Math.min(configured, fdLimit - SWITCH_FD_RESERVE));
}
