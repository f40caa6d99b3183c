import type { Logger } from 'pino';
import type { AppEvent, AppIdentity, AppSwitchHandle, Command, EventBus, SwitchDirectory, SwitchHandle, SwitchRoleView, SwitchView } from '../core/index.js';
import type { SwitchCommand, SwitchEvent, SwitchMessage, SwitchResult } from '../generated/sdn/overlay/v1/overlay.js';
import { AppKind, SwitchCommandKind, SwitchFailure } from '../generated/sdn/overlay/v1/overlay.js';
import { decodeMessage, encodeMessageInto, expectWholeMessage, OFPPR_DELETE, Writer, type OfpMessage, type Port } from '../openflow/index.js';
import type { NodeId } from '../overlay/index.js';
import { SwitchBusyError, SwitchUnavailableError } from '../switch/session.js';
import type { OverlayRunner } from './overlay-runner.js';
import type { RemoteSwitchMetrics } from './remote-switch-metrics.js';
import { readPack } from './remote-switch-pack.js';
import { appKindToWire, commandVersion, failureFromWire, viewFromWire } from './remote-switch-wire.js';

export interface RemoteSwitchesOptions {
  /** A command's result must be back within this many ms, or it rejects with SwitchUnavailableError. */
  readonly timeoutMs: number;
  /** Commands awaiting a result per owning node; one more rejects with SwitchBusyError. */
  readonly maxInFlightPerNode: number;
}

export const remoteSwitchDefaults: RemoteSwitchesOptions = { timeoutMs: 10_000, maxInFlightPerNode: 4096 };

interface Remote {
  readonly view: SwitchView & { ports: Map<number, Port> };
  readonly handle: SwitchHandle;
  lastSeq: bigint;
}

interface Pending {
  readonly owner: NodeId;
  /** The app the command was sent for (the owner confines it), if any: an ownership refusal is thrown as its OwnershipError. */
  readonly app: string | undefined;
  readonly resolve: (replies: readonly OfpMessage[]) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * Other nodes' switches as a `SwitchDirectory` (core's MergedDirectory puts it
 * behind this node's registry). Their views and events come from the owning
 * nodes' SwitchEvents (remote-switch-owner.ts) and are published on this node's
 * bus with `node` = the owner, in the owner's order (an event older than the
 * last one seen is dropped and counted). A handle's commands travel to the owner
 * as SwitchCommands; each awaited one is bounded in time (`timeoutMs`) and in
 * number per owner (`maxInFlightPerNode`), and rejects with the error classes of
 * a local handle. When the owner says it confines apps' commands (its view's
 * `confinesApps`), a handle has `forApp`: an app's commands go as the app wrote
 * them, with its name, kind and id, and the owner's refusals come back as the
 * app's OwnershipError; otherwise the app's scope confines them here. A node that becomes unreachable takes its switches with it
 * (switchDown, reason `peerClosed`) and fails its commands in flight.
 * This node's role for a remote switch is `slave` with the owner as `masterNode`:
 * it writes through the owner. Apps never see a switch come up twice without a
 * switchDown between: a switchUp from a new owner (a new master announced itself
 * before the old one was seen gone), a repeated one (the switch reconnected and
 * its switchDown was lost), or this node becoming its master (`onLocalEvent`)
 * first takes the known one down. Event loop thread only.
 */
export class RemoteSwitches implements SwitchDirectory {
  private readonly remotes = new Map<bigint, Remote>();
  private readonly pending = new Map<bigint, Pending>();
  private readonly inFlight = new Map<NodeId, number>();
  private nextCorrelation = 1n;
  /**
   * events_total per kind, not added yet: added once per message from the owner
   * (`addCounts`), since prom-client hashes the labels on every inc, even of a
   * bound series (once per packet-in, that was 8 % of a receiving node's CPU).
   */
  private readonly uncounted = new Map<string, number>();

  constructor(
    private readonly overlay: OverlayRunner,
    private readonly bus: Pick<EventBus, 'publish'>,
    private readonly log: Logger,
    private readonly metrics: RemoteSwitchMetrics,
    private readonly options: RemoteSwitchesOptions = remoteSwitchDefaults,
    /** This node's switches: one this node is master of is driven here, and another node's events for it are dropped. */
    private readonly local?: SwitchDirectory,
  ) {
    overlay.onOutput((output) => {
      if (output.kind === 'node-unreachable') this.lost(output.node);
      else if (output.kind === 'switch-message') this.onMessage(output.from, output.message);
    });
  }

