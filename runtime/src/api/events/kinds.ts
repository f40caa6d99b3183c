import { EVENT_KINDS, type DeliveryClass } from '../../core/index.js';
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
