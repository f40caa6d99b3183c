import { OFPFC_ADD, OFPFC_DELETE, OFPFC_DELETE_STRICT, OFPFC_MODIFY_STRICT, OFPG_ANY, OFPP_ANY, OFPTT_ALL, type FlowMod, type FlowRemoved, type Match } from '../openflow/index.js';
import { appIdOf } from './cookie.js';
import { appAskedFlowRemoved, type AppRef } from './confine.js';
import { OwnershipError } from './errors.js';
import { matchBits, matchCovers, matchesEqual, matchesOverlap, type MatchBits } from './match-bits.js';

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
  /** `${table}/${priority}` -> the entries there, by app. */
  private readonly slots = new Map<string, Map<number, LedgerEntry[]>>();
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
      const bits = matchBits(mod.match);
      const owner = this.find(mod.tableId, mod.priority, bits)?.appId;
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
    const bits = matchBits(msg.match);
    const i = entries.findIndex((e) => matchesEqual(e.bits, bits));
    if (i < 0) return undefined;
    const [entry] = entries.splice(i, 1);
    this.bump(entry!.appId, -1);
    return entry;
  }

  /** The flows `appId` holds here. */
  entries(appId: number): LedgerEntry[] {
    return [...this.slots.values()].flatMap((byApp) => byApp.get(appId) ?? []);
  }

  /** Forgets every flow of `appId` (its flows were deleted from the switch). */
  forgetApp(appId: number): void {
    for (const byApp of this.slots.values()) byApp.delete(appId);
    this.counts.delete(appId);
  }

  private add(app: AppRef, mod: FlowModBody): void {
    const bits = matchBits(mod.match);
    const byApp = this.slots.get(slotKey(mod.tableId, mod.priority));
    if (byApp !== undefined) {
      for (const [owner, entries] of byApp) {
        if (owner === app.id) continue;
        const clash = entries.find((e) => matchesOverlap(e.bits, bits));
        if (clash !== undefined) {
          throw new OwnershipError('overlap', app.name, `table ${mod.tableId} priority ${mod.priority}: the match overlaps a flow of app id ${owner} at the same priority; use another priority (or table) so the switch does not have to choose`);
        }
      }
    }
    const own = byApp?.get(app.id);
    const same = own?.findIndex((e) => matchesEqual(e.bits, bits)) ?? -1;
    const entry: LedgerEntry = { appId: app.id, tableId: mod.tableId, priority: mod.priority, bits, match: mod.match, notifyApp: appAskedFlowRemoved(mod) };
    if (same >= 0) {
      // The switch replaces a flow with the same table, priority and match: no new flow.
      own![same] = entry;
      return;
    }
    const quota = this.quotaOf(app.id);
    if (this.count(app.id) >= quota) throw new OwnershipError('quota', app.name, `already holds ${quota} flows on this switch, its quota`);
    let slot = byApp;
    if (slot === undefined) this.slots.set(slotKey(mod.tableId, mod.priority), (slot = new Map()));
    let list = own;
    if (list === undefined) slot.set(app.id, (list = []));
    list.push(entry);
    this.bump(app.id, 1);
  }

  private delete(appId: number, mod: FlowModBody, strict: boolean): void {
    // out_port / out_group filter by actions the ledger does not keep: the switch's FLOW_REMOVED tells.
    if (mod.outPort !== OFPP_ANY || mod.outGroup !== OFPG_ANY) return;
    const bits = matchBits(mod.match);
    for (const [key, byApp] of this.slots) {
      const entries = byApp.get(appId);
      if (entries === undefined) continue;
      const [table, priority] = key.split('/').map(Number) as [number, number];
      if (mod.tableId !== OFPTT_ALL && mod.tableId !== table) continue;
      if (strict && mod.priority !== priority) continue;
      const keep = entries.filter((e) => !(strict ? matchesEqual(bits, e.bits) : matchCovers(bits, e.bits)));
      this.bump(appId, keep.length - entries.length);
      byApp.set(appId, keep);
    }
  }

  private find(tableId: number, priority: number, bits: MatchBits): LedgerEntry | undefined {
    for (const entries of this.slots.get(slotKey(tableId, priority))?.values() ?? []) {
      const hit = entries.find((e) => matchesEqual(e.bits, bits));
      if (hit !== undefined) return hit;
    }
    return undefined;
  }

  private bump(appId: number, by: number): void {
    this.counts.set(appId, this.count(appId) + by);
  }
}

function slotKey(tableId: number, priority: number): string {
  return `${tableId}/${priority}`;
}
