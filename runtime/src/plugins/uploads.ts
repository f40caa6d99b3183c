import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { PluginManifest } from './manifest.js';

/**
 * Plugins sent over the API (manifest text + component bytes) as folders the
 * manager loads like any other: `<dir>/<name>/<hash>/plugin.json` and the
 * component, where `hash` covers both, so the same upload lands in the same
 * folder. Only the folder of the version in use is kept (`prune`). Uploads
 * live outside the plugins folder: the watcher never sees them, and they do
 * not come back after a restart.
 */
export class PluginUploads {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  /**
   * Writes the plugin.json text and the component of the plugin `manifest`
   * describes (parsed from `text`); returns the path of the written plugin.json.
   * A folder appears complete or not at all (written aside, then renamed).
   */
  async write(manifest: PluginManifest, text: string, component: Uint8Array): Promise<string> {
    const hash = createHash('sha256').update(text).update('\0').update(component).digest('hex').slice(0, 16);
    const folder = join(this.dir, manifest.name, hash);
    const manifestPath = join(folder, 'plugin.json');
    if (existsSync(manifestPath)) return manifestPath;
    const tmp = join(this.dir, manifest.name, `.tmp-${hash}-${process.pid}-${Date.now()}`);
    await mkdir(tmp, { recursive: true });
    await writeFile(join(tmp, basename(manifest.componentPath)), component);
    await writeFile(join(tmp, 'plugin.json'), text);
    await rm(folder, { recursive: true, force: true });
    await rename(tmp, folder);
    return manifestPath;
  }

  /** Removes every uploaded version of `name` but the one whose plugin.json is `keep` (if it is an upload). */
  async prune(name: string, keep: string | undefined): Promise<void> {
    const root = join(this.dir, name);
    if (!existsSync(root)) return;
    const kept = keep === undefined ? undefined : dirname(keep);
    const entries = await readdir(root);
    await Promise.all(entries.map((e) => join(root, e)).filter((folder) => folder !== kept).map((folder) => rm(folder, { recursive: true, force: true })));
    if (kept === undefined || dirname(kept) !== root) await rm(root, { recursive: true, force: true });
  }
}
