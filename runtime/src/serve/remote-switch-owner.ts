import type { Logger } from 'pino';
import type { AppEvent, AppIdentity, AppScope, Command, Ownership, SwitchDirectory } from '../core/index.js';
import type { SwitchCommand, SwitchEvent, SwitchMessage } from '../generated/sdn/overlay/v1/overlay.js';
import { SwitchCommandKind, SwitchFailure, SwitchResult } from '../generated/sdn/overlay/v1/overlay.js';
import { decodeMessage, formatDpid, type OfpMessage } from '../openflow/index.js';
import type { NodeId } from '../overlay/index.js';
import { SwitchUnavailableError } from '../switch/session.js';
import { isLldp } from '../topology/index.js';
import { SHED_QUEUE_SHARE, type OverlayRunner } from './overlay-runner.js';
import { InterestAnywhere, recordReadsPacked, recordWants, sentByInterest } from './remote-switch-interest.js';
import type { RemoteSwitchMetrics } from './remote-switch-metrics.js';
import { PACK_RECORD_HEADER_SIZE, PackWriter } from './remote-switch-pack.js';
import { appKindFromWire, encodeModel, eventToWire, failureToWire, FORWARDED_KINDS, RemoteSwitchError, type ForwardedEvent } from './remote-switch-wire.js';

const FORWARDED = new Set<string>(FORWARDED_KINDS);
/** A batch is sent at once when it holds this many events or OpenFlow bytes (well under the overlay's 4 MiB frame). */
const MAX_BATCH_EVENTS = 512;
const MAX_BATCH_BYTES = 1024 * 1024;

/** This node's flow ownership, for the commands other nodes send as their apps wrote them. */
export interface OwnerApps {
  readonly ownership: Ownership;
  /** The directory this node's apps' scopes are over (`Controller`'s): a sender's app gets its namesake's scope here. */
  readonly directory: SwitchDirectory;
}

/**
 * The owning side of remote switches: announces this node's switches in the
 * overlay directory (`setDpids`), sends their events to the other nodes, and
 * runs the commands other nodes send to them on the local directory, answering
 * each with a SwitchResult. Lifecycle events (switchUp, switchDown, portStatus)
 * go to every reachable node, so every node's directory of remote switches is
 * current (a node that becomes reachable first gets a switchUp per switch);
 * packet-ins, flow-removed and errors go only to the nodes whose record
 * announces interest in that kind and switch (remote-switch-interest.ts; one
 * that no reachable node wants is dropped as it is taken, never packed), and
 * are shed (counted) while the overlay link toward a node is over half full,
 * rather than filling it until the runner closes it. Those go in frames of their
 * own marked sheddable, so that a relay whose link onward backs up sheds them too
 * (overlay/README.md, "Shedding"); lifecycle events are never in such a frame.
 * Those frames are SwitchEventPacks (remote-switch-pack.ts: each event encoded
 * once, straight into one buffer a frame carries a slice of) to nodes that read
 * them, SwitchEventBatches to a node of an earlier build.
 * With `apps` (this build's runtime), the switchUp views say `confinesApps`:
 * a sender sends an app's command as the app wrote it, named as the app, and
 * it is confined here by the app's scope, so this node's one ledger per switch
 * checks the apps of every node against each other (docs/apps-sharing-a-switch.md);
 * a refusal goes back as SWITCH_FAILURE_OWNERSHIP. A command without an app
 * (a sender of an earlier build confined it, or the operator's) runs
 * unconfined. Event loop thread only.
 */
export class SwitchOwner {
  /** The local switches apps were told are up (announced in the directory). */
  private readonly up = new Set<bigint>();
  /**
   * SwitchEvent.seq, one counter for all switches (per-switch order is a part of
   * it), starting from the wall clock so that a restarted node's events are newer
   * than its previous run's: a receiver that missed the switchDown still takes
   * the new switchUp.
   */
  private seq = BigInt(Date.now()) << 20n;
  /**
   * Events of this turn not sent yet (flushed on the next turn, or when a bound
   * is reached): lifecycle events as SwitchEvents; by-interest ones as records
   * of `pack` (undefined here until a node of an earlier build needs them as SwitchEvents).
   */
  private batch: (SwitchEvent | undefined)[] = [];
  /** Per event of `batch`: whether it goes only to the nodes interested in its kind, and that kind. */
  private batchKinds: (string | undefined)[] = [];
  /** Per event of `batch`: its dpid (by-interest events have no SwitchEvent to read it from). */
  private batchDpids: bigint[] = [];
  /** Per event of `batch`: where its record starts and ends in the batch's records of `pack` (-1, -1: a lifecycle event). */
  private batchSpans: number[] = [];
  private readonly pack = new PackWriter();
  private batchBytes = 0;
  /** By-interest events in `batch` (the packed metric, added per flush). */
  private batchPacked = 0;
  private flushScheduled = false;
  private readonly nodeId: NodeId;
  private readonly interest: InterestAnywhere;
  private readonly confinesApps: boolean;

