import { SdnError } from '../errors.js';

/**
 * Why the runtime refused an app's command to keep apps from clobbering each
 * other. Stable, for metrics labels and the gRPC mapping (all are the caller's
 * fault: INVALID_ARGUMENT / CODE_INVALID, except `quota`: RESOURCE_EXHAUSTED).
 */
export type OwnershipReason =
  /** The cookie sets bits of the app-id field (the top 16 bits). */
  | 'cookieBits'
  /** Same table, same priority, overlapping match as a flow another app owns. */
  | 'overlap'
  /** The app already has its flow quota on this switch. */
  | 'quota'
  /** The command cannot be confined to the app's flows on this switch (OpenFlow 1.0 has no cookie mask, raw flow-mods). */
  | 'unconfinable'
  /** A named table that is not declared, a cycle, a name two apps declared, more tables than a switch has. */
  | 'tables'
  /** No app id is left, or an id pinned twice. */
  | 'appIds';

/** A command the runtime will not send for this app; nothing was sent. */
export class OwnershipError extends SdnError {
  readonly reason: OwnershipReason;
  /** The app whose command it was. */
  readonly app: string;
  /** Why, without the app's name: what a switch's owner sends back to the sender's node, which throws the same error there. */
  readonly detail: string;

  constructor(reason: OwnershipReason, app: string, detail: string, options?: { cause?: unknown }) {
    super(reason === 'quota' ? 'OWNERSHIP_QUOTA' : 'OWNERSHIP_REFUSED', `app ${app}: ${detail}`, options);
    this.reason = reason;
    this.app = app;
    this.detail = detail;
  }
}

const REASONS: ReadonlySet<string> = new Set<OwnershipReason>(['cookieBits', 'overlap', 'quota', 'unconfinable', 'tables', 'appIds']);

/** Whether `reason` (read from another node) is one this build knows. */
export function isOwnershipReason(reason: string): reason is OwnershipReason {
  return REASONS.has(reason);
}
