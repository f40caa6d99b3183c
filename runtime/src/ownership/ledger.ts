import { OFPFC_ADD, OFPFC_DELETE, OFPFC_DELETE_STRICT, OFPFC_MODIFY_STRICT, OFPG_ANY, OFPP_ANY, OFPTT_ALL, type FlowMod, type FlowRemoved, type Match } from '../openflow/index.js';
import { appIdOf } from './cookie.js';
import { appAskedFlowRemoved, type AppRef } from './confine.js';
import { OwnershipError } from './errors.js';
import { matchBits, matchCovers, matchesOverlap, matchKey, type MatchBits } from './match-bits.js';

type FlowModBody = Omit<FlowMod, 'version' | 'xid'>;

/** A flow the ledger believes is on the switch. */
export interface LedgerEntry {
  readonly appId: number;
  readonly tableId: number;
  readonly priority: number;
  readonly bits: MatchBits;
  /** The match as the app wrote it (what a strict delete names). */
  readonly match: Match;
  /** The app set OFPFF_SEND_FLOW_REM itself: it gets the flow-removed event. */
  readonly notifyApp: boolean;
}

/** A ledger entry; its bits are made when first compared (most flows never are). */
class Entry implements LedgerEntry {
  readonly appId: number;
  readonly tableId: number;
  readonly priority: number;
  readonly match: Match;
  readonly notifyApp: boolean;
  private cachedBits: MatchBits | undefined;

  constructor(appId: number, mod: FlowModBody, bits: MatchBits | undefined) {
    this.appId = appId;
    this.tableId = mod.tableId;
    this.priority = mod.priority;
    this.match = mod.match;
    this.notifyApp = appAskedFlowRemoved(mod);
    this.cachedBits = bits;
  }

  get bits(): MatchBits {
    return (this.cachedBits ??= matchBits(this.match));
  }
}

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
  /** slotKey(table, priority) -> the entries there, by app, by match key (an add that replaces and a strict delete are lookups). */
  private readonly slots = new Map<number, Map<number, Map<string, LedgerEntry>>>();
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
      const owner = this.find(mod.tableId, mod.priority, matchKey(mod.match))?.appId;
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
    const key = matchKey(msg.match);
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    entries.delete(key);
    this.bump(entry.appId, -1);
    return entry;
  }

  /** The flows `appId` holds here. */
  entries(appId: number): LedgerEntry[] {
    return [...this.slots.values()].flatMap((byApp) => [...(byApp.get(appId)?.values() ?? [])]);
  }

  /** Forgets every flow of `appId` (its flows were deleted from the switch). */
  forgetApp(appId: number): void {
    for (const byApp of this.slots.values()) byApp.delete(appId);
    this.counts.delete(appId);
  }

  private add(app: AppRef, mod: FlowModBody): void {
    const key = matchKey(mod.match);
    const byApp = this.slots.get(slotKey(mod.tableId, mod.priority));
    let bits: MatchBits | undefined;
    for (const [owner, entries] of byApp ?? []) {
      if (owner === app.id) continue;
      bits ??= matchBits(mod.match);
      for (const e of entries.values()) {
        if (matchesOverlap(e.bits, bits)) {
          throw new OwnershipError('overlap', app.name, `table ${mod.tableId} priority ${mod.priority}: the match overlaps a flow of app id ${owner} at the same priority; use another priority (or table) so the switch does not have to choose`);
        }
      }
    }
    const own = byApp?.get(app.id);
    const entry = new Entry(app.id, mod, bits);
    if (own?.has(key)) {
      // The switch replaces a flow with the same table, priority and match: no new flow.
      own.set(key, entry);
      return;
    }
    const quota = this.quotaOf(app.id);
    if (this.count(app.id) >= quota) throw new OwnershipError('quota', app.name, `already holds ${quota} flows on this switch, its quota`);
    let slot = byApp;
    if (slot === undefined) this.slots.set(slotKey(mod.tableId, mod.priority), (slot = new Map()));
    let entries = own;
    if (entries === undefined) slot.set(app.id, (entries = new Map()));
    entries.set(key, entry);
    this.bump(app.id, 1);
  }

  private delete(appId: number, mod: FlowModBody, strict: boolean): void {
    // out_port / out_group filter by actions the ledger does not keep: the switch's FLOW_REMOVED tells.
    if (mod.outPort !== OFPP_ANY || mod.outGroup !== OFPG_ANY) return;
    const bits = strict ? undefined : matchBits(mod.match);
    const key = strict ? matchKey(mod.match) : '';
    for (const [slot, byApp] of this.slots) {
      const entries = byApp.get(appId);
      if (entries === undefined) continue;
      const table = slot >>> 16;
      const priority = slot & 0xffff;
      if (mod.tableId !== OFPTT_ALL && mod.tableId !== table) continue;
      if (strict) {
        if (mod.priority === priority && entries.delete(key)) this.bump(appId, -1);
        continue;
      }
      for (const [k, e] of entries) {
        if (!matchCovers(bits!, e.bits)) continue;
        entries.delete(k);
        this.bump(appId, -1);
      }
    }
  }

  private find(tableId: number, priority: number, key: string): LedgerEntry | undefined {
    for (const entries of this.slots.get(slotKey(tableId, priority))?.values() ?? []) {
      const hit = entries.get(key);
      if (hit !== undefined) return hit;
    }
    return undefined;
  }

  private bump(appId: number, by: number): void {
    this.counts.set(appId, this.count(appId) + by);
  }
}

/** Table (8 bits) and priority (16 bits) as one number. */
function slotKey(tableId: number, priority: number): number {
  return tableId * 0x10000 + priority;
}
