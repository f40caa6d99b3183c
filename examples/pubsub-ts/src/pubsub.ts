import { connect, formatDpid, type PubSubMessageEvent, type SdnApp } from '@sdn-runtime/sdk';

export interface Target {
  /** The runtime's gRPC address, "host:port". */
  readonly target: string;
  readonly token?: string;
}

export interface Running {
  readonly app: SdnApp;
  close(): Promise<void>;
}

const auth = (o: Target): { token?: string } => (o.token === undefined ? {} : { token: o.token });

/**
 * Republishes switch lifecycle events as pubsub messages, so apps that only
 * speak pubsub learn about switches: `switches.up.<dpid>` with
 * `{"dpid":"…","ports":[…]}` and `switches.down.<dpid>` with `{"dpid":"…","reason":"…"}`.
 */
export async function startSwitchAnnouncer(options: Target): Promise<Running> {
  const app = await connect({ target: options.target, name: 'switch-announcer', ...auth(options), subscribe: { kinds: ['switchUp', 'switchDown'] } });
  const json = { 'content-type': 'application/json' };
  app.onSwitchUp(async (ev) => {
    const dpid = formatDpid(ev.dpid);
    await app.publish(`switches.up.${dpid}`, JSON.stringify({ dpid, ports: ev.switch.ports.map((p) => p.portNo) }), json);
  });
  app.onSwitchDown(async (ev) => {
    const dpid = formatDpid(ev.dpid);
    await app.publish(`switches.down.${dpid}`, JSON.stringify({ dpid, reason: ev.reason }), json);
  });
  return { app, close: () => app.close() };
}

/** Calls `onMessage` for every message on subjects matching `pattern` ("switches.>", "switches.*.0000000000000001"). */
export async function startListener(options: Target & { readonly pattern: string; readonly onMessage: (m: PubSubMessageEvent) => void }): Promise<Running> {
  const app = await connect({ target: options.target, name: 'pubsub-listener', ...auth(options), subscribe: { kinds: [], topics: [options.pattern] } });
  app.onMessage(options.onMessage);
  return { app, close: () => app.close() };
}
