import { OFPBRC_IS_SLAVE, OFPCR_ROLE_MASTER, OFPCR_ROLE_SLAVE, OFPET_BAD_REQUEST, OFPET_ROLE_REQUEST_FAILED, OFPRRFC_STALE } from '../openflow/constants.js';
import { generationBefore } from './generation.js';
import type { MasterInfo, MastershipConfig, MastershipInput, MastershipOutput, MastershipPhase, RoleChangeCause, SwitchRole } from './types.js';

/**
 * Mastership of one switch (dpid) on one node: a pure state machine. Inputs
 * (`MastershipInput`) carry their time; `handle` returns what the runner must
 * do, in order (`MastershipOutput`). No etcd client, socket or timer inside;
 * single-threaded (call it from the event loop only).
 *
 * Safety rests on one local deadline: `canWrite(nowMs)` is true only in phase
 * `master` and before `renewal sent at + TTL - margin`. A keepalive that etcd
 * acknowledged extends the lease on etcd's side to at least its send time plus
 * the TTL, so this node stops writing before etcd can delete its key, and
 * another node can only win (create the key) after that deletion. The switch
 * fences what is still in flight: the new master's ROLE_REQUEST carries a
 * larger generation id, after which the switch answers the old master's writes
 * with IS_SLAVE and its ROLE_REQUESTs with STALE.
 */
export class MastershipMachine {
  private phaseNow: MastershipPhase = 'disconnected';
  private connected = false;
  /** The create revision of the key this node holds for the switch (won, not yet lost or resigned). */
  private own: bigint | undefined;
  /** The newest holder this node knows of (from a campaign answer or the watch); undefined: no key. */
  private master: MasterInfo | undefined;
  /**
   * The newest revision of the key this node has heard of (a holder's create
   * revision or a deletion's revision). Campaign answers and the watch travel
   * separately, so an answer can arrive after newer news: anything older than
   * this names a key that is already gone.
   */
  private newest: bigint | undefined;
  /** A key of ours being resigned: no new campaign until its deletion (or a newer key) is seen. */
  private resigning: bigint | undefined;
  private deadlineMs = Number.NEGATIVE_INFINITY;
  private campaignPending = false;
  private campaignRetryAtMs = 0;
  private disconnectedAtMs = 0;
  private lastNowMs = 0;
  private writableNow = false;
  private reportedRole: SwitchRole = 'none';
  private reportedMaster: MasterInfo | undefined;
  /** Why the input being handled may change the role (`leaseRenewed` changes neither role nor master, so it sets none). */
  private cause: RoleChangeCause = 'disconnected';
  private outputs: MastershipOutput[] = [];

  constructor(private readonly config: MastershipConfig) {}

  get phase(): MastershipPhase {
    return this.phaseNow;
  }

  /** The role apps see. */
  get role(): SwitchRole {
    return this.phaseNow === 'master' ? 'master' : this.phaseNow === 'slave' ? 'slave' : 'none';
  }

  /** The holder of the switch as this node knows it (this node once it won), or undefined. */
  get currentMaster(): MasterInfo | undefined {
    return this.master;
  }

  /** The generation id this node holds, while it holds one. */
  get generation(): bigint | undefined {
    return this.own;
  }

  /** The local lease deadline in ms (negative infinity without a lease). */
  get leaseDeadlineMs(): number {
    return this.deadlineMs;
  }

  /** Whether a write to the switch may be sent now: master, confirmed by the switch, and before the local lease deadline. */
  canWrite(nowMs: number): boolean {
    return this.phaseNow === 'master' && nowMs < this.deadlineMs;
  }

