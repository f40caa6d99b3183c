import { existsSync, watch, type FSWatcher } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * Watches a plugins folder (each plugin a subfolder with plugin.json and its
 * .wasm) and reports a subfolder once its files have been quiet for `debounceMs`
 * — a copy in progress fires many events, and loading validates anyway, so a
 * half-copied component is rejected and retried on the next change.
 */
export class PluginsDirWatcher {
  private readonly dir: string;
  private readonly debounceMs: number;
  private readonly onSettled: (folder: string, hasManifest: boolean) => void;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private watcher: FSWatcher | undefined;

  constructor(dir: string, debounceMs: number, onSettled: (folder: string, hasManifest: boolean) => void) {
    this.dir = dir;
    this.debounceMs = debounceMs;
    this.onSettled = onSettled;
  }

  start(): void {
    this.watcher = watch(this.dir, { recursive: true }, (_event, file) => {
      if (file === null) return;
      const top = relative('.', file).split(sep)[0];
      if (top === undefined || top === '' || top.startsWith('.')) return;
      this.touch(join(this.dir, top));
    });
  }

  stop(): void {
    this.watcher?.close();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private touch(folder: string): void {
    clearTimeout(this.timers.get(folder));
    this.timers.set(
      folder,
      setTimeout(() => {
        this.timers.delete(folder);
        this.onSettled(folder, existsSync(join(folder, 'plugin.json')));
      }, this.debounceMs),
    );
  }
}
