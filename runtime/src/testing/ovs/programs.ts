import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { OvsHarnessError } from './errors.js';

/** Every program the harness runs, resolved to an absolute path once at start. */
export const PROGRAM_NAMES = [
  'ovsdb-tool',
  'ovsdb-server',
  'ovs-vswitchd',
  'ovs-vsctl',
  'ovs-ofctl',
  'ip',
  'ping',
  'ethtool',
] as const;

export type ProgramName = (typeof PROGRAM_NAMES)[number];
export type Programs = Readonly<Record<ProgramName, string>>;

/**
 * The folders searched: PATH first, then the sbin folders, because `ip`,
 * `ethtool` and `ovs-vswitchd` live in /usr/sbin, which a non-login root shell
 * (CI, `sudo` with secure_path unset) may leave off PATH.
 */
export function defaultSearchDirs(): string[] {
  const fromPath = (process.env.PATH ?? '').split(delimiter).filter((d) => d !== '');
  return [...fromPath, '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
}

/**
 * Absolute paths of every program in PROGRAM_NAMES.
 * @throws OvsHarnessError naming each missing program and the install command.
 */
export function resolvePrograms(dirs: readonly string[] = defaultSearchDirs()): Programs {
  const found: Partial<Record<ProgramName, string>> = {};
  const missing: string[] = [];
  for (const name of PROGRAM_NAMES) {
    const path = dirs.map((d) => join(d, name)).find(isExecutable);
    if (path === undefined) missing.push(name);
    else found[name] = path;
  }
  if (missing.length > 0) {
    throw new OvsHarnessError(
      `missing program(s) ${missing.join(', ')} (searched ${dirs.join(':')}); ` +
        'install them with `bash scripts/install-system-deps.sh` (as root)',
    );
  }
  return found as Programs;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