  /**
   * An event of this node's registry, before the bus routes it: a local switchUp
   * (this node became the switch's master, possibly before the old master's node
   * was seen unreachable) takes the remote switch down first, so apps see
   * switchDown(old owner) and then switchUp(this node).
   */
  onLocalEvent(event: AppEvent): void {
    if (event.type !== 'switchUp') return;
    const known = this.remotes.get(event.dpid);
    if (known === undefined) return;
    this.forget(event.dpid);
    this.publish({ type: 'switchDown', node: known.view.node, dpid: event.dpid, reason: 'notMaster', detail: `node ${event.node} (this node) is its master now` });
    this.addCounts();
  }

  lookup(dpid: bigint): SwitchHandle | undefined {
    return this.remotes.get(dpid)?.handle;
  }

  view(dpid: bigint): SwitchView | undefined {
    return this.remotes.get(dpid)?.view;
  }

  list(): readonly SwitchView[] {
    return [...this.remotes.values()].map((r) => r.view);
  }

  role(dpid: bigint): SwitchRoleView | undefined {
    const remote = this.remotes.get(dpid);
    return remote === undefined ? undefined : { role: 'slave', masterNode: String(remote.view.node), generation: undefined };
  }

  private onMessage(from: NodeId, message: SwitchMessage): void {
    try {
      this.onBody(from, message);
    } finally {
      this.addCounts();
    }
  }

  private onBody(from: NodeId, message: SwitchMessage): void {
    const body = message.body;
    if (body?.$case === 'event') this.onEvent(from, body.value);
    else if (body?.$case === 'events') for (const event of body.value.events) this.onEvent(from, event);
    else if (body?.$case === 'packed') this.onPack(from, body.value.records);
    else if (body?.$case === 'result') this.onResult(from, body.value);
    // A case this build does not know (decoded as none), or one a relay of an earlier build emptied (overlay/README.md, "Wire format and versions"); commands are SwitchOwner's.
    else if (body === undefined) this.drop('empty');
  }

  /** A SwitchEventPack: each record as a SwitchEvent of its OpenFlow message, decoded in place. */
  private onPack(from: NodeId, records: Uint8Array): void {
    try {
      readPack(records, (dpid, seq, buf, offset) => this.onOpenflow(from, dpid, seq, buf, offset));
    } catch (err) {
      // Only readPack throws here (onOpenflow contains its own faults): the records after the fault are lost.
      this.metrics.dropped.inc({ reason: 'malformed' });
      this.metrics.warnOnce('pack-malformed', this.log, { from, err }, 'a pack of remote switch events did not parse; the rest of it was dropped');
    }
  }

  private onEvent(from: NodeId, event: SwitchEvent): void {
    const body = event.body;
    // A view of the frame's bytes, not a copy: the codec only reads them, and packet-in data it keeps is sliced from them.
    if (body?.$case === 'openflow') return this.onOpenflow(from, event.dpid, event.seq, Buffer.from(body.value.buffer, body.value.byteOffset, body.value.byteLength), 0);
    if (this.drivenHere(event.dpid)) {
      // Connected here too (mastership): this node publishes its events (onLocalEvent took any remote entry down when it became master).
      return this.drop('driven-here');
    }
    const known = this.remotes.get(event.dpid);
    try {
      if (body?.$case === 'up') {
        if (known !== undefined && known.view.node === from && event.seq <= known.lastSeq) return this.drop('stale');
        if (known !== undefined) this.replaced(known, from);
        const view = viewFromWire(event.dpid, from, body.value);
        this.remotes.set(event.dpid, { view, handle: this.handleFor(view, body.value.confinesApps), lastSeq: event.seq });
        this.metrics.remoteSwitches.set(this.remotes.size);
        this.publish({ type: 'switchUp', node: from, dpid: event.dpid, view });
        return;
      }
      if (known === undefined || known.view.node !== from) return this.drop('unknown-switch');
      if (event.seq <= known.lastSeq) return this.drop('stale');
      known.lastSeq = event.seq;
      if (body?.$case === 'down') {
        this.forget(event.dpid);
        this.publish({ type: 'switchDown', node: from, dpid: event.dpid, reason: 'peerClosed', detail: `on node ${from}: ${body.value.reason} ${body.value.detail}` });
        return;
      }
      return this.drop('malformed');
    } catch (err) {
      this.metrics.dropped.inc({ reason: 'malformed' });
      this.metrics.warnOnce('event-malformed', this.log, { from, err }, 'an event of a remote switch did not decode; dropped');
    }
  }

