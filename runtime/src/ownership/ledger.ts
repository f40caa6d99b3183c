import { OFPFC_ADD, OFPFC_DELETE, OFPFC_DELETE_STRICT, OFPFC_MODIFY_STRICT, OFPG_ANY, OFPP_ANY, OFPTT_ALL, type FlowMod, type FlowRemoved, type Match, type OxmField, type OxmOpaque } from '../openflow/index.js';
import { appIdOf } from './cookie.js';
import { appAskedFlowRemoved, type AppRef } from './confine.js';
import { OwnershipError } from './errors.js';
import { keyEquals, keyText, matchBits, matchCovers, matchesOverlap, matchKeyOf, type MatchBits, type MatchKey } from './match-bits.js';

type FlowModBody = Omit<FlowMod, 'version' | 'xid'>;

/** A flow the ledger believes is on the switch. */
export interface LedgerEntry {
  readonly appId: number;
  readonly tableId: number;
  readonly priority: number;
  readonly bits: MatchBits;
  /** The match as the app wrote it, in the ledger's own objects (what a strict delete names). */
  readonly match: Match;
  /** The app set OFPFF_SEND_FLOW_REM itself: it gets the flow-removed event. */
  readonly notifyApp: boolean;
}

/**
 * A ledger entry, and a link in the chain of its app's entries in its slot
 * whose keys have the same hash; its bits are made when first compared (most
 * flows never are).
 */
class Entry implements LedgerEntry {
  readonly appId: number;
  readonly tableId: number;
  readonly priority: number;
  readonly match: Match;
  notifyApp: boolean;
  /** keyText of the match: what a lookup compares. */
  readonly key: string;
  /** MatchKey.hash of the match: where the entry sits. */
  readonly hash: number;
  next: Entry | undefined;
  private cachedBits: MatchBits | undefined;

  constructor(appId: number, mod: FlowModBody, key: MatchKey, bits: MatchBits | undefined) {
    this.appId = appId;
    this.tableId = mod.tableId;
    this.priority = mod.priority;
    this.match = copyMatch(mod.match);
    this.notifyApp = appAskedFlowRemoved(mod);
    this.key = keyText(key);
    this.hash = key.hash;
    this.next = undefined;
    this.cachedBits = bits;
  }

  get bits(): MatchBits {
    return (this.cachedBits ??= matchBits(this.match));
  }
}

/** One app's entries in one slot: chains by key hash. */
type Entries = Map<number, Entry>;

/** Flows an app may hold on one switch; `Infinity` for no limit. */
export type QuotaOf = (appId: number) => number;

/**
 * The flows of one switch, by owner: what the overlap policy and the quotas
 * are checked against. It learns from what the apps send (adds, deletes) and
 * from what the switch reports (FLOW_REMOVED: every add carries
 * OFPFF_SEND_FLOW_REM, see confineCommand, so timeouts and deletes the ledger
 * could not interpret are reported too). What it cannot know: a flow the switch
 * refused to add (counted until the app deletes it), flows from before the
 * switch connected (reset on switch-up, not counted). Pure, one per switch,
 * used from one event loop.
 */
export class FlowLedger {
  /** slotKey(table, priority) -> the entries there, by app (an add that replaces and a strict delete are lookups). */
  private readonly slots = new Map<number, Map<number, Entries>>();
  private readonly counts = new Map<number, number>();
  private readonly quotaOf: QuotaOf;

  constructor(quotaOf: QuotaOf) {
    this.quotaOf = quotaOf;
  }

  /** Flows `appId` holds here. */
  count(appId: number): number {
    return this.counts.get(appId) ?? 0;
  }

  /**
   * Checks a flow-mod of `app`, as the app wrote it (before confineCommand, so
   * its flags say what the app asked for), against the policy and records what it
   * does. Adds: refused when another app has a flow at the same table and
   * priority whose match overlaps (the switch would either replace that flow or
   * pick one of the two by chance), or when the app is at its quota. Strict
   * modify/delete on OpenFlow 1.0 (no cookie mask): refused unless the app owns
   * that flow. Non-strict deletes drop the app's covered entries now (the
   * switch's FLOW_REMOVED confirms later).
   * @throws OwnershipError `overlap`, `quota` or `unconfinable`; nothing is recorded then.
   */
  apply(app: AppRef, version: number, mod: FlowModBody): void {
    if (mod.command === OFPFC_ADD) return this.add(app, mod);
    const strict = mod.command === OFPFC_MODIFY_STRICT || mod.command === OFPFC_DELETE_STRICT;
    if (strict && version === 1) {
      const owner = this.find(mod.tableId, mod.priority, matchKeyOf(mod.match))?.appId;
      if (owner !== app.id) throw new OwnershipError('unconfinable', app.name, 'OpenFlow 1.0 cannot confine a strict modify or delete by cookie, and the ledger holds no flow of this app with that table, priority and match');
    }
    if (mod.command === OFPFC_DELETE || mod.command === OFPFC_DELETE_STRICT) this.delete(app.id, mod, strict);
  }

  /**
   * The entry a FLOW_REMOVED reports, removed from the ledger; undefined when
   * the ledger did not hold it (deleted already, or from before the switch
   * connected). Its `notifyApp` says whether the owner asked for the event.
   */
  removed(msg: Pick<FlowRemoved, 'cookie' | 'tableId' | 'priority' | 'match'>): LedgerEntry | undefined {
    const entries = this.slots.get(slotKey(msg.tableId, msg.priority))?.get(appIdOf(msg.cookie));
    if (entries === undefined) return undefined;
    const entry = lookup(entries, matchKeyOf(msg.match));
    if (entry === undefined) return undefined;
    this.drop(entries, entry);
    return entry;
  }

