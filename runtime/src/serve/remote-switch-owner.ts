import type { Logger } from 'pino';
import type { AppEvent, Command, SwitchDirectory } from '../core/index.js';
import type { SwitchCommand, SwitchEvent, SwitchMessage, SwitchResult } from '../generated/sdn/overlay/v1/overlay.js';
import { SwitchCommandKind, SwitchFailure } from '../generated/sdn/overlay/v1/overlay.js';
import { decodeMessage, formatDpid, type OfpMessage } from '../openflow/index.js';
import type { NodeId } from '../overlay/index.js';
import { isLldp } from '../topology/index.js';
import { SHED_QUEUE_SHARE, type OverlayRunner } from './overlay-runner.js';
import { recordWants, sentByInterest } from './remote-switch-interest.js';
import type { RemoteSwitchMetrics } from './remote-switch-metrics.js';
import { encodeModel, eventToWire, failureToWire, FORWARDED_KINDS, type ForwardedEvent } from './remote-switch-wire.js';

const FORWARDED = new Set<string>(FORWARDED_KINDS);
/** A batch is sent at once when it holds this many events or OpenFlow bytes (well under the overlay's 4 MiB frame). */
const MAX_BATCH_EVENTS = 512;
const MAX_BATCH_BYTES = 1024 * 1024;

/**
 * The owning side of remote switches: announces this node's switches in the
 * overlay directory (`setDpids`), sends their events to the other nodes, and
 * runs the commands other nodes send to them on the local directory, answering
 * each with a SwitchResult. Lifecycle events (switchUp, switchDown, portStatus)
 * go to every reachable node, so every node's directory of remote switches is
 * current (a node that becomes reachable first gets a switchUp per switch);
 * packet-ins, flow-removed and errors go only to the nodes whose record
 * announces interest in that kind and switch (remote-switch-interest.ts), and
 * are shed (counted) while the overlay link toward a node is over half full,
 * rather than filling it until the runner closes it. Those go in frames of their
 * own marked sheddable, so that a relay whose link onward backs up sheds them too
 * (overlay/README.md, "Shedding"); lifecycle events are never in such a frame.
 * Confinement (ownership) happened on the sender's node; commands run here
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
  /** Events of this turn not sent yet (flushed on the next turn, or when a bound is reached). */
  private batch: SwitchEvent[] = [];
  /** Per event of `batch`: whether it goes only to the nodes interested in its kind, and that kind. */
  private batchKinds: (string | undefined)[] = [];
  private batchBytes = 0;
  private flushScheduled = false;
  private readonly nodeId: NodeId;

  constructor(
    private readonly overlay: OverlayRunner,
    private readonly local: SwitchDirectory,
    private readonly log: Logger,
    private readonly metrics: RemoteSwitchMetrics,
  ) {
    this.nodeId = overlay.node.nodeId;
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
    const forwarded = event as ForwardedEvent;
    if (forwarded.type === 'switchUp') this.up.add(forwarded.dpid);
    if (forwarded.type === 'switchDown') this.up.delete(forwarded.dpid);
    if (forwarded.type === 'switchUp' || forwarded.type === 'switchDown') this.announce();
    const wire = eventToWire(forwarded, ++this.seq);
    this.batch.push(wire);
    this.batchKinds.push(sentByInterest(forwarded.type) ? forwarded.type : undefined);
    this.batchBytes += wire.body?.$case === 'openflow' ? wire.body.value.length : 256;
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
    const events = this.batch;
    const kinds = this.batchKinds;
    this.batch = [];
    this.batchKinds = [];
    this.batchBytes = 0;
    const everyone = kinds.every((kind) => kind === undefined);
    const all: SwitchMessage = { body: { $case: 'events', value: { events } } };
    for (const node of this.overlay.node.routes().keys()) {
      if (everyone) {
        this.sendTo(node, all);
        continue;
      }
      const record = this.overlay.node.record(node);
      const busy = this.overlay.sendQueueShare(node) > SHED_QUEUE_SHARE;
      let shed = 0;
      const wanted: SwitchEvent[] = [];
      const sheddable: boolean[] = [];
      events.forEach((event, i) => {
        const kind = kinds[i];
        if (kind !== undefined && !recordWants(record, kind, event.dpid)) return;
        if (kind !== undefined && busy) {
          shed++;
          return;
        }
        wanted.push(event);
        sheddable.push(kind !== undefined);
      });
      if (shed > 0) this.shed(node, shed);
      this.sendRuns(node, wanted, sheddable);
    }
  }

  /**
   * Sends `events` to `node` in order, one frame per run of events alike in
   * `sheddable` (usually the whole batch), so a relay may drop the by-interest
   * runs without ever dropping a lifecycle event.
   */
  private sendRuns(node: NodeId, events: readonly SwitchEvent[], sheddable: readonly boolean[]): void {
    let start = 0;
    for (let end = 1; end <= events.length; end++) {
      if (end < events.length && sheddable[end] === sheddable[start]) continue;
      this.sendTo(node, { body: { $case: 'events', value: { events: events.slice(start, end) } } }, sheddable[start] === true);
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
      this.sendTo(node, { body: { $case: 'event', value: eventToWire({ type: 'switchUp', node: this.nodeId, dpid, view }, ++this.seq) } });
    }
  }

  private onCommand(from: NodeId, command: SwitchCommand): void {
    this.metrics.commandsServed.inc();
    const answer = (result: SwitchResult): void => {
      if (command.kind !== SwitchCommandKind.SWITCH_COMMAND_KIND_SEND) this.sendTo(from, { body: { $case: 'result', value: result } });
    };
    const handle = this.local.lookup(command.dpid);
    if (handle === undefined) {
      answer({ correlation: command.correlation, failure: SwitchFailure.SWITCH_FAILURE_UNAVAILABLE, detail: `no switch ${formatDpid(command.dpid)} is connected here`, replies: [], openflow: Buffer.alloc(0) });
      return;
    }
    const done = (replies: readonly OfpMessage[]): void => answer({ correlation: command.correlation, failure: SwitchFailure.SWITCH_FAILURE_UNSPECIFIED, detail: '', replies: replies.map((r) => encodeModel(r)), openflow: Buffer.alloc(0) });
    const failed = (err: unknown): void => {
      if (command.kind === SwitchCommandKind.SWITCH_COMMAND_KIND_SEND) this.warnSendFailed(from, command.dpid, err);
      answer(failureToWire(command.correlation, err));
    };
    try {
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
          answer({ correlation: command.correlation, failure: SwitchFailure.SWITCH_FAILURE_REJECTED, detail: `command kind ${command.kind} unknown`, replies: [], openflow: Buffer.alloc(0) });
      }
    } catch (err) {
      failed(err);
    }
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
