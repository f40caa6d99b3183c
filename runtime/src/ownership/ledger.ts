import { OFPFC_ADD, OFPFC_DELETE, OFPFC_DELETE_STRICT, OFPFC_MODIFY_STRICT, OFPG_ANY, OFPP_ANY, OFPTT_ALL, type FlowMod, type FlowRemoved, type Match } from '../openflow/index.js';
import { appIdOf } from './cookie.js';
import { appAskedFlowRemoved, type AppRef } from './confine.js';
import { OwnershipError } from './errors.js';
import { FlowIndex } from './flow-index.js';
import { matchBits, matchCovers, matchesOverlap, matchKeyOf, matchOfKey, type MatchBits, type MatchKey } from './match-bits.js';

type FlowModBody = Omit<FlowMod, 'version' | 'xid'>;

/** A flow the ledger believes is on the switch, as `removed` and `entries` hand it out. */
export interface LedgerEntry {
  readonly appId: number;
  readonly tableId: number;
  readonly priority: number;
  /**
   * The flow's match in its canonical form (`matchOfKey`): equal to the
   * app's (`matchesEqual`; what a strict delete names), not its objects.
   */
  readonly match: Match;
  /** The app set OFPFF_SEND_FLOW_REM itself: it gets the flow-removed event. */
  readonly notifyApp: boolean;
}

/** A flow handed out: its match made from a copy of its key when first read (a FLOW_REMOVED's route reads `notifyApp` only). */
class HandedOut implements LedgerEntry {
  private cachedMatch: Match | undefined;

  constructor(
    readonly appId: number,
    readonly tableId: number,
    readonly priority: number,
    readonly notifyApp: boolean,
    private readonly key: Uint8Array,
  ) {}

  get match(): Match {
    return (this.cachedMatch ??= matchOfKey(this.key));
  }
}

/** One app's flow ids in one slot. */
type Flows = Set<number>;

