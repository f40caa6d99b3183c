import type { ChannelOptions } from '@grpc/grpc-js';
import { CLUSTER_EVENT_TYPES, EVENT_KINDS, SWITCH_EVENT_TYPES, TOPOLOGY_EVENT_TYPES, type ClusterEventType, type SwitchEventType, type TopologyEventType } from '../convert/events.js';
import { invalid } from '../errors.js';
import { EventKind, type Subscribe } from '../generated/sdn/runtime/v1/events.js';
import { Table } from '../openflow/constants.js';
import { u64, uint } from '../openflow/numbers.js';
import { utf8 } from '../convert/bytes.js';
import type { ReconnectOptions } from './stream.js';

/** TLS to the runtime's gRPC port. PEM text or bytes. */
export interface TlsOptions {
  /** CA certificate(s) to trust; default: the system's roots. */
  readonly ca?: string | Uint8Array;
  /** Client certificate and key, for mutual TLS. */
  readonly cert?: string | Uint8Array;
  readonly key?: string | Uint8Array;
  /** The name the server certificate must carry, when it differs from the target host. */
  readonly serverName?: string;
}

/** A KV watch delivered on the event stream as `kvChange` events. */
export interface KvWatchSubscription {
  /** UTF-8 text or bytes. */
  readonly key: string | Uint8Array;
  /** Watch every key that starts with `key`. */
  readonly prefix?: boolean;
  /** Replay changes from this revision on first, inclusive (default 0: only changes from now on). */
  readonly startRevision?: bigint;
}

/** What the app receives. Every list is optional; an empty or absent list places no condition. */
export interface SubscribeOptions {
  /**
   * Event types; default every OpenFlow one. Topology events (`linkUp`, ...),
   * role changes and node events (`roleChanged`, `nodeUp`, `nodeDown`) come
   * only when listed. `[]`: none (only `topics` and `kvWatches`).
   */
  readonly kinds?: readonly (SwitchEventType | TopologyEventType | ClusterEventType)[];
  /** Only these switches; default every one. */
  readonly dpids?: readonly bigint[];
  /** Conditions on packet-ins; every listed criterion must hold. */
  readonly packetIn?: {
    /** Ethertypes (after one VLAN tag). */
    readonly ethTypes?: readonly number[];
    readonly tableIds?: readonly number[];
    readonly cookies?: readonly bigint[];
  };
  /** Pubsub subject patterns delivered as `message` events ("topology.links", "topology.*", "topology.>"). */
  readonly topics?: readonly string[];
  readonly kvWatches?: readonly KvWatchSubscription[];
}

/**
 * A flow table the app asks for by name: the runtime gives it an id after the
 * tables in `after` (this app's or, declared before, another app's).
 * `SdnApp.tables` has the ids. docs/apps-sharing-a-switch.md.
 */
export interface TableDeclaration {
  /** 1..64 characters, unique on the runtime node. */
  readonly name: string;
  readonly after?: readonly string[];
}

export interface ConnectOptions {
  /** The runtime's gRPC address, "host:port". */
  readonly target: string;
  /** The app's identity on the runtime: shown in its logs and metrics, and the owner of the flows the app writes (`SdnApp.appId`). */
  readonly name: string;
  /** Named tables the app needs (none: declares nothing). */
  readonly tables?: readonly TableDeclaration[];
  /** The app's token; sent as `authorization: Bearer <token>` on every call. */
  readonly token?: string;
  /** TLS (true: with the system's roots). Default: plaintext. */
  readonly tls?: boolean | TlsOptions;
  readonly subscribe?: SubscribeOptions;
  /** The credit window: events the runtime may send ahead of the app's consumption (default 4096, as the Python SDK and the runtime). */
  readonly credit?: number;
  /** Most events per batch (default: the runtime's, 256). */
  readonly maxBatch?: number;
  /** Start by replaying lifecycle events after this seq (an app that stored its position). */
  readonly resumeAfterSeq?: bigint;
  /** Reconnect policy after the stream breaks; false: close the app instead. */
  readonly reconnect?: ReconnectOptions | false;
  /** How long connect() waits for the runtime to accept the subscription (default 10000 ms). */
  readonly connectTimeoutMs?: number;
  /** How long a command or RPC may wait for its answer (default 30000 ms). */
  readonly requestTimeoutMs?: number;
  /** Extra gRPC channel options (keepalive, message sizes, ...). */
  readonly channelOptions?: ChannelOptions;
}

/**
 * 4096: at 200,000 events/s a window of 1,024 is 5 ms of events, and an app
 * descheduled longer than that on a busy machine lost 2-18 % of its packet-ins
 * (shed by the runtime); with 4,096 under 1 %.
 */
export const DEFAULT_CREDIT = 4096;

