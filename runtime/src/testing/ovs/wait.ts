import { setTimeout as delay } from 'node:timers/promises';
import { OvsHarnessError } from './errors.js';

/**
 * Polls `probe` until it returns a value other than undefined, or throws an
 * OvsHarnessError naming `what` once `deadlineMs` has passed. This waits on the
 * condition itself (a daemon answering, an ofport assigned); the short pause
 * between probes only keeps the poll from spinning a core.
 */
export async function waitFor<T>(
  what: string,
  deadlineMs: number,
  probe: () => Promise<T | undefined>,
  describeLast: () => string = () => '',
): Promise<T> {
  const giveUpAt = Date.now() + deadlineMs;
  let pauseMs = 5;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= giveUpAt) {
      const last = describeLast();
      throw new OvsHarnessError(`timed out after ${deadlineMs} ms waiting for ${what}${last ? `: ${last}` : ''}`);
    }
    await delay(pauseMs);
    pauseMs = Math.min(pauseMs * 2, 100);
  }
}
