import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killDaemon } from './daemons.js';
import { OvsHarnessError } from './errors.js';
import { newPrefix, PREFIX_PATTERN } from './names.js';
import { pidsByCommand, startTime } from './processes.js';
import type { Programs } from './programs.js';
import { tryRun } from './run.js';

/**
 * The well-known folder all harnesses of this user live under, one subfolder
 * per harness named by its prefix, each with an owner.json naming the Node
 * process that owns it. A subfolder whose owner is gone is a crashed run's
 * leftover: its daemons (by pidfile), namespaces and interfaces (by prefix) are
 * removed before a new harness starts.
 */

const OWNER_FILE = 'owner.json';

interface Owner {
  readonly pid: number;
  readonly startTime: string;
  readonly prefix: string;
}

export function defaultHarnessRoot(): string {
  return join(tmpdir(), `sdn-runtime-ovs-${process.getuid?.() ?? 'user'}`);
}

/** Creates `<root>/<prefix>` for this process with a fresh prefix no other harness folder uses. */
export function claimFolder(root: string): { dir: string; prefix: string } {
  mkdirSync(root, { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const prefix = newPrefix();
    const dir = join(root, prefix);
    try {
      mkdirSync(dir, { mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new OvsHarnessError(`cannot create the harness folder ${dir}`, { cause: error });
    }
    const owner: Owner = { pid: process.pid, startTime: startTime(process.pid) ?? '', prefix };
    writeFileSync(join(dir, OWNER_FILE), JSON.stringify(owner));
    return { dir, prefix };
  }
  throw new OvsHarnessError(`no free harness prefix under ${root} after 20 tries; remove stale folders there`);
}

/**
 * Removes every harness folder under `root` whose owner process is gone, with
 * its daemons, namespaces and interfaces.
 * @returns the prefixes it cleaned (for logs and tests).
 */
export async function cleanLeftovers(root: string, programs: Programs): Promise<string[]> {
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return [];
  }
  const cleaned: string[] = [];
  for (const prefix of entries.filter((e) => PREFIX_PATTERN.test(e))) {
    const dir = join(root, prefix);
    const owner = readOwner(dir);
    // A live owner (this process included) is using the folder: leave it alone.
    if (owner !== undefined && startTime(owner.pid) === owner.startTime) continue;
    await killDaemon(join(dir, 'ovs-vswitchd.pid'), 'ovs-vswitchd');
    await killDaemon(join(dir, 'ovsdb-server.pid'), 'ovsdb-server');
    await removeByPrefix(programs, prefix);
    rmSync(dir, { recursive: true, force: true });
    cleaned.push(prefix);
  }
  return cleaned;
}

/**
 * Deletes the root-namespace interfaces and the network namespaces whose names
 * start with `prefix`, and the shared `ovs-netdev` tap once no ovs-vswitchd runs.
 * Root-side veth ends go first: deleting one removes its peer at once, whereas a
 * deleted namespace frees its interfaces later, asynchronously.
 * @returns what is still there afterwards (empty when all went).
 */
export async function removeByPrefix(programs: Programs, prefix: string): Promise<string[]> {
  const owned = (name: string) => name.startsWith(prefix);
  for (const link of (await linkNames(programs)).filter(owned)) {
    await tryRun(programs.ip, ['link', 'del', link]);
  }
  for (const ns of (await namespaceNames(programs)).filter(owned)) {
    await tryRun(programs.ip, ['netns', 'del', ns]);
  }
  // The userspace datapath's tap devices (ovs-netdev and one per bridge) are
  // persistent: they outlive ovs-vswitchd, even a clean exit.
  if (pidsByCommand('ovs-vswitchd').length === 0 && (await linkNames(programs)).includes('ovs-netdev')) {
    await tryRun(programs.ip, ['link', 'del', 'ovs-netdev']);
  }
  const links = (await linkNames(programs)).filter(owned).map((l) => `interface ${l}`);
  const namespaces = (await namespaceNames(programs)).filter(owned).map((n) => `namespace ${n}`);
  return [...links, ...namespaces];
}

/** Names of the interfaces in the root network namespace. */
export async function linkNames(programs: Programs): Promise<string[]> {
  const out = (await tryRun(programs.ip, ['-o', 'link', 'show'])).stdout;
  // "7: ot3fa2h1@if6: <BROADCAST,...": the name ends at '@' (the peer) or ':'.
  return [...out.matchAll(/^\d+:\s+([^:@\s]+)/gm)].map((m) => m[1] as string);
}

/** Names of the named network namespaces (`ip netns list`). */
export async function namespaceNames(programs: Programs): Promise<string[]> {
  const out = (await tryRun(programs.ip, ['netns', 'list'])).stdout;
  return out.split('\n').map((line) => line.split(' ')[0] ?? '').filter((name) => name !== '');
}

function readOwner(dir: string): Owner | undefined {
  try {
    const value = JSON.parse(readFileSync(join(dir, OWNER_FILE), 'utf8')) as Partial<Owner>;
    if (typeof value.pid === 'number' && typeof value.startTime === 'string') return value as Owner;
  } catch {
    // No readable owner file: the run died while creating its folder, so it is a leftover.
  }
  return undefined;
}
