import { SWITCH_EVENT_TYPES, type App, type AppEvent } from '../core/index.js';

/**
 * An in-process app that records every event so a test can wait for one
 * ("switch 1 is up", "switch 2 went down because of echoTimeout") instead of
 * sleeping.
 */
export class EventWatcher implements App {
  readonly name = 'test-event-watcher';
  readonly events: AppEvent[] = [];
  private waiters: { predicate: (e: AppEvent) => boolean; resolve: (e: AppEvent) => void }[] = [];

  start(ctx: Parameters<App['start']>[0]): void {
    ctx.subscribe(SWITCH_EVENT_TYPES, (event) => {
      this.events.push(event);
      const ready = this.waiters.filter((w) => w.predicate(event));
      this.waiters = this.waiters.filter((w) => !w.predicate(event));
      for (const w of ready) w.resolve(event);
    });
  }

  /** The next event (after `since`, an index into `events`) that matches; rejects after `timeoutMs`. */
  waitFor(predicate: (e: AppEvent) => boolean, timeoutMs: number, since = 0): Promise<AppEvent> {
    const seen = this.events.slice(since).find(predicate);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`no matching event within ${timeoutMs} ms; saw: ${this.events.slice(since).map((e) => `${e.type}(${'dpid' in e ? e.dpid.toString(16) : `node ${e.nodeId}`})`).join(', ')}`));
      }, timeoutMs);
      const done = (e: AppEvent): void => {
        clearTimeout(timer);
        resolve(e);
      };
      this.waiters.push({ predicate, resolve: done });
    });
  }
}