  /** The flows `appId` holds here. */
  entries(appId: number): LedgerEntry[] {
    return [...this.slots.values()].flatMap((byApp) => chained(byApp.get(appId)));
  }

  /** Forgets every flow of `appId` (its flows were deleted from the switch). */
  forgetApp(appId: number): void {
    for (const byApp of this.slots.values()) byApp.delete(appId);
    this.counts.delete(appId);
  }

  private add(app: AppRef, mod: FlowModBody): void {
    const key = matchKeyOf(mod.match);
    const byApp = this.slots.get(slotKey(mod.tableId, mod.priority));
    // Most adds land where only the app itself has flows: no other owner to walk, no bits to make.
    const bits = byApp !== undefined && (byApp.size > 1 || !byApp.has(app.id)) ? refuseOverlap(app, mod, byApp) : undefined;
    const own = byApp?.get(app.id);
    const existing = own === undefined ? undefined : lookup(own, key);
    if (existing !== undefined) {
      // The switch replaces a flow with the same table, priority and match: no new flow, nothing made.
      const asked = appAskedFlowRemoved(mod);
      if (existing.notifyApp !== asked) existing.notifyApp = asked;
      return;
    }
    const quota = this.quotaOf(app.id);
    if (this.count(app.id) >= quota) throw new OwnershipError('quota', app.name, `already holds ${quota} flows on this switch, its quota`);
    const entry = new Entry(app.id, mod, key, bits);
    let slot = byApp;
    if (slot === undefined) this.slots.set(slotKey(mod.tableId, mod.priority), (slot = new Map()));
    let entries = own;
    if (entries === undefined) slot.set(app.id, (entries = new Map()));
    entry.next = entries.get(entry.hash);
    entries.set(entry.hash, entry);
    this.bump(app.id, 1);
  }

  private delete(appId: number, mod: FlowModBody, strict: boolean): void {
    // out_port / out_group filter by actions the ledger does not keep: the switch's FLOW_REMOVED tells.
    if (mod.outPort !== OFPP_ANY || mod.outGroup !== OFPG_ANY) return;
    const bits = strict ? undefined : matchBits(mod.match);
    const key = strict ? matchKeyOf(mod.match) : undefined;
    for (const [slot, byApp] of this.slots) {
      const entries = byApp.get(appId);
      if (entries === undefined) continue;
      const table = slot >>> 16;
      const priority = slot & 0xffff;
      if (mod.tableId !== OFPTT_ALL && mod.tableId !== table) continue;
      if (key !== undefined) {
        const entry = mod.priority === priority ? lookup(entries, key) : undefined;
        if (entry !== undefined) this.drop(entries, entry);
        continue;
      }
      for (const e of chained(entries)) if (matchCovers(bits!, e.bits)) this.drop(entries, e);
    }
  }

  private find(tableId: number, priority: number, key: MatchKey): LedgerEntry | undefined {
    for (const entries of this.slots.get(slotKey(tableId, priority))?.values() ?? []) {
      const hit = lookup(entries, key);
      if (hit !== undefined) return hit;
    }
    return undefined;
  }

  /** Takes `entry` out of its chain in `entries` and the count. */
  private drop(entries: Entries, entry: Entry): void {
    let previous: Entry | undefined;
    for (let e = entries.get(entry.hash); e !== undefined; previous = e, e = e.next) {
      if (e !== entry) continue;
      if (previous !== undefined) previous.next = e.next;
      else if (e.next !== undefined) entries.set(e.hash, e.next);
      else entries.delete(e.hash);
      e.next = undefined;
      this.bump(entry.appId, -1);
      return;
    }
  }

  private bump(appId: number, by: number): void {
    this.counts.set(appId, this.count(appId) + by);
  }
}

/**
 * @returns the bits of the add's match, made to compare it with the other apps' flows in its slot.
 * @throws OwnershipError `overlap` when one of them overlaps it.
 */
function refuseOverlap(app: AppRef, mod: FlowModBody, byApp: ReadonlyMap<number, Entries>): MatchBits {
  const bits = matchBits(mod.match);
  for (const [owner, entries] of byApp) {
    if (owner === app.id) continue;
    for (const e of chained(entries)) {
      if (matchesOverlap(e.bits, bits)) {
        throw new OwnershipError('overlap', app.name, `table ${mod.tableId} priority ${mod.priority}: the match overlaps a flow of app id ${owner} at the same priority; use another priority (or table) so the switch does not have to choose`);
      }
    }
  }
  return bits;
}

/** The entry of `entries` whose match has `key`. */
function lookup(entries: Entries, key: MatchKey): Entry | undefined {
  for (let e = entries.get(key.hash); e !== undefined; e = e.next) if (keyEquals(key, e.key)) return e;
  return undefined;
}

/** Every entry of `entries`, as a list (safe to drop entries while walking it). */
function chained(entries: Entries | undefined): Entry[] {
  const out: Entry[] = [];
  for (const head of entries?.values() ?? []) for (let e: Entry | undefined = head; e !== undefined; e = e.next) out.push(e);
  return out;
}

/**
 * The ledger's own copy of an app's match, made when it records a new flow.
 * Holding the app's objects kept alive the first match of every flow an app
 * made at one place in its code, and V8 then allocated every later match made
 * there (nearly all garbage at once) in the old generation: allocation-site
 * pretenuring. Measured on the learning switch: three times the GC time.
 */
function copyMatch(match: Match): Match {
  return Array.from(match, (f): OxmField => (f.field === 'opaque' ? { ...(f as OxmOpaque), payload: Uint8Array.from((f as OxmOpaque).payload) } : { ...f }));
}

/** Table (8 bits) and priority (16 bits) as one number. */
function slotKey(tableId: number, priority: number): number {
  return tableId * 0x10000 + priority;
}
