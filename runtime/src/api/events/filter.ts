import { EVENT_KINDS, NODE_EVENT_TYPES } from '../../core/index.js';
import { EventKind, type Subscribe } from '../../generated/sdn/runtime/v1/events.js';
import { cookieSeenBy } from '../../ownership/index.js';
import { ApiInputError } from '../errors.js';
import { u16, u8 } from '../convert/validate.js';
import type { StreamEvent } from './event.js';
import { PROTO_EVENT_KINDS } from './kinds.js';

/**
 * What a subscription wants of the node's OpenFlow events. PUBSUB and KV events
 * are not filtered here: they come from the subscription's own `topics` and
 * `kv_watches`, so listing those kinds in `kinds` changes nothing.
 */
export interface Filter {
  /** Undefined: every kind the table says is delivered by default (core/event-kinds.ts `byDefault`: not the kinds older clients could not read). */
  readonly kinds: ReadonlySet<EventKind> | undefined;
  readonly dpids: ReadonlySet<bigint> | undefined;
  readonly tableIds: ReadonlySet<number> | undefined;
  readonly cookies: ReadonlySet<bigint> | undefined;
  readonly ethTypes: ReadonlySet<number> | undefined;
  /** The stream's app: an event with an owner (AppEvent.owner) goes to that app's streams only. */
  readonly appId: number;
}

const KNOWN_KINDS = new Set<number>(Object.values(EventKind).filter((v): v is number => typeof v === 'number' && v > 0));
/** Kinds a subscription gets only by naming them. */
const NAMED_ONLY = new Set<EventKind>(EVENT_KINDS.flatMap((r) => (r.proto !== undefined && !r.byDefault ? [PROTO_EVENT_KINDS.get(r.type)!] : [])));
/** Kinds of no switch: a subscription's dpids do not filter them. */
const NO_SWITCH = new Set<EventKind>(NODE_EVENT_TYPES.map((t) => PROTO_EVENT_KINDS.get(t)!));

function set<T>(values: readonly T[]): ReadonlySet<T> | undefined {
  return values.length === 0 ? undefined : new Set(values);
}

/** @throws ApiInputError for an unknown kind or a table id / ethertype out of range. */
export function filterOf(s: Subscribe, path: string, appId: number): Filter {
  s.kinds.forEach((k, i) => {
    if (!KNOWN_KINDS.has(k)) throw new ApiInputError(`${path}.kinds[${i}]`, `${k} is not an event kind`);
  });
  const pin = s.packetIn;
  return {
    kinds: set(s.kinds),
    dpids: set(s.dpids),
    tableIds: set(pin?.tableIds.map((t, i) => u8(t, `${path}.packet_in.table_ids[${i}]`)) ?? []),
    cookies: set(pin?.cookies ?? []),
    ethTypes: set(pin?.ethTypes.map((t, i) => u16(t, `${path}.packet_in.eth_types[${i}]`)) ?? []),
    appId,
  };
}

/** Whether the subscription wants this OpenFlow event. */
export function accepts(f: Filter, e: StreamEvent): boolean {
  if (f.kinds === undefined ? NAMED_ONLY.has(e.kind) : !f.kinds.has(e.kind)) return false;
  if (f.dpids !== undefined && !f.dpids.has(e.dpid) && !NO_SWITCH.has(e.kind)) return false;
  if (e.owner !== undefined && e.owner !== f.appId) return false;
  const pin = e.packetIn;
  if (pin === undefined) return true;
  if (f.tableIds !== undefined && !f.tableIds.has(pin.tableId)) return false;
  // The cookie the app is shown (StreamEvent.encodedFor), not the switch's.
  if (f.cookies !== undefined && !f.cookies.has(cookieSeenBy(f.appId, pin.cookie))) return false;
  return f.ethTypes === undefined || f.ethTypes.has(e.ethType);
}
