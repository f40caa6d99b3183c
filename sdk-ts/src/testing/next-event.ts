import type { SdnApp } from '../client/app.js';
import type { EventType, SdnEvent } from '../convert/events.js';

/**
 * The next event of `type` that `pred` accepts, from an iterator opened by this
 * call (so call it before what causes the event); rejects after `timeoutMs`, and
 * closes the iterator either way.
 */
export function nextEvent<T extends EventType>(app: SdnApp, type: T, pred: (e: Extract<SdnEvent, { type: T }>) => boolean, timeoutMs: number): Promise<Extract<SdnEvent, { type: T }>> {
  const events = app.events(type);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no matching ${type} within ${timeoutMs} ms`)), timeoutMs);
  });
  const found = (async () => {
    for await (const e of events) if (pred(e)) return e;
    throw new Error(`the event stream ended before a matching ${type}`);
  })();
  return Promise.race([found, timeout]).finally(() => {
    clearTimeout(timer);
    void events.return?.();
  });
}