/** The index mark of a flow whose owner asked for its flow-removed event. */
const NOTIFY = 1;

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
  /** slotKey(table, priority) -> the flows there, by app: whom an add may overlap, what a non-strict delete walks. */
  private readonly slots = new Map<number, Map<number, Flows>>();
  /**
   * (slot, app, match key) -> flow id, and each flow's record (its slot, app,
   * mark and key): what an add that replaces, a strict delete and a
   * FLOW_REMOVED look up. A flow is its record and its id in `slots`: no
   * object per flow (objects that live as long as the flows fill the young
   * generation's survivors while a switch learns, and lengthen its pauses).
   */
  private readonly index = new FlowIndex();
  /** The match bits of flows compared so far (overlaps in a slot two apps share, non-strict deletes), made from the key once. */
  private readonly bitsById = new Map<number, MatchBits>();
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
   * `key`: `matchKeyOf(mod.match)` when the caller has it already (from the
   * encoded flow-mod: `matchKeyOfEncoded`); made here otherwise.
   * @throws OwnershipError `overlap`, `quota` or `unconfinable`; nothing is recorded then.
   */
  apply(app: AppRef, version: number, mod: FlowModBody, key?: MatchKey): void {
    if (mod.command === OFPFC_ADD) return this.add(app, mod, key ?? matchKeyOf(mod.match));
    const strict = mod.command === OFPFC_MODIFY_STRICT || mod.command === OFPFC_DELETE_STRICT;
    if (strict && version === 1 && this.ownerOf(mod.tableId, mod.priority, key ?? matchKeyOf(mod.match)) !== app.id) {
      throw new OwnershipError('unconfinable', app.name, 'OpenFlow 1.0 cannot confine a strict modify or delete by cookie, and the ledger holds no flow of this app with that table, priority and match');
    }
    if (mod.command === OFPFC_DELETE || mod.command === OFPFC_DELETE_STRICT) this.delete(app.id, mod, strict, key);
  }

  /**
   * The entry a FLOW_REMOVED reports, removed from the ledger; undefined when
   * the ledger did not hold it (deleted already, or from before the switch
   * connected). Its `notifyApp` says whether the owner asked for the event.
   */
  removed(msg: Pick<FlowRemoved, 'cookie' | 'tableId' | 'priority' | 'match'>): LedgerEntry | undefined {
    const id = this.reported(msg);
    if (id < 0) return undefined;
    const entry = this.handOut(id);
    this.drop(id);
    return entry;
  }

  /**
   * Whether the owner of the flow a FLOW_REMOVED reports asked for the event;
   * undefined when the ledger does not hold it. Leaves the ledger as it is
   * (`removed` takes the flow out).
   */
  notifies(msg: Pick<FlowRemoved, 'cookie' | 'tableId' | 'priority' | 'match'>): boolean | undefined {
    const id = this.reported(msg);
    return id < 0 ? undefined : this.index.mark(id) === NOTIFY;
  }

  /** The id of the flow a FLOW_REMOVED reports (its owner in the cookie's app bits); -1 when the ledger does not hold it. */
  private reported(msg: Pick<FlowRemoved, 'cookie' | 'tableId' | 'priority' | 'match'>): number {
    return this.index.find(slotKey(msg.tableId, msg.priority), appIdOf(msg.cookie), matchKeyOf(msg.match));
  }

  /** The flows `appId` holds here. */
  entries(appId: number): LedgerEntry[] {
    const out: LedgerEntry[] = [];
    for (const byApp of this.slots.values()) for (const id of byApp.get(appId) ?? []) out.push(this.handOut(id));
    return out;
  }

  /** Forgets every flow of `appId` (its flows were deleted from the switch). */
  forgetApp(appId: number): void {
    for (const byApp of this.slots.values()) for (const id of byApp.get(appId) ?? []) this.drop(id);
    this.counts.delete(appId);
  }

  /**
   * The flow `appId` holds with this table, priority and match key, which an
   * add of the app with them replaces; -1 for none (`apply` decides then).
   * Leaves the ledger as it is.
   */
  heldFlow(appId: number, tableId: number, priority: number, key: MatchKey): number {
    return this.index.find(slotKey(tableId, priority), appId, key);
  }

  /**
   * Records an add that replaced flow `id` (`heldFlow`): the switch replaces
   * that flow, so no new flow and nothing made, and no overlap to check (no
   * other app's flow overlaps one in the ledger: whichever came second was
   * refused); only whether the app asked for the flow's removal is updated.
   */
  replacedBy(id: number, askedFlowRemoved: boolean): void {
    const mark = askedFlowRemoved ? NOTIFY : 0;
    if (this.index.mark(id) !== mark) this.index.setMark(id, mark);
  }

  private add(app: AppRef, mod: FlowModBody, key: MatchKey): void {
    const existing = this.heldFlow(app.id, mod.tableId, mod.priority, key);
    if (existing >= 0) return this.replacedBy(existing, appAskedFlowRemoved(mod));
    const mark = appAskedFlowRemoved(mod) ? NOTIFY : 0;
    const slot = slotKey(mod.tableId, mod.priority);
    const byApp = this.slots.get(slot);
    // Most adds land where only the app itself has flows: no other owner to walk, no bits to make.
    const bits = byApp !== undefined && (byApp.size > 1 || !byApp.has(app.id)) ? this.refuseOverlap(app, mod, byApp) : undefined;
    const quota = this.quotaOf(app.id);
    if (this.count(app.id) >= quota) throw new OwnershipError('quota', app.name, `already holds ${quota} flows on this switch, its quota`);
    const id = this.index.insert(slot, app.id, key);
    this.index.setMark(id, mark);
    if (bits !== undefined) this.bitsById.set(id, bits);
    let owners = byApp;
    if (owners === undefined) this.slots.set(slot, (owners = new Map()));
    let own = owners.get(app.id);
    if (own === undefined) owners.set(app.id, (own = new Set()));
    own.add(id);
    this.bump(app.id, 1);
  }

  /**
   * @returns the bits of the add's match, made to compare it with the other apps' flows in its slot.
   * @throws OwnershipError `overlap` when one of them overlaps it.
   */
  private refuseOverlap(app: AppRef, mod: FlowModBody, byApp: ReadonlyMap<number, Flows>): MatchBits {
    const bits = matchBits(mod.match);
    for (const [owner, flows] of byApp) {
      if (owner === app.id) continue;
      for (const id of flows) {
        if (matchesOverlap(this.bitsOf(id), bits)) {
          throw new OwnershipError('overlap', app.name, `table ${mod.tableId} priority ${mod.priority}: the match overlaps a flow of app id ${owner} at the same priority; use another priority (or table) so the switch does not have to choose`);
        }
      }
    }
    return bits;
  }

  /** The match bits of flow `id`, made from its key when first asked. */
  private bitsOf(id: number): MatchBits {
    let bits = this.bitsById.get(id);
    if (bits === undefined) this.bitsById.set(id, (bits = matchBits(matchOfKey(this.index.key(id)))));
    return bits;
  }

  private delete(appId: number, mod: FlowModBody, strict: boolean, given: MatchKey | undefined): void {
    // out_port / out_group filter by actions the ledger does not keep: the switch's FLOW_REMOVED tells.
    if (mod.outPort !== OFPP_ANY || mod.outGroup !== OFPG_ANY) return;
    const key = strict ? (given ?? matchKeyOf(mod.match)) : undefined;
    const bits = strict ? undefined : matchBits(mod.match);
    for (const [slot, byApp] of this.slots) {
      const own = byApp.get(appId);
      if (own === undefined) continue;
      if (mod.tableId !== OFPTT_ALL && mod.tableId !== slot >>> 16) continue;
      if (key !== undefined) {
        const id = mod.priority === (slot & 0xffff) ? this.index.find(slot, appId, key) : -1;
        if (id >= 0) this.drop(id);
        continue;
      }
      for (const id of own) if (matchCovers(bits!, this.bitsOf(id))) this.drop(id);
    }
  }

  /** The app whose flow has this table, priority and match key; undefined for none. */
  private ownerOf(tableId: number, priority: number, key: MatchKey): number | undefined {
    const slot = slotKey(tableId, priority);
    for (const appId of this.slots.get(slot)?.keys() ?? []) if (this.index.find(slot, appId, key) >= 0) return appId;
    return undefined;
  }

  /** Flow `id` as handed out: its fields now, and a copy of its key. */
  private handOut(id: number): HandedOut {
    const slot = this.index.slotOf(id);
    return new HandedOut(this.index.appOf(id), slot >>> 16, slot & 0xffff, this.index.mark(id) === NOTIFY, this.index.key(id).slice());
  }

  /** Takes flow `id` out of the index, its slot and the count. */
  private drop(id: number): void {
    const slot = this.index.slotOf(id);
    const appId = this.index.appOf(id);
    this.index.remove(id);
    this.bitsById.delete(id);
    const byApp = this.slots.get(slot)!;
    const own = byApp.get(appId)!;
    own.delete(id);
    if (own.size === 0) byApp.delete(appId);
    if (byApp.size === 0) this.slots.delete(slot);
    this.bump(appId, -1);
  }

  private bump(appId: number, by: number): void {
    this.counts.set(appId, this.count(appId) + by);
  }
}

/** Table (8 bits) and priority (16 bits) as one number. */
function slotKey(tableId: number, priority: number): number {
  return tableId * 0x10000 + priority;
}
