import type { Logger } from 'pino';
import type { AppScope } from '../../core/index.js';

/**
 * API clients' hold on their flows (docs/apps-sharing-a-switch.md): while a
 * stream of an app is open its flows stay; when the last one ends, a timer of
 * `graceMs` starts, and unless a stream of the same app comes back before it
 * fires, the app's flows are deleted (one confined delete per switch). A
 * client that reconnects in time (a restart, a network blip) keeps its flows.
 * Runner code (timers); main thread only.
 */
export class AppLeases {
  private readonly streams = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly graceMs: number;
  private readonly log: Logger;

  constructor(graceMs: number, log: Logger) {
    this.graceMs = graceMs;
    this.log = log;
  }

  /** A stream of `scope`'s app is open; returns what to call when it ends (once). */
  hold(scope: AppScope): () => void {
    clearTimeout(this.timers.get(scope.name));
    this.timers.delete(scope.name);
    this.streams.set(scope.name, (this.streams.get(scope.name) ?? 0) + 1);
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      const left = this.streams.get(scope.name)! - 1;
      if (left > 0) {
        this.streams.set(scope.name, left);
        return;
      }
      this.streams.delete(scope.name);
      const timer = setTimeout(() => this.expire(scope), this.graceMs);
      // A pending removal does not keep the process alive; stopping the runtime keeps the flows (switches keep forwarding).
      timer.unref();
      this.timers.set(scope.name, timer);
    };
  }

  /** Cancels every pending removal (the runtime is stopping: flows stay on the switches). */
  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private expire(scope: AppScope): void {
    this.timers.delete(scope.name);
    void scope.removeFlows().then((failures) => {
      if (failures.length === 0) this.log.info({ app: scope.name, graceMs: this.graceMs }, 'API app gone for its grace period: its flows were deleted');
      else this.log.warn({ app: scope.name, failures: failures.map(String) }, 'API app gone for its grace period: deleting its flows failed on some switches');
    });
  }
}