/** Checks the options at connect(), so a mistake surfaces there and not on the wire. */
export function checkConnectOptions(o: ConnectOptions): void {
  if (typeof o?.target !== 'string' || !/^.+:\d+$/.test(o.target)) throw invalid('connect target', `"host:port" is needed, got ${String(o?.target)}`);
  if (typeof o.name !== 'string' || o.name.trim() === '') throw invalid('connect name', 'the app needs a name');
  if (o.token !== undefined && (typeof o.token !== 'string' || o.token === '' || /[\r\n]/.test(o.token))) throw invalid('connect token', 'a non-empty single-line string is needed');
  if (o.credit !== undefined && (uint(o.credit, 32, 'connect credit') === 0)) throw invalid('connect credit', 'the window must be at least 1');
  if (o.maxBatch !== undefined) uint(o.maxBatch, 32, 'connect maxBatch');
  if (o.resumeAfterSeq !== undefined) u64(o.resumeAfterSeq, 'connect resumeAfterSeq');
  subscribeMessage(o, undefined, 1);
}

const TOKEN = /^[^.\s*>]+$/;

function checkTopic(topic: unknown, what: string): string {
  if (typeof topic !== 'string') throw invalid(what, 'a subject pattern is a string');
  const tokens = topic.split('.');
  tokens.forEach((t, i) => {
    if (t === '*' || (t === '>' && i === tokens.length - 1)) return;
    if (!TOKEN.test(t)) throw invalid(what, `"${topic}" is not a subject pattern (dot-separated tokens, "*" for one token, ">" last for the rest)`);
  });
  return topic;
}

/**
 * The Subscribe message for the options, at a resume position, with `credit`
 * initial credit. After a reconnect, KV watches start after `kvRevision`, the
 * newest revision the app has seen (the runtime's start revision is inclusive).
 */
export function subscribeMessage(o: ConnectOptions, resumeAfterSeq: bigint | undefined, credit: number, kvRevision?: bigint): Subscribe {
  const s = o.subscribe ?? {};
  const topics = (s.topics ?? []).map((t, i) => checkTopic(t, `subscribe topics[${i}]`));
  const watches = (s.kvWatches ?? []).map((w, i) => {
    const what = `subscribe kvWatches[${i}]`;
    const start = u64(w.startRevision ?? 0n, `${what} startRevision`);
    return { key: utf8(w.key), prefix: w.prefix === true, startRevision: kvRevision !== undefined && kvRevision >= start ? kvRevision + 1n : start };
  });
  const kinds = (s.kinds ?? SWITCH_EVENT_TYPES).map((k, i) => {
    if (!([...SWITCH_EVENT_TYPES, ...TOPOLOGY_EVENT_TYPES, ...CLUSTER_EVENT_TYPES] as readonly string[]).includes(k)) throw invalid(`subscribe kinds[${i}]`, `unknown event type "${String(k)}"`);
    return EVENT_KINDS[k];
  });
  // Explicit kinds whenever topics or watches are in play: on the wire an empty
  // list means "every kind except PUBSUB and KV", so it cannot say "only pubsub".
  if (topics.length > 0) kinds.push(EventKind.EVENT_KIND_PUBSUB);
  if (watches.length > 0) kinds.push(EventKind.EVENT_KIND_KV);
  if (kinds.length === 0) throw invalid('subscribe kinds', 'an empty list with no topics or kvWatches subscribes to nothing; leave kinds out for every OpenFlow event');
  const everything = s.kinds === undefined && topics.length === 0 && watches.length === 0;
  const p = s.packetIn ?? {};
  const msg: Subscribe = {
    appName: o.name,
    kinds: everything ? [] : kinds,
    dpids: (s.dpids ?? []).map((d, i) => u64(d, `subscribe dpids[${i}]`)),
    packetIn: {
      ethTypes: (p.ethTypes ?? []).map((e, i) => uint(e, 16, `subscribe packetIn.ethTypes[${i}]`)),
      tableIds: (p.tableIds ?? []).map((t, i) => {
        const id = uint(t, 8, `subscribe packetIn.tableIds[${i}]`);
        if (id > Table.MAX) throw invalid(`subscribe packetIn.tableIds[${i}]`, `a table id is 0..${Table.MAX}`);
        return id;
      }),
      cookies: (p.cookies ?? []).map((c, i) => u64(c, `subscribe packetIn.cookies[${i}]`)),
    },
    initialCredit: credit,
    maxBatch: o.maxBatch ?? 0,
    topics,
    kvWatches: watches,
    tables: (o.tables ?? []).map((t, i) => {
      if (typeof t.name !== 'string' || t.name.length === 0 || t.name.length > 64) throw invalid(`tables[${i}].name`, 'a table name has 1..64 characters');
      return { name: t.name, after: [...(t.after ?? [])] };
    }),
  };
  if (resumeAfterSeq !== undefined) msg.resumeAfterSeq = resumeAfterSeq;
  return msg;
}
