import { WIT_WORLD_VERSIONS, witEventKindsOf, type WitWorldVersion } from '../core/event-kinds.js';
import { PluginLoadError } from './errors.js';
import type { PluginManifest } from './manifest.js';

/**
 * Which version of the `sdn:plugin` world a component was built for, read from
 * the names of its top-level imports (`sdn:plugin/types@0.1.0`). The transpiler
 * drops the versions from the names it reports, so the binary is read here: only
 * the section headers and the import section, every length checked against the
 * bytes. Pure: bytes in, a version or a reason out.
 *
 * Every component of the world imports `sdn:plugin/types` (its exports use that
 * interface's types), so a component without any versioned `sdn:plugin/` import
 * was not built for the world.
 */
export type WorldVersionResult = { readonly ok: true; readonly version: WitWorldVersion } | { readonly ok: false; readonly reason: string };

const PREAMBLE_LEN = 8;
const IMPORT_SECTION = 0x0a;
const PACKAGE = 'sdn:plugin/';
/** Names longer than this are not ours; the reason quotes at most this much. */
const MAX_NAME = 256;

class Cursor {
  pos: number;
  constructor(
    readonly bytes: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  u8(): number {
    if (this.pos >= this.end) throw new RangeError('truncated');
    return this.bytes[this.pos++]!;
  }

  /** An unsigned LEB128 of at most 32 bits. */
  u32(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.u8();
      value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) {
        if (value > 0xffffffff) throw new RangeError('a u32 over 32 bits');
        return value;
      }
    }
    throw new RangeError('a u32 longer than 5 bytes');
  }

  /** A signed LEB128 (valtype indices are s33): only skipped. */
  skipLeb(): void {
    for (let n = 0; n < 10; n++) if ((this.u8() & 0x80) === 0) return;
    throw new RangeError('a LEB128 longer than 10 bytes');
  }

  string(): string {
    const len = this.u32();
    if (len > this.end - this.pos) throw new RangeError('a name past its section');
    const s = Buffer.from(this.bytes.buffer, this.bytes.byteOffset + this.pos, Math.min(len, MAX_NAME)).toString('utf8');
    this.pos += len;
    return s;
  }
}

/** Skips one `externdesc` of the component binary format. */
function skipExternDesc(c: Cursor): void {
  const sort = c.u8();
  switch (sort) {
    case 0x00: // core module: 0x11 and a type index
      if (c.u8() !== 0x11) throw new RangeError('a core-module import without 0x11');
      c.u32();
      return;
    case 0x01: // func
    case 0x04: // component
    case 0x05: // instance
      c.u32();
      return;
    case 0x02: // value: an index, or a valtype
      if (c.u8() === 0x00) c.u32();
      else c.skipLeb();
      return;
    case 0x03: // type: eq an index, or a fresh resource
      if (c.u8() === 0x00) c.u32();
      return;
    default:
      throw new RangeError(`an import of unknown sort 0x${sort.toString(16)}`);
  }
}

/** The names of the component's top-level imports. @throws RangeError for bytes that do not follow the format. */
function importNames(bytes: Uint8Array): string[] {
  const names: string[] = [];
  const top = new Cursor(bytes, PREAMBLE_LEN, bytes.length);
  while (top.pos < top.end) {
    const id = top.u8();
    const size = top.u32();
    if (size > top.end - top.pos) throw new RangeError(`section ${id} is longer than the component`);
    if (id === IMPORT_SECTION) {
      const c = new Cursor(bytes, top.pos, top.pos + size);
      for (let n = c.u32(); n > 0; n--) {
        const form = c.u8();
        if (form !== 0x00 && form !== 0x01) throw new RangeError(`an import name of form 0x${form.toString(16)}`);
        names.push(c.string());
        // Form 0x01 carries a second string (a version suffix, or a URL in older encoders).
        if (form === 0x01) c.string();
        skipExternDesc(c);
      }
    }
    top.pos += size;
  }
  return names;
}

/** The world version of a component (its bytes, preamble already checked). */
export function worldVersion(bytes: Uint8Array): WorldVersionResult {
  let names: string[];
  try {
    names = importNames(bytes);
  } catch (err) {
    return { ok: false, reason: `its import section cannot be read (${(err as Error).message})` };
  }
  const versions = new Set(names.filter((n) => n.startsWith(PACKAGE) && n.includes('@')).map((n) => n.slice(n.indexOf('@') + 1)));
  if (versions.size === 0) return { ok: false, reason: `it imports no ${PACKAGE} interface with a version (imports: ${names.join(', ') || 'none'})` };
  if (versions.size > 1) return { ok: false, reason: `it imports interfaces of several ${PACKAGE} versions (${[...versions].join(', ')})` };
  const [version] = versions;
  if (!(WIT_WORLD_VERSIONS as readonly string[]).includes(version!)) {
    return { ok: false, reason: `it is built for sdn:plugin@${version}; this host runs ${WIT_WORLD_VERSIONS.join(' and ')}` };
  }
  return { ok: true, version: version as WitWorldVersion };
}

/**
 * The adapter's one rule for older worlds: a component gets only events its
 * world's `event` variant has (a 0.1.0 guest could not decode a link-up), so a
 * manifest that subscribes to a newer kind is refused at load rather than left
 * waiting for events that never come. Its commands need nothing: every 0.1.0
 * command is a 0.2.0 command.
 * @throws PluginLoadError 'wrongWorld'
 */
export function checkKindsOfWorld(manifest: PluginManifest, world: WitWorldVersion): void {
  const known = witEventKindsOf(world);
  const newer = [...manifest.subscriptions.kinds].filter((k) => !known.has(k));
  if (newer.length === 0) return;
  throw new PluginLoadError(manifest.name, 'wrongWorld', `subscriptions.kinds names ${newer.join(', ')}, which components built for sdn:plugin@${world} cannot receive; rebuild the plugin with a kit of sdn:plugin@0.2.0`);
}