  constructor(
    private readonly overlay: OverlayRunner,
    private readonly local: SwitchDirectory,
    private readonly log: Logger,
    private readonly metrics: RemoteSwitchMetrics,
    /** Absent: this node runs commands as they come, as an earlier build did (senders confine them). */
    private readonly apps?: OwnerApps,
  ) {
    this.nodeId = overlay.node.nodeId;
    this.interest = new InterestAnywhere(overlay.node);
    this.confinesApps = apps !== undefined;
    overlay.onOutput((output) => {
      if (output.kind === 'node-reachable') this.introduce(output.node);
      else if (output.kind === 'switch-message' && output.message.body?.$case === 'command') this.onCommand(output.from, output.message.body.value);
    });
  }

  /** Every event the registry publishes, before the bus routes it (ownership rewrites owned packet-ins' cookies). */
  onLocalEvent(event: AppEvent): void {
    if (event.node !== this.nodeId || !FORWARDED.has(event.type)) return;
    // LLDP is this node's topology's (it claims its probes before any app sees them).
    if (event.type === 'packetIn' && isLldp(event.message.data)) return;
    // The ledger here holds other nodes' apps' flows too: a removal their owner did not ask for goes nowhere.
    if (event.type === 'flowRemoved' && this.apps?.ownership.flowRemovedWanted(event) === false) return;
    const forwarded = event as ForwardedEvent;
    if (forwarded.type === 'switchUp') this.up.add(forwarded.dpid);
    if (forwarded.type === 'switchDown') this.up.delete(forwarded.dpid);
    if (forwarded.type === 'switchUp' || forwarded.type === 'switchDown') this.announce();
    if (sentByInterest(forwarded.type)) {
      // Decided here, not at flush: an event no reachable node wants is never packed.
      if (!this.interest.wanted(forwarded.type, forwarded.dpid)) return;
      this.batchPacked++;
      const start = this.pack.size;
      this.pack.add(forwarded.dpid, ++this.seq, (forwarded as Extract<ForwardedEvent, { message: unknown }>).message);
      this.batch.push(undefined);
      this.batchKinds.push(forwarded.type);
      this.batchSpans.push(start, this.pack.size);
      this.batchBytes += this.pack.size - start;
    } else {
      const wire = eventToWire(forwarded, ++this.seq, this.confinesApps);
      this.batch.push(wire);
      this.batchKinds.push(undefined);
      this.batchSpans.push(-1, -1);
      this.batchBytes += wire.body?.$case === 'openflow' ? wire.body.value.length : 256;
    }
    this.batchDpids.push(forwarded.dpid);
    if (this.batch.length >= MAX_BATCH_EVENTS || this.batchBytes >= MAX_BATCH_BYTES) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Sends the events taken so far: to each reachable node, one batch of those it is sent (lifecycle, and the kinds it wants). */
  private flush(): void {
    this.flushScheduled = false;
    if (this.batch.length === 0) return;
    const taken: Taken = { events: this.batch, kinds: this.batchKinds, dpids: this.batchDpids, spans: this.batchSpans, records: this.pack.endBatch() };
    this.batch = [];
    this.batchKinds = [];
    this.batchDpids = [];
    this.batchSpans = [];
    this.batchBytes = 0;
    if (this.batchPacked > 0) this.metrics.packed.inc(this.batchPacked);
    this.batchPacked = 0;
    const { events, kinds, dpids } = taken;
    const everyone = kinds.every((kind) => kind === undefined);
    const all: SwitchMessage = { body: { $case: 'events', value: { events: events as SwitchEvent[] } } };
    for (const node of this.overlay.node.routes().keys()) {
      if (everyone) {
        this.sendTo(node, all);
        continue;
      }
      const record = this.overlay.node.record(node);
      const busy = this.overlay.sendQueueShare(node) > SHED_QUEUE_SHARE;
      let shed = 0;
      const wanted: number[] = [];
      for (let i = 0; i < events.length; i++) {
        const kind = kinds[i];
        if (kind !== undefined && !recordWants(record, kind, dpids[i]!)) continue;
        if (kind !== undefined && busy) {
          shed++;
          continue;
        }
        wanted.push(i);
      }
      if (shed > 0) this.shed(node, shed);
      this.sendRuns(node, taken, wanted, recordReadsPacked(record));
    }
  }

  /**
   * Sends the events `wanted` (indices into `taken`) to `node` in order, one
   * frame per run of events alike in being by interest (usually the whole
   * batch), so a relay may drop the by-interest runs (marked sheddable) without
   * ever dropping a lifecycle event. A by-interest run goes as a SwitchEventPack
   * when the node reads them (`packed`), else as SwitchEvents.
   */
  private sendRuns(node: NodeId, taken: Taken, wanted: readonly number[], packed: boolean): void {
    const byInterest = (n: number): boolean => taken.kinds[wanted[n]!] !== undefined;
    let start = 0;
    for (let end = 1; end <= wanted.length; end++) {
      if (end < wanted.length && byInterest(end) === byInterest(start)) continue;
      const run = wanted.slice(start, end);
      if (!byInterest(start)) this.sendTo(node, { body: { $case: 'events', value: { events: run.map((i) => taken.events[i]!) } } });
      else if (packed) this.sendTo(node, { body: { $case: 'packed', value: { records: packRecords(taken, run) } } }, true);
      else this.sendTo(node, { body: { $case: 'events', value: { events: run.map((i) => eventOfRecord(taken, i)) } } }, true);
      start = end;
    }
  }

  /** Packet-ins (and flow-removed, errors) not sent to `node` because its overlay link is backed up: counted, logged once a minute. */
  private shed(node: NodeId, count: number): void {
    this.metrics.dropped.inc({ reason: 'shed' }, count);
    this.metrics.warnOnce('shed', this.log, { node }, 'the overlay link toward a node is backed up: its packet-ins are shed until it drains (sdn_runtime_remote_switch_dropped_total{reason="shed"})');
  }

  private announce(): void {
    const dpids = [...this.up];
    try {
      this.overlay.control((node) => node.setDpids(dpids));
    } catch (err) {
      this.metrics.dropped.inc({ reason: 'announce' });
      this.log.warn({ err, switches: dpids.length }, 'the overlay directory does not take this many switches; other nodes see the earlier list');
    }
  }

  /** A node just became reachable: it learns this node's switches (their events follow). */
  private introduce(node: NodeId): void {
    // Events taken before the node was reachable go out first (to the nodes reachable then, and now to it).
    this.flush();
    for (const dpid of this.up) {
      const view = this.local.view(dpid);
      if (view === undefined) continue;
      this.sendTo(node, { body: { $case: 'event', value: eventToWire({ type: 'switchUp', node: this.nodeId, dpid, view }, ++this.seq, this.confinesApps) } });
    }
  }

  private onCommand(from: NodeId, command: SwitchCommand): void {
    this.metrics.commandsServed.inc();
    const answer = (result: SwitchResult): void => {
      if (command.kind !== SwitchCommandKind.SWITCH_COMMAND_KIND_SEND) this.sendTo(from, { body: { $case: 'result', value: result } });
    };
    const local = this.local.lookup(command.dpid);
    if (local === undefined) {
      answer(SwitchResult.fromPartial({ correlation: command.correlation, failure: SwitchFailure.SWITCH_FAILURE_UNAVAILABLE, detail: `no switch ${formatDpid(command.dpid)} is connected here` }));
      return;
    }
    const done = (replies: readonly OfpMessage[]): void => answer(SwitchResult.fromPartial({ correlation: command.correlation, replies: replies.map((r) => encodeModel(r)) }));
    const failed = (err: unknown): void => {
      if (command.kind === SwitchCommandKind.SWITCH_COMMAND_KIND_SEND) this.warnSendFailed(from, command.dpid, err);
      answer(failureToWire(command.correlation, err));
    };
    try {
      const sender = command.appName === '' ? undefined : this.senderApp(command);
      // The app's handle confines and checks against this node's ledger of the switch; never the raw one, whatever the scope's directory says.
      const handle = sender === undefined ? local : sender.scope.switches.lookup(command.dpid);
      if (handle === undefined) throw new SwitchUnavailableError(`switch ${formatDpid(command.dpid)} is not in app ${command.appName}'s directory here`);
      if (command.kind === SwitchCommandKind.SWITCH_COMMAND_KIND_REMOVE_APP_FLOWS) {
        if (sender === undefined) throw new RemoteSwitchError('a command to remove an app\'s flows names no app');
        sender.ownership.removeFlows(sender.app, [local]).then((failures) => (failures.length === 0 ? done([]) : failed(failures[0])), failed);
        return;
      }
      if (command.kind === SwitchCommandKind.SWITCH_COMMAND_KIND_BARRIER) {
        handle.barrier().then(() => done([]), failed);
        return;
      }
      // The codec's value carries the sender's header; the session writes its own version and xid.
      const body = decodeMessage(Buffer.from(command.openflow)) as Command;
      switch (command.kind) {
        case SwitchCommandKind.SWITCH_COMMAND_KIND_SEND:
          handle.send(body);
          return;
        case SwitchCommandKind.SWITCH_COMMAND_KIND_SEND_CONFIRMED:
          handle.sendConfirmed(body).then(() => done([]), failed);
          return;
        case SwitchCommandKind.SWITCH_COMMAND_KIND_REQUEST:
          handle.request(body).then(done, failed);
          return;
        default:
          this.metrics.dropped.inc({ reason: 'command-kind' });
          this.log.warn({ from, kind: command.kind }, 'a remote switch command of a kind this node does not know; refused');
          answer(SwitchResult.fromPartial({ correlation: command.correlation, failure: SwitchFailure.SWITCH_FAILURE_REJECTED, detail: `command kind ${command.kind} unknown` }));
      }
    } catch (err) {
      failed(err);
    }
  }

  /**
   * The app a command names (SwitchCommand.app_name), with the scope of its namesake here.
   * @throws OwnershipError `appIds` (Ownership.senderScope); RemoteSwitchError when this node does not confine apps' commands or the app's kind is unknown to it.
   */
  private senderApp(command: SwitchCommand): { readonly app: AppIdentity; readonly scope: AppScope; readonly ownership: Ownership } {
    const kind = appKindFromWire(command.appKind);
    if (this.apps === undefined) throw new RemoteSwitchError(`a command for app ${command.appName}, and this node does not confine apps' commands (it did not say so)`);
    if (kind === undefined) throw new RemoteSwitchError(`a command for app ${command.appName} of kind ${command.appKind}, which this node does not know`);
    const app: AppIdentity = { id: command.appId, name: command.appName, kind };
    return { app, scope: this.apps.ownership.senderScope(app, this.apps.directory), ownership: this.apps.ownership };
  }

  private warnSendFailed(from: NodeId, dpid: bigint, err: unknown): void {
    this.metrics.dropped.inc({ reason: 'send-failed' });
    this.metrics.warnOnce('send-failed', this.log, { from, dpid: formatDpid(dpid), err }, 'a command another node sent to a switch here failed (fire and forget: the sender is not told)');
  }

  private sendTo(node: NodeId, message: SwitchMessage, sheddable = false): void {
    try {
      this.overlay.control((overlay) => overlay.sendSwitchMessage(node, message, { sheddable }));
    } catch {
      // The route went between reading the table and sending: the node's unreachable event follows.
      this.metrics.dropped.inc({ reason: 'no-route' });
    }
  }
}

/** A flushed batch: the owner's batch arrays and the records of its by-interest events (a view that is never written over). */
interface Taken {
  readonly events: readonly (SwitchEvent | undefined)[];
  readonly kinds: readonly (string | undefined)[];
  readonly dpids: readonly bigint[];
  readonly spans: readonly number[];
  readonly records: Buffer;
}

/** The records of by-interest events `run` (indices in order): one view of the pack when they lie together (every node wants the same), else a copy of each. */
function packRecords(taken: Taken, run: readonly number[]): Buffer {
  const first = run[0]!;
  const last = run[run.length - 1]!;
  const { spans, records } = taken;
  if (last - first === run.length - 1) return records.subarray(spans[2 * first]!, spans[2 * last + 1]!);
  return Buffer.concat(run.map((i) => records.subarray(spans[2 * i]!, spans[2 * i + 1]!)));
}

/** A by-interest event as a SwitchEvent (for a node of an earlier build), read back from its record. */
function eventOfRecord(taken: Taken, i: number): SwitchEvent {
  const record = taken.records.subarray(taken.spans[2 * i]!, taken.spans[2 * i + 1]!);
  return { dpid: taken.dpids[i]!, seq: record.readBigUInt64BE(8), body: { $case: 'openflow', value: record.subarray(PACK_RECORD_HEADER_SIZE) } };
}
