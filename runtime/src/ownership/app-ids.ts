import { MAX_APP_ID, RUNTIME_APP_ID } from './cookie.js';
import { OwnershipError } from './errors.js';

/**
 * App name -> app id, for the life of the runtime process. An id is derived from
 * the name (FNV-1a, 16 bits), so the same app gets the same id after it restarts
 * and after the runtime restarts, and finds the flows it left on a switch that
 * kept them. Two names that hash alike: the second one to arrive takes the next
 * free id (then its id depends on arrival order: pin it in the config if that
 * matters). An id is never taken back while the process runs, so a stale flow
 * can never be attributed to a different app. Not thread-safe (one event loop).
 */
export class AppIds {
  private readonly byName = new Map<string, number>();
  private readonly byId = new Map<number, string>();

  /**
   * Gives `name` the id `id` before anyone asks for it (config, manifest).
   * @throws OwnershipError `appIds` when the id is out of 1..65534 or held by another name.
   */
  pin(name: string, id: number): void {
    if (!Number.isInteger(id) || id <= RUNTIME_APP_ID || id > MAX_APP_ID) throw new OwnershipError('appIds', name, `app id ${id} is outside 1..${MAX_APP_ID}`);
    const holder = this.byId.get(id);
    const current = this.byName.get(name);
    if (holder === name) return;
    if (holder !== undefined) throw new OwnershipError('appIds', name, `app id ${id} already belongs to app ${holder}`);
    if (current !== undefined) throw new OwnershipError('appIds', name, `already has app id ${current}`);
    this.byName.set(name, id);
    this.byId.set(id, name);
  }

  /**
   * The id of `name`, given now if it has none.
   * @throws OwnershipError `appIds` when all 65,534 ids are taken.
   */
  idFor(name: string): number {
    const known = this.byName.get(name);
    if (known !== undefined) return known;
    if (this.byId.size >= MAX_APP_ID) throw new OwnershipError('appIds', name, `every one of the ${MAX_APP_ID} app ids is taken`);
    let id = preferredAppId(name);
    while (this.byId.has(id)) id = id === MAX_APP_ID ? 1 : id + 1;
    this.byName.set(name, id);
    this.byId.set(id, name);
    return id;
  }

  /** The name that holds `id`, if any. */
  nameOf(id: number): string | undefined {
    return this.byId.get(id);
  }
}

/** The id `name` gets unless another name holds it: FNV-1a of its UTF-8 bytes folded to 1..65534. */
export function preferredAppId(name: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(name, 'utf8')) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return 1 + (((hash >>> 16) ^ (hash & 0xffff)) % MAX_APP_ID);
}