  /** Feeds one input; returns the outputs it causes, in the order the runner must carry them out. */
  handle(input: MastershipInput): MastershipOutput[] {
    if ('nowMs' in input) this.lastNowMs = Math.max(this.lastNowMs, input.nowMs);
    switch (input.type) {
      case 'switchConnected':
        // With a key of ours this is a reconnect (the old connection was replaced): the role is claimed again.
        this.cause = this.own === undefined ? 'lost' : 'disconnected';
        this.connected = true;
        if (this.own !== undefined && input.nowMs < this.deadlineMs) this.claim(this.own);
        else if (this.own !== undefined) this.lose(true);
        else this.settle();
        break;
      case 'switchDisconnected':
        this.cause = 'disconnected';
        this.connected = false;
        this.disconnectedAtMs = input.nowMs;
        this.phaseNow = 'disconnected';
        break;
      case 'leaseRenewed':
        this.deadlineMs = Math.max(this.deadlineMs, input.sentAtMs + this.config.leaseTtlMs - this.config.marginMs);
        this.lastNowMs = Math.max(this.lastNowMs, input.sentAtMs);
        this.maybeCampaign();
        break;
      case 'etcdLost':
        this.cause = 'etcdLost';
        this.deadlineMs = Number.NEGATIVE_INFINITY;
        if (this.master?.node === this.config.node) this.master = undefined;
        this.resigning = undefined;
        if (this.own !== undefined) this.lose(false);
        else if (this.connected && this.phaseNow === 'steppingDown') this.settle();
        break;
      case 'campaignWon':
        this.cause = 'won';
        this.campaignPending = false;
        this.won(input.generation, input.nowMs);
        break;
      case 'campaignLost':
        this.cause = 'lost';
        this.campaignPending = false;
        this.seen(input.master);
        break;
      case 'campaignFailed':
        this.cause = 'campaignFailed';
        this.campaignPending = false;
        this.campaignRetryAtMs = input.nowMs + this.config.campaignRetryMs;
        // The watch showed our key while the transaction was out (see seen()): its answer was
        // lost, so ask again; the retry finds the key on our lease and wins with it.
        if (this.own === undefined && this.master?.node === this.config.node) this.master = undefined;
        break;
      case 'masterSeen':
        this.cause = 'lost';
        this.seen(input.master);
        break;
      case 'keyDeleted':
        this.cause = 'keyDeleted';
        this.deleted(input.revision);
        break;
      case 'roleReply':
        this.cause = 'won';
        this.roleReply(input.role, input.generationId);
        break;
      case 'switchError':
        this.switchError(input.errorType, input.code);
        break;
      case 'roleStatus':
        this.cause = 'roleStatus';
        if (this.own !== undefined && input.role !== OFPCR_ROLE_MASTER) this.lose(true);
        break;
      case 'tick':
        this.tick(input.nowMs);
        break;
    }
    this.report();
    return this.outputs.splice(0);
  }

  private tick(nowMs: number): void {
    this.cause = this.own !== undefined && nowMs >= this.deadlineMs ? 'deadline' : 'disconnected';
    if (this.own !== undefined && nowMs >= this.deadlineMs) this.lose(true);
    else if (this.own !== undefined && !this.connected && nowMs - this.disconnectedAtMs >= this.config.disconnectGraceMs) this.lose(true);
    this.maybeCampaign();
  }

  private claim(generation: bigint): void {
    this.phaseNow = 'claiming';
    this.outputs.push({ type: 'roleRequest', role: 'master', generationId: generation });
  }

  /** Where a connected node without a key of its own stands. */
  private settle(): void {
    if (!this.connected) {
      this.phaseNow = 'disconnected';
    } else if (this.resigning !== undefined) {
      this.phaseNow = 'steppingDown';
    } else if (this.master !== undefined) {
      if (this.phaseNow !== 'slave') this.outputs.push({ type: 'roleRequest', role: 'slave', generationId: this.master.generation });
      this.phaseNow = 'slave';
    } else {
      this.phaseNow = 'candidate';
      this.maybeCampaign();
    }
  }

  private maybeCampaign(): void {
    if (this.phaseNow !== 'candidate' || this.campaignPending || this.master !== undefined) return;
    if (this.lastNowMs < this.campaignRetryAtMs || this.lastNowMs >= this.deadlineMs) return;
    this.campaignPending = true;
    this.outputs.push({ type: 'campaign' });
  }

  /** Gives up the key this node holds: stop writing at once; `resign` deletes it (compare on its generation). */
  private lose(resign: boolean): void {
    const generation = this.own;
    this.own = undefined;
    if (generation !== undefined && this.master?.generation === generation) this.master = undefined;
    if (resign && generation !== undefined) {
      this.resigning = generation;
      this.outputs.push({ type: 'resign', generation });
    }
    this.phaseNow = this.connected ? 'steppingDown' : 'disconnected';
    this.settle();
  }

