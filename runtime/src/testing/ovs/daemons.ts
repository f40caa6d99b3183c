import { existsSync, readFileSync } from 'node:fs';
import { paths, tryVsctl, type OvsContext } from './context.js';
import { OvsHarnessError } from './errors.js';
import { killAndWait, liveCommand, readPidfile } from './processes.js';
import { run } from './run.js';
import { waitFor } from './wait.js';

/**
 * The two OVS daemons of one harness. Both run with --detach and a pidfile in
 * the harness folder: the pidfile is how a later run finds and kills them if
 * this process dies without stop(), and a detached daemon's parent returns only
 * once the daemon is set up, so start-up needs no sleeps.
 */

export const VSWITCH_SCHEMA = '/usr/share/openvswitch/vswitch.ovsschema';
export type Daemon = 'ovsdb-server' | 'ovs-vswitchd';

const START_DEADLINE_MS = 10_000;

export async function createDatabase(ctx: OvsContext): Promise<void> {
  if (!existsSync(VSWITCH_SCHEMA)) {
    throw new OvsHarnessError(`${VSWITCH_SCHEMA} is missing; run \`bash scripts/install-system-deps.sh\` (openvswitch-switch)`);
  }
  await run(ctx.programs['ovsdb-tool'], ['create', paths.db(ctx), VSWITCH_SCHEMA], { env: ctx.env });
}

/** Starts ovsdb-server on the harness db and waits until ovs-vsctl can initialise it. */
export async function startDatabaseServer(ctx: OvsContext): Promise<void> {
  await run(ctx.programs['ovsdb-server'], [paths.db(ctx), `--remote=punix:${paths.dbSocket(ctx)}`, ...daemonFlags(ctx, 'ovsdb-server')], { env: ctx.env });
  await waitFor(
    'ovsdb-server to answer',
    START_DEADLINE_MS,
    async () => ((await tryVsctl(ctx, ['--no-wait', 'init'], 1)).code === 0 ? true : undefined),
    () => logTail(ctx, 'ovsdb-server'),
  );
}

/**
 * Starts ovs-vswitchd on the harness db (userspace datapath: the bridges say
 * datapath_type=netdev) and waits until it has applied a configuration change,
 * which also means every bridge already in the db is back with its mgmt socket.
 */
export async function startSwitchDaemon(ctx: OvsContext): Promise<void> {
  await run(ctx.programs['ovs-vswitchd'], [`unix:${paths.dbSocket(ctx)}`, ...daemonFlags(ctx, 'ovs-vswitchd')], { env: ctx.env });
  let probe = 0;
  await waitFor(
    'ovs-vswitchd to apply a configuration change',
    START_DEADLINE_MS,
    async () => {
      // A value never written before, so the transaction changes something and
      // ovs-vsctl waits for ovs-vswitchd's cur_cfg to catch up (a read would not).
      probe += 1;
      const marker = `external-ids:harness-probe=${Date.now()}${probe}`;
      return (await tryVsctl(ctx, ['set', 'Open_vSwitch', '.', marker], 1)).code === 0 ? true : undefined;
    },
    () => logTail(ctx, 'ovs-vswitchd'),
  );
}

/** The daemon's pid when its pidfile names a live process of that program. */
export function daemonPid(ctx: OvsContext, daemon: Daemon): number | undefined {
  const pid = readPidfile(paths.pidfile(ctx, daemon));
  return pid !== undefined && liveCommand(pid) === daemon ? pid : undefined;
}

/** SIGKILLs the daemon named in `pidfile` (if it is still that program) and waits until it is gone; no-op when not running. */
export async function killDaemon(pidfile: string, daemon: Daemon): Promise<void> {
  const pid = readPidfile(pidfile);
  if (pid !== undefined) await killAndWait(pid, daemon);
}

function daemonFlags(ctx: OvsContext, daemon: Daemon): string[] {
  return [`--pidfile=${paths.pidfile(ctx, daemon)}`, '--detach', '--no-chdir', `--log-file=${paths.log(ctx, daemon)}`];
}

/** The last lines of a daemon's log, so a start-up timeout says why. */
function logTail(ctx: OvsContext, daemon: Daemon): string {
  try {
    const lines = readFileSync(paths.log(ctx, daemon), 'utf8').trimEnd().split('\n');
    return `last lines of ${paths.log(ctx, daemon)}:\n${lines.slice(-8).join('\n')}`;
  } catch {
    return `no log at ${paths.log(ctx, daemon)}`;
  }
}
