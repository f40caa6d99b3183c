import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { PluginLoadError } from './errors.js';

/** Default cap on a component file: a QuickJS or Python component (about 18 MiB) fits with room to spare. */
export const DEFAULT_MAX_COMPONENT_BYTES = 64 * 1024 * 1024;
/** Cap on a plugin.json: a manifest is a few hundred bytes; its `config` may be bigger, not megabytes. */
export const MAX_MANIFEST_BYTES = 1024 * 1024;

/**
 * Where the runtime reads plugin files from, and how. Paths given by a client
 * (`Plugins.Load`, the CLI) name files on the runtime's machine, so every read
 * is confined to the allowed folders after symlinks and `..` are resolved
 * (realpath), touches regular files only, is opened with O_NONBLOCK and checked
 * with fstat before any byte is read (a FIFO or a character device never
 * occupies a thread-pool thread), and is capped in size. Errors name the path
 * the client gave, never the file's content, and a path outside the allowed
 * folders gets the same answer whether or not it exists.
 */
export class PluginFiles {
  /** The allowed folders, as given (absolute). */
  readonly roots: readonly string[];
  readonly maxComponentBytes: number;

  constructor(roots: readonly string[], maxComponentBytes = DEFAULT_MAX_COMPONENT_BYTES) {
    this.roots = roots.map((r) => resolve(r));
    this.maxComponentBytes = maxComponentBytes;
  }

  /**
   * The real path of `path` (absolute, or relative to the working directory),
   * checked to lie inside an allowed folder.
   * @throws PluginLoadError 'outside' (whether or not it exists) or 'unreadable' (not found inside).
   */
  async confine(plugin: string, path: string): Promise<string> {
    const lexical = resolve(path);
    const roots = await this.realRoots();
    if (!this.roots.some((r) => within(lexical, r)) && !roots.some((r) => within(lexical, r))) throw this.outside(plugin, path);
    let real: string;
    try {
      real = await realpath(lexical);
    } catch (err) {
      // A missing file behind a symlink that leaves the folders must look like any outside path.
      if (!(await this.existingAncestorInside(lexical, roots))) throw this.outside(plugin, path);
      throw new PluginLoadError(plugin, 'unreadable', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'} (no such file or folder)`);
    }
    if (!roots.some((r) => within(real, r))) throw this.outside(plugin, path);
    return real;
  }

  /**
   * Reads a whole regular file of at most `maxBytes`, without blocking on
   * anything that is not one. `path` should come from `confine`.
   * @throws PluginLoadError 'unreadable' or 'tooBig'
   */
  async read(plugin: string, path: string, maxBytes: number, shown = path): Promise<Buffer> {
    let handle;
    try {
      handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
    } catch (err) {
      throw new PluginLoadError(plugin, 'unreadable', `cannot read ${shown}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) throw new PluginLoadError(plugin, 'unreadable', `${shown} is not a regular file`);
      if (stat.size > maxBytes) throw new PluginLoadError(plugin, 'tooBig', `${shown} has ${stat.size} bytes; the limit is ${maxBytes}`);
      // One byte more than the size, to see a file that grows while it is read.
      const buffer = Buffer.alloc(stat.size + 1);
      let filled = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
        if (filled > maxBytes || filled === buffer.length) throw new PluginLoadError(plugin, 'unreadable', `${shown} changed while it was read`);
      }
      return buffer.subarray(0, filled);
    } catch (err) {
      if (err instanceof PluginLoadError) throw err;
      throw new PluginLoadError(plugin, 'unreadable', `cannot read ${shown}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    } finally {
      await handle.close();
    }
  }

  private async realRoots(): Promise<string[]> {
    const real = await Promise.all(this.roots.map((r) => realpath(r).catch(() => undefined)));
    return real.filter((r): r is string => r !== undefined);
  }

  private async existingAncestorInside(path: string, roots: readonly string[]): Promise<boolean> {
    for (let p = dirname(path); ; p = dirname(p)) {
      const real = await realpath(p).catch(() => undefined);
      if (real !== undefined) return roots.some((r) => within(real, r));
      if (dirname(p) === p) return false;
    }
  }

  private outside(plugin: string, path: string): PluginLoadError {
    return new PluginLoadError(plugin, 'outside', `${path} is not inside a folder plugins may be loaded from (${this.roots.join(', ')}); an administrator may allow more with --plugin-load-dirs`);
  }
}

function within(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}