  private won(generation: bigint, nowMs: number): void {
    const superseded = this.stale(generation);
    if (!this.connected || nowMs >= this.deadlineMs || superseded || this.own !== undefined) {
      this.outputs.push({ type: 'resign', generation });
      return;
    }
    this.heard(generation);
    this.own = generation;
    this.master = { node: this.config.node, generation };
    this.claim(generation);
  }

  /** Whether a revision is older than the newest news of the key (so it names a key that is gone). */
  private stale(revision: bigint): boolean {
    return this.newest !== undefined && generationBefore(revision, this.newest);
  }

  private heard(revision: bigint): void {
    if (!this.stale(revision)) this.newest = revision;
  }

  private seen(master: MasterInfo): void {
    if (this.stale(master.generation)) return;
    this.heard(master.generation);
    // The watch may show our own win before the campaign transaction answers.
    if (master.node === this.config.node && this.campaignPending) {
      this.master = master;
      return;
    }
    if (this.resigning !== undefined && generationBefore(this.resigning, master.generation)) this.resigning = undefined;
    if (this.own !== undefined && master.generation === this.own) return;
    const changed = this.master?.generation !== master.generation;
    this.master = master;
    if (this.own !== undefined) {
      this.lose(false);
    } else if (this.connected && changed && this.phaseNow === 'slave') {
      this.outputs.push({ type: 'roleRequest', role: 'slave', generationId: master.generation });
    } else if (this.connected && this.phaseNow !== 'slave') {
      this.settle();
    }
  }

  private deleted(revision: bigint): void {
    if (this.stale(revision)) return;
    this.heard(revision);
    if (this.resigning !== undefined && generationBefore(this.resigning, revision)) this.resigning = undefined;
    this.master = undefined;
    if (this.own !== undefined && generationBefore(this.own, revision)) {
      this.lose(false);
    } else if (this.connected && (this.phaseNow === 'slave' || this.phaseNow === 'steppingDown' || this.phaseNow === 'candidate')) {
      this.phaseNow = 'candidate';
      this.settle();
    }
  }

  private roleReply(role: number, generationId: bigint): void {
    if (this.phaseNow !== 'claiming' || this.own === undefined) return;
    // Only the answer to our MASTER request counts: a SLAVE reply here answers an
    // earlier request (replies are not matched by xid); a demotion comes as
    // ROLE_STATUS, IS_SLAVE or STALE.
    if (role === OFPCR_ROLE_MASTER && generationId === this.own) this.phaseNow = 'master';
  }

  private switchError(errorType: number, code: number): void {
    const stale = errorType === OFPET_ROLE_REQUEST_FAILED && code === OFPRRFC_STALE;
    const isSlave = errorType === OFPET_BAD_REQUEST && code === OFPBRC_IS_SLAVE;
    this.cause = stale ? 'stale' : 'isSlave';
    // A slave's STALE says the switch knows a newer master than we do: the watch will tell who.
    if ((stale || isSlave) && this.own !== undefined) this.lose(true);
  }

  private report(): void {
    const writable = this.phaseNow === 'master';
    if (writable !== this.writableNow) {
      this.writableNow = writable;
      const output: MastershipOutput = { type: 'writable', writable };
      if (writable) this.outputs.push(output);
      else this.outputs.unshift(output);
    }
    const role = this.role;
    const master = this.master;
    if (role !== this.reportedRole || master?.node !== this.reportedMaster?.node || master?.generation !== this.reportedMaster?.generation) {
      this.reportedRole = role;
      this.reportedMaster = master;
      this.outputs.push({ type: 'roleChanged', role, master, cause: this.cause });
    }
  }
}

/** The role constants of ROLE_REQUEST for the machine's `roleRequest` output. */
export function openflowRole(role: 'master' | 'slave'): number {
  return role === 'master' ? OFPCR_ROLE_MASTER : OFPCR_ROLE_SLAVE;
}