  /** A switch's event as OpenFlow (a SwitchEvent's `openflow`, or a pack's record): the message at `offset` of `buf`. */
  private onOpenflow(from: NodeId, dpid: bigint, seq: bigint, buf: Buffer, offset: number): void {
    if (this.drivenHere(dpid)) return this.drop('driven-here');
    const known = this.remotes.get(dpid);
    if (known === undefined || known.view.node !== from) return this.drop('unknown-switch');
    if (seq <= known.lastSeq) return this.drop('stale');
    known.lastSeq = seq;
    try {
      const decoded = decodeMessage(buf, offset);
      // A 1.0 switch's events travel in the 1.3 model (remote-switch-wire.ts, encodeModel); here they carry its version again, as on its own node.
      const message = known.view.version === decoded.version ? decoded : { ...decoded, version: known.view.version };
      // Object literals, not a spread of a shared base: this runs once per packet-in.
      switch (message.type) {
        case 'PacketIn':
          return this.publish({ type: 'packetIn', node: from, dpid, message });
        case 'PortStatus':
          if (message.reason === OFPPR_DELETE) known.view.ports.delete(message.desc.portNo);
          else known.view.ports.set(message.desc.portNo, message.desc);
          return this.publish({ type: 'portStatus', node: from, dpid, message });
        case 'FlowRemoved':
          return this.publish({ type: 'flowRemoved', node: from, dpid, message });
        case 'Error':
        case 'ErrorExperimenter':
          return this.publish({ type: 'error', node: from, dpid, message });
        default:
          return this.drop('malformed');
      }
    } catch (err) {
      this.metrics.dropped.inc({ reason: 'malformed' });
      this.metrics.warnOnce('event-malformed', this.log, { from, err }, 'an event of a remote switch did not decode; dropped');
    }
  }

  /** A switchUp for a known switch: apps are told the known one went down first (its switchDown was lost, or a new master took it). */
  private replaced(known: Remote, from: NodeId): void {
    const { dpid, node } = known.view;
    if (node === from) this.publish({ type: 'switchDown', node, dpid, reason: 'peerClosed', detail: `on node ${node}: the switch connected again (its switchDown did not arrive)` });
    else this.publish({ type: 'switchDown', node, dpid, reason: 'notMaster', detail: `node ${from} is its master now` });
  }

  private drivenHere(dpid: bigint): boolean {
    return this.local?.role(dpid)?.role === 'master';
  }

  /** Publishes on the bus; the caller calls `addCounts` before it returns to the event loop. */
  private publish(event: Parameters<EventBus['publish']>[0]): void {
    this.uncounted.set(event.type, (this.uncounted.get(event.type) ?? 0) + 1);
    this.bus.publish(event);
  }

  private addCounts(): void {
    for (const [kind, count] of this.uncounted) this.metrics.events.inc({ kind }, count);
    this.uncounted.clear();
  }

  private drop(reason: string): void {
    this.metrics.dropped.inc({ reason });
    this.metrics.warnOnce(`drop-${reason}`, this.log, { reason }, 'a remote-switch message from another node was not used (stale: reordered by a route change; unknown-switch: its switchUp was missed; late-result: its command had timed out; driven-here: this node is master of the switch; empty: a message of a kind this node does not know, or emptied by a relay of an earlier build)');
  }

  private onResult(from: NodeId, result: SwitchResult): void {
    const pending = this.pending.get(result.correlation);
    if (pending === undefined || pending.owner !== from) return this.drop('late-result');
    this.settle(result.correlation, pending);
    if (result.failure === SwitchFailure.SWITCH_FAILURE_UNSPECIFIED) {
      this.metrics.commands.inc({ outcome: 'ok' });
      try {
        pending.resolve(result.replies.map((r) => decodeMessage(Buffer.from(r))));
      } catch (err) {
        this.metrics.commands.inc({ outcome: 'malformed' });
        pending.reject(new SwitchUnavailableError(`node ${from} answered with a reply that did not decode: ${(err as Error).message}`));
      }
      return;
    }
    const error = failureFromWire(result, from, pending.app);
    this.metrics.commands.inc({ outcome: SwitchFailure[result.failure] ?? 'unknown' });
    pending.reject(error);
  }

  private settle(correlation: bigint, pending: Pending): void {
    clearTimeout(pending.timer);
    this.pending.delete(correlation);
    this.inFlight.set(pending.owner, (this.inFlight.get(pending.owner) ?? 1) - 1);
  }

  /** A node is unreachable: its switches go down here, its commands in flight fail. */
  private lost(node: NodeId): void {
    for (const [correlation, pending] of this.pending) {
      if (pending.owner !== node) continue;
      this.settle(correlation, pending);
      this.metrics.commands.inc({ outcome: 'unreachable' });
      pending.reject(new SwitchUnavailableError(`node ${node}, which owns the switch, became unreachable`));
    }
    this.inFlight.delete(node);
    for (const [dpid, remote] of [...this.remotes]) {
      if (remote.view.node !== node) continue;
      this.forget(dpid);
      this.publish({ type: 'switchDown', node, dpid, reason: 'peerClosed', detail: `node ${node} became unreachable` });
    }
    this.addCounts();
  }

