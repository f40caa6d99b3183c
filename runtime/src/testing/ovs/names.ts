import { randomBytes } from 'node:crypto';
import { OvsHarnessError } from './errors.js';

/**
 * Naming of everything a harness creates in the machine's shared name spaces
 * (network namespaces, root-namespace interfaces, the bridges' tap devices).
 *
 * Every such name starts with the harness prefix `ot` + 4 hex digits, so the
 * leftovers of a crashed run (or of a run in parallel) can be told apart and
 * removed by prefix. Linux caps interface names at 15 bytes (IFNAMSIZ - 1).
 */

export const PREFIX_PATTERN = /^ot[0-9a-f]{4}$/;
const MAX_IFNAME = 15;
const USER_NAME = /^[a-z0-9]+$/;

export function newPrefix(): string {
  return `ot${randomBytes(2).toString('hex')}`;
}

/**
 * `prefix` + `parts` joined with '-', checked to fit an interface name.
 * @throws OvsHarnessError when a part is not lowercase letters/digits, or the
 *   result is longer than 15 bytes (it names the offending name and the limit).
 */
export function scopedName(prefix: string, ...parts: string[]): string {
  for (const part of parts) {
    if (!USER_NAME.test(part)) {
      throw new OvsHarnessError(`name ${JSON.stringify(part)}: use lowercase letters and digits only`);
    }
  }
  const name = prefix + parts.join('-');
  if (name.length > MAX_IFNAME) {
    throw new OvsHarnessError(
      `name ${JSON.stringify(parts.join('-'))} is too long: with the harness prefix it becomes ` +
        `${JSON.stringify(name)} (${name.length} chars), but Linux interface names hold at most ${MAX_IFNAME}`,
    );
  }
  return name;
}
