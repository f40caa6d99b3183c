import { API_SWITCH_EVENT_TYPES, EVENT_KINDS, SWITCH_EVENT_TYPES, TOPOLOGY_EVENT_TYPES, type AppEventType, type DeliveryClass } from '../../core/index.js';
import { EventKind } from '../../generated/sdn/runtime/v1/events.js';

/**
 * The API's columns of the table of event kinds (core/event-kinds.ts): each
 * kind's proto `EventKind` and how a client's queue treats it. A row whose proto
 * name is not in events.proto fails at load, not when the first such event comes.
 */

/** Runtime `type` (AppEvent, 'pubsub', 'kvChange') -> proto EventKind, for the kinds the API carries. */
export const PROTO_EVENT_KINDS: ReadonlyMap<string, EventKind> = new Map(
  EVENT_KINDS.flatMap((row) => {
    if (row.proto === undefined) return [];
    const kind = EventKind[row.proto.kind as keyof typeof EventKind] as EventKind | undefined;
    if (kind === undefined) throw new Error(`event kind ${row.type}: ${row.proto.kind} is not an EventKind of events.proto`);
    return [[row.type, kind] as const];
  }),
);

/** Indexed by proto EventKind: how a client's queue treats it (delivery.ts). */
const DELIVERY_CLASSES: readonly (DeliveryClass | undefined)[] = (() => {
  const classes: (DeliveryClass | undefined)[] = [];
  for (const row of EVENT_KINDS) if (row.delivery !== undefined) classes[PROTO_EVENT_KINDS.get(row.type)!] = row.delivery;
  return classes;
})();

/** How a client's queue treats an event of `kind`; lifecycle for kinds the table does not know. */
export function deliveryClassOf(kind: EventKind): DeliveryClass {
  return DELIVERY_CLASSES[kind] ?? 'lifecycle';
}

const APP_EVENT_TYPES = new Set<string>([...SWITCH_EVENT_TYPES, ...TOPOLOGY_EVENT_TYPES]);
/** Proto EventKind -> the AppEvent type it carries (pubsub and KV kinds are not AppEvents). */
const APP_EVENT_TYPE_OF: ReadonlyMap<EventKind, AppEventType> = new Map([...PROTO_EVENT_KINDS].flatMap(([type, kind]) => (APP_EVENT_TYPES.has(type) ? [[kind, type as AppEventType] as const] : [])));

/** The AppEvent types a Subscribe's `kinds` ask for (none named: every OpenFlow kind, as filter.ts reads it). */
export function appEventTypesOf(kinds: readonly EventKind[]): AppEventType[] {
  if (kinds.length === 0) return [...API_SWITCH_EVENT_TYPES];
  return kinds.flatMap((kind) => {
    const type = APP_EVENT_TYPE_OF.get(kind);
    return type === undefined ? [] : [type];
  });
}