  private forget(dpid: bigint): void {
    this.remotes.delete(dpid);
    this.metrics.remoteSwitches.set(this.remotes.size);
  }

  /** The handle of a remote switch; with `forApp` when its owner confines apps' commands (`confinesApps`). */
  private handleFor(view: SwitchView, confinesApps: boolean): SwitchHandle {
    const { dpid, node: owner, version } = view;
    const encode = (command: Command): Buffer => {
      const w = new Writer(128);
      encodeMessageInto(command, w, commandVersion(version), 0);
      return Buffer.from(w.view());
    };
    const send = (kind: SwitchCommandKind, openflow: Buffer, correlation: bigint, app: AppIdentity | undefined): void => {
      if (this.remotes.get(dpid)?.view !== view) throw new SwitchUnavailableError(`switch ${dpid} of node ${owner} is gone`);
      try {
        this.overlay.control((node) => node.sendSwitchMessage(owner, { body: { $case: 'command', value: commandOf(correlation, dpid, kind, openflow, app) } }));
      } catch (err) {
        this.metrics.commands.inc({ outcome: 'no-route' });
        throw new SwitchUnavailableError(`node ${owner}, which owns switch ${dpid}, is unreachable`, { cause: err });
      }
    };
    const awaited = (kind: SwitchCommandKind, openflow: Buffer, app: AppIdentity | undefined): Promise<readonly OfpMessage[]> => {
      const count = this.inFlight.get(owner) ?? 0;
      if (count >= this.options.maxInFlightPerNode) {
        this.metrics.commands.inc({ outcome: 'in-flight-limit' });
        return Promise.reject(new SwitchBusyError(`${count} commands to node ${owner} await their results`, 0));
      }
      const correlation = this.nextCorrelation++;
      const result = new Promise<readonly OfpMessage[]>((resolve, reject) => {
        const timer = setTimeout(() => {
          const pending = this.pending.get(correlation);
          if (pending === undefined) return;
          this.settle(correlation, pending);
          this.metrics.commands.inc({ outcome: 'timeout' });
          reject(new SwitchUnavailableError(`no result from node ${owner} within ${this.options.timeoutMs} ms`));
        }, this.options.timeoutMs);
        this.pending.set(correlation, { owner, app: app?.name, resolve, reject, timer });
        this.inFlight.set(owner, count + 1);
      });
      // As a local handle's: an app may never look at the promise; an app that awaits it still gets the rejection.
      result.catch(() => {});
      try {
        send(kind, openflow, correlation, app);
      } catch (err) {
        const pending = this.pending.get(correlation)!;
        this.settle(correlation, pending);
        pending.reject(err as Error);
      }
      return result;
    };
    /** The handle's calls, for `app` (the owner confines) or for none (sent as they are). */
    const handleOf = (app: AppIdentity | undefined): SwitchHandle => ({
      dpid,
      node: owner,
      version,
      send: (command) => send(SwitchCommandKind.SWITCH_COMMAND_KIND_SEND, encode(command), 0n, app),
      sendEncoded: (message) => {
        expectWholeMessage(message, version);
        // A copy: the overlay may hold the message until its next tick, and the caller may reuse its buffer (a plugin's reply area).
        send(SwitchCommandKind.SWITCH_COMMAND_KIND_SEND, Buffer.from(message), 0n, app);
      },
      sendConfirmed: (command) => awaited(SwitchCommandKind.SWITCH_COMMAND_KIND_SEND_CONFIRMED, encode(command), app).then(() => undefined),
      request: (command) => awaited(SwitchCommandKind.SWITCH_COMMAND_KIND_REQUEST, encode(command), app),
      barrier: () => awaited(SwitchCommandKind.SWITCH_COMMAND_KIND_BARRIER, Buffer.alloc(0), app).then(() => undefined),
    });
    const handle = handleOf(undefined);
    if (!confinesApps) return handle;
    const forApp = (app: AppIdentity): AppSwitchHandle => ({
      ...handleOf(app),
      removeFlows: () => awaited(SwitchCommandKind.SWITCH_COMMAND_KIND_REMOVE_APP_FLOWS, Buffer.alloc(0), app).then(() => undefined),
    });
    return { ...handle, forApp };
  }
}

function commandOf(correlation: bigint, dpid: bigint, kind: SwitchCommandKind, openflow: Buffer, app: AppIdentity | undefined): SwitchCommand {
  if (app === undefined) return { correlation, dpid, kind, openflow, appName: '', appKind: AppKind.APP_KIND_UNSPECIFIED, appId: 0 };
  return { correlation, dpid, kind, openflow, appName: app.name, appKind: appKindToWire(app.kind), appId: app.id };
}
