import { join } from 'node:path';
import type { Programs } from './programs.js';
import { run, tryRun, type CommandResult } from './run.js';

/**
 * What every harness step needs: the resolved programs, the harness folder
 * (OVS run/log/db/sysconf dir all in one) and the name prefix. Commands get
 * the folder both through the OVS_* environment variables and explicit
 * --db/unix: targets, so no step can reach the system's /var/run/openvswitch.
 */
export interface OvsContext {
  readonly programs: Programs;
  readonly dir: string;
  readonly prefix: string;
  readonly env: NodeJS.ProcessEnv;
}

export function makeContext(programs: Programs, dir: string, prefix: string): OvsContext {
  const env = { ...process.env, OVS_RUNDIR: dir, OVS_LOGDIR: dir, OVS_DBDIR: dir, OVS_SYSCONFDIR: dir };
  return { programs, dir, prefix, env };
}

export const paths = {
  db: (ctx: OvsContext) => join(ctx.dir, 'conf.db'),
  dbSocket: (ctx: OvsContext) => join(ctx.dir, 'db.sock'),
  pidfile: (ctx: OvsContext, daemon: 'ovsdb-server' | 'ovs-vswitchd') => join(ctx.dir, `${daemon}.pid`),
  log: (ctx: OvsContext, daemon: 'ovsdb-server' | 'ovs-vswitchd') => join(ctx.dir, `${daemon}.log`),
  /** The bridge's OpenFlow management socket, created by ovs-vswitchd per bridge. */
  mgmt: (ctx: OvsContext, ovsBridge: string) => join(ctx.dir, `${ovsBridge}.mgmt`),
};

/**
 * ovs-vsctl against the harness database. Without `noWait` it also waits (at
 * most `timeoutSec`) until ovs-vswitchd has applied the change, so the next
 * step sees the port or bridge in the datapath.
 */
export function vsctl(ctx: OvsContext, args: readonly string[], options: { noWait?: boolean; timeoutSec?: number } = {}): Promise<string> {
  const timeoutSec = options.timeoutSec ?? 10;
  const flags = [`--db=unix:${paths.dbSocket(ctx)}`, `--timeout=${timeoutSec}`, ...(options.noWait ? ['--no-wait'] : [])];
  return run(ctx.programs['ovs-vsctl'], [...flags, ...args], { env: ctx.env, timeoutMs: timeoutSec * 1000 + 2000 });
}

/** ovs-vsctl that resolves with the exit code instead of throwing: for probes. */
export function tryVsctl(ctx: OvsContext, args: readonly string[], timeoutSec: number): Promise<CommandResult> {
  const flags = [`--db=unix:${paths.dbSocket(ctx)}`, `--timeout=${timeoutSec}`];
  return tryRun(ctx.programs['ovs-vsctl'], [...flags, ...args], { env: ctx.env, timeoutMs: timeoutSec * 1000 + 2000 });
}

/**
 * `ovs-ofctl -O <protocol> <command> unix:<dir>/<bridge>.mgmt <args...>`. The
 * management socket accepts only the bridge's protocols, so `protocol` must be one.
 */
export function ofctl(ctx: OvsContext, command: string, ovsBridge: string, args: readonly string[] = [], protocol = 'OpenFlow13'): Promise<string> {
  const target = `unix:${paths.mgmt(ctx, ovsBridge)}`;
  return run(ctx.programs['ovs-ofctl'], ['-O', protocol, command, target, ...args], { env: ctx.env });
}

/** `ip <args...>`; throws with ip's own message on failure. */
export function ip(ctx: OvsContext, args: readonly string[]): Promise<string> {
  return run(ctx.programs.ip, args, { env: ctx.env });
}
