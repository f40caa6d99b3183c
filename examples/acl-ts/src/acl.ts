import { connect, formatDpid, type FlowModOptions, type SdnApp } from '@sdn-runtime/sdk';
import { aclFlowMods, DEFAULT_COOKIE, DEFAULT_PRIORITY, deleteAllFlows, type AclConfig, type BlockedPair } from './rules.js';

export { aclFlowMods, DEFAULT_COOKIE, DEFAULT_PRIORITY, deleteAllFlows, parsePair, type AclConfig, type BlockedPair } from './rules.js';

export interface AclOptions {
  /** The runtime's gRPC address, "host:port". */
  readonly target: string;
  readonly token?: string;
  /** The app's name, which its app id (the top 16 bits of its cookies) derives from. Default "acl-ts". */
  readonly name?: string;
  readonly blocked: readonly BlockedPair[];
  /** Default DEFAULT_PRIORITY (1000). */
  readonly priority?: number;
  /** Default DEFAULT_COOKIE. */
  readonly cookie?: bigint;
  /** Where log lines go (default: nowhere). */
  readonly log?: (line: string) => void;
}

export interface Acl {
  readonly app: SdnApp;
  readonly config: AclConfig;
  /** Switches whose drop flows a barrier confirmed. */
  installed(): ReadonlySet<bigint>;
  /** Deletes the ACL's flows on every switch it installed them on (a barrier confirms), then closes the app. */
  close(): Promise<void>;
}

/**
 * An ACL that shares switches with other apps (a learning switch): drop flows
 * for each blocked pair, both directions, above the forwarding apps' flows.
 * It clears "all flows" when it (re)installs and when it stops; the runtime
 * confines those deletes to this app's own flows, which is what lets it be
 * this careless. Proactive: no packet-ins.
 * @throws SdnClientError INVALID for a bad address (before connecting), or what `connect` throws.
 */
export async function startAcl(options: AclOptions): Promise<Acl> {
  const config: AclConfig = { blocked: options.blocked, priority: options.priority ?? DEFAULT_PRIORITY, cookie: options.cookie ?? DEFAULT_COOKIE };
  const flowMods: readonly FlowModOptions[] = aclFlowMods(config);
  const log = options.log ?? ((): void => {});
  const installed = new Set<bigint>();
  const app = await connect({
    target: options.target,
    name: options.name ?? 'acl-ts',
    ...(options.token === undefined ? {} : { token: options.token }),
    subscribe: { kinds: ['switchUp', 'switchDown', 'switchError'] },
  });

  const install = (dpid: bigint): void => {
    installed.delete(dpid);
    const sw = app.switch(dpid);
    // One turn of the event loop: the delete and the drops leave in one batch, in order.
    for (const fm of flowMods) sw.sendFlowMod(fm);
    sw.barrier().then(
      () => {
        installed.add(dpid);
        log(`switch ${formatDpid(dpid)}: ${flowMods.length - 1} drop flows installed`);
      },
      (err: unknown) => log(`switch ${formatDpid(dpid)}: drop flows not confirmed: ${err instanceof Error ? err.message : String(err)}`),
    );
  };

  // Switches connected before the app subscribed arrive as switch-ups marked snapshot.
  app.onSwitchUp((ev) => install(ev.dpid));
  app.onSwitchDown((ev) => void installed.delete(ev.dpid));
  app.onSwitchError((ev) => log(`switch ${formatDpid(ev.dpid)}: error ${ev.error.description}`));
  app.onError((err) => log(`error: ${err instanceof Error ? err.message : String(err)}`));

  const close = async (): Promise<void> => {
    const removals = [...installed].map(async (dpid) => {
      await app.switch(dpid).flowMod(deleteAllFlows(), { confirm: true });
      log(`switch ${formatDpid(dpid)}: drop flows removed`);
    });
    const results = await Promise.allSettled(removals);
    for (const r of results) if (r.status === 'rejected') log(`removing drop flows failed: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`);
    await app.close();
  };
  return { app, config, installed: () => installed, close };
}
