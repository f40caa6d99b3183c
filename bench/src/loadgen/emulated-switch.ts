import { connect, type Socket } from 'node:net';
import {
  decodeMessage,
  encodeMessageInto,
  Framer,
  OFPT_FLOW_MOD,
  OFPT_PACKET_OUT,
  Writer,
  type FlowMod,
  type FlowMod10,
  type OfpMessage,
} from '../../../runtime/dist/openflow/index.js';
import { isLldp } from '../../../runtime/dist/topology/index.js';
import type { LatencyHistogram } from './histogram.js';
import { InFlight } from './in-flight.js';
import { monotonicNs } from './clock.js';
import { type HandshakeStep, isTableMiss, type OpenFlowVersion, switchWire, type SwitchWire } from './switch-wire.js';
import { TrafficPlan } from './traffic.js';

export interface EmulatedSwitchOptions {
  /** 0-based position among the emulated switches (names ports, offsets traffic). */
  readonly index: number;
  readonly dpid: bigint;
  /** The only version its HELLO offers. */
  readonly openflow: OpenFlowVersion;
  readonly plan: TrafficPlan;
  /** Ring size for PACKET_INs in flight, a power of two. */
  readonly inFlightCapacity: number;
  /** Where the measured window's latencies go (shared by all switches of a run). */
  readonly histogram: LatencyHistogram;
  /** PACKET_INs kept outstanding once running (throughput mode); 0 when the runner paces sends. */
  readonly window: number;
  /** Most messages per socket.write. */
  readonly batch: number;
  /**
   * 'answered': PACKET_INs whose PACKET_OUTs are matched (the learning-switch
   * benchmark); 'oneWay': PACKET_INs nobody answers, each carrying its send time
   * (the event-stream benchmark); 'none': answer the handshake only (the
   * connection benchmark).
   */
  readonly traffic: Traffic;
}

export type Traffic = 'answered' | 'oneWay' | 'none';

/**
 * connecting -> handshake (answering the controller) -> probing (one PACKET_IN
 * every probe until one is answered: the controller is now handling them) ->
 * running -> stopped (no more PACKET_INs) -> closed. Without traffic the switch
 * stays in handshake; one-way traffic goes from handshake to running once the
 * handshake is answered (nothing answers its PACKET_INs).
 */
export type SwitchState = 'connecting' | 'handshake' | 'probing' | 'running' | 'stopped' | 'closed';

/** Messages from the controller, counted; PACKET_OUTs are sorted by what they do. */
export interface SwitchCounts {
  packetIns: number;
  packetOuts: number;
  /** PACKET_OUTs that flood (the destination was not learned yet). */
  floods: number;
  /** PACKET_OUTs to the destination host's port. */
  unicast: number;
  /** PACKET_OUTs to a port the destination host is not on, or with other actions. */
  wrongOutput: number;
  flowMods: number;
  errors: number;
  /** Messages our codec could not decode. */
  undecodable: number;
  /** LLDP PACKET_OUTs (the controller's probes): not traffic, never matched against it. */
  lldpOut: number;
  /** LLDP PACKET_OUTs out of a cabled port, delivered to the peer switch (counted there as lldpIn). */
  lldpCarried: number;
  /** LLDP frames that came in over a cable and went to the controller as PACKET_INs. */
  lldpIn: number;
}

/** Every count at zero. */
export function zeroCounts(): SwitchCounts {
  return { packetIns: 0, packetOuts: 0, floods: 0, unicast: 0, wrongOutput: 0, flowMods: 0, errors: 0, undecodable: 0, lldpOut: 0, lldpCarried: 0, lldpIn: 0 };
}

/** The far end of a cable: the peer switch and its port. */
interface CableEnd {
  readonly peer: EmulatedSwitch;
  readonly port: number;
}

/**
 * One emulated OpenFlow 1.3 or 1.0 switch over TCP: answers what a controller
 * asks while connecting (HELLO, FEATURES, SET_CONFIG, GET_CONFIG, PORT_DESC and
 * DESC multiparts or the 1.0 DESC stats, BARRIER, ECHO; a 1.0 VENDOR request is
 * refused), then sends PACKET_INs (in_port OXM in 1.3, the header's in_port in
 * 1.0; 64-byte frames, no buffer) and matches the PACKET_OUTs that come back.
 * What differs between the versions is in switch-wire.ts. Replies and PACKET_INs
 * are encoded with the project's codec into one Writer and leave in one write per
 * batch. Ports may be cabled to other emulated switches (`cable`): an LLDP frame
 * the controller sends out of a cabled port comes back, bytes unchanged, as the
 * peer's PACKET_IN on the peer's port, so the controller's link discovery sees
 * the wiring. Not thread-safe; one event loop.
 */
export class EmulatedSwitch {
  readonly options: EmulatedSwitchOptions;
  state: SwitchState = 'connecting';
  readonly inFlight: InFlight;
  readonly counts: SwitchCounts = zeroCounts();
  /** Every other message type the controller sent, with counts (what it asks while connecting). */
  readonly received = new Map<string, number>();
  /** The first priority-0 catch-all FLOW_MOD (the table-miss flow), decoded. */
  tableMiss: FlowMod | FlowMod10 | undefined;
  /** The first other FLOW_MOD (a learned flow), decoded. */
  learnedFlow: FlowMod | FlowMod10 | undefined;
  /** The first OFPT_ERROR, decoded, and the first wrongly sent PACKET_OUT, described. */
  firstError: OfpMessage | undefined;
  firstWrongOutput: string | undefined;
  firstUndecodable: string | undefined;
  /** performance.now() when FEATURES, PORT_DESC and DESC had all been answered. */
  handshakeAnsweredMs: number | undefined;
  /** Why the connection ended, when the controller or the network ended it. */
  closedBy: string | undefined;
  /** Settles when the switch is running (traffic) or has answered the handshake (no traffic). */
  readonly ready: Promise<void>;

  private socket: Socket | undefined;
  private readonly framer = new Framer();
  private readonly out = new Writer(64 * 1024);
  private batched = 0;
  /** One-way throughput: a fill is scheduled for the next turn. */
  private pumpScheduled = false;
  /** The first sequence number taken since the last write: the batch's PACKET_INs are [batchFromSeq, nextSeq). */
  private batchFromSeq = 0;
  private readonly frame = TrafficPlan.newFrame();
  private readonly wire: SwitchWire;
  private readonly answered = new Set<HandshakeStep>();
  private readonly cables = new Map<number, CableEnd>();
  private settleReady: { resolve: () => void; reject: (err: Error) => void } | undefined;
  private readonly closed: Promise<void>;
  private markClosed: () => void = () => {};

  constructor(options: EmulatedSwitchOptions) {
    this.options = options;
    this.inFlight = new InFlight(options.inFlightCapacity);
    this.wire = switchWire(options.openflow, { index: options.index, dpid: options.dpid, ports: options.plan.ports });
    this.ready = new Promise((resolve, reject) => (this.settleReady = { resolve, reject }));
    // A run that fails before awaiting `ready` must not leave an unhandled rejection behind.
    this.ready.catch(() => {});
    this.closed = new Promise((resolve) => (this.markClosed = resolve));
  }

  /** Connects to the controller, retrying refused connections until `deadlineMs` (performance.now() time), and sends HELLO. */
  async connect(host: string, port: number, deadlineMs: number): Promise<void> {
    for (;;) {
      try {
        this.socket = await openSocket(host, port);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ECONNREFUSED' || performance.now() > deadlineMs) throw err;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    const socket = this.socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.fill());
    socket.on('error', (err) => (this.closedBy ??= err.message));
    socket.on('close', () => {
      this.closedBy ??= 'the controller closed the connection';
      if (this.state !== 'stopped') this.settleReady?.reject(new Error(`switch ${this.options.index}: ${this.closedBy} (state ${this.state})`));
      this.state = 'closed';
      this.markClosed();
    });
    this.state = 'handshake';
    this.emit(this.wire.hello());
    this.flush();
  }

  /**
   * Cables `port` of this switch to `peerPort` of `peer`, both ways. Throws when
   * either port is not one the switch announces or is cabled already.
   */
  cable(port: number, peer: EmulatedSwitch, peerPort: number): void {
    for (const [sw, p] of [[this, port], [peer, peerPort]] as const) {
      if (!Number.isInteger(p) || p < 1 || p > sw.options.plan.ports) throw new RangeError(`switch ${sw.options.index} has ports 1..${sw.options.plan.ports}, not ${p}`);
      if (sw.cables.has(p)) throw new Error(`port ${p} of switch ${sw.options.index} is cabled already`);
    }
    if (peer === this && port === peerPort) throw new Error(`port ${port} of switch ${this.options.index} cannot be cabled to itself`);
    this.cables.set(port, { peer, port: peerPort });
    peer.cables.set(peerPort, { peer: this, port });
  }

  /** While probing: sends one PACKET_IN; the first answer switches to running. */
  probe(): void {
    if (this.state !== 'probing') return;
    this.sendPacketIns(1);
  }

  /**
   * Sends up to `n` PACKET_INs now (fewer when the socket needs to drain or the
   * ring is full); returns how many were sent.
   */
  sendPacketIns(n: number): number {
    const socket = this.socket;
    if (socket === undefined || (this.state !== 'running' && this.state !== 'probing')) return 0;
    const { plan, index, batch } = this.options;
    const inFlight = this.inFlight;
    const oneWay = this.options.traffic === 'oneWay';
    let sent = 0;
    while (sent < n && (oneWay || inFlight.canSend()) && !socket.writableNeedDrain) {
      const seq = oneWay ? this.counts.packetIns + sent : inFlight.take();
      const source = plan.sourceOf(index, seq);
      plan.writeFrame(this.frame, source, seq >>> 0);
      if (oneWay) TrafficPlan.writeSentNs(this.frame, monotonicNs());
      this.emit(this.wire.packetIn(seq, plan.portOf(source), this.frame));
      sent++;
      if (++this.batched >= batch) this.flush();
    }
    this.counts.packetIns += sent;
    this.flush();
    return sent;
  }

  /**
   * Throughput mode: tops the window up; one-way with a window: sends until the
   * socket needs to drain (at most `window` now; 'drain' calls this again).
   */
  fill(): void {
    if (this.state !== 'running' || this.options.window === 0) return;
    if (this.options.traffic !== 'oneWay') {
      this.sendPacketIns(this.options.window - this.inFlight.outstanding);
      return;
    }
    this.sendPacketIns(this.options.window);
    // The kernel took it all: go on next turn (after reads and timers), or on 'drain'.
    if (!this.socket!.writableNeedDrain && !this.pumpScheduled) {
      this.pumpScheduled = true;
      setImmediate(() => {
        this.pumpScheduled = false;
        this.fill();
      });
    }
  }

  /** Sends no more PACKET_INs; answers still count. */
  stop(): void {
    if (this.state !== 'closed') this.state = 'stopped';
  }

  /** Closes the connection and resolves once the socket is closed. */
  close(): Promise<void> {
    this.stop();
    if (this.socket === undefined) return Promise.resolve();
    this.socket.destroy();
    return this.closed;
  }

  private onData(chunk: Buffer): void {
    const nowMs = performance.now();
    let frames: Buffer[];
    try {
      frames = this.framer.push(chunk);
    } catch (err) {
      this.closedBy = `unframeable stream from the controller: ${(err as Error).message}`;
      this.socket?.destroy();
      return;
    }
    for (const frame of frames) {
      const type = frame[1];
      try {
        if (type === OFPT_PACKET_OUT) this.onPacketOut(frame, nowMs);
        else if (type === OFPT_FLOW_MOD) this.onFlowMod(frame);
        else this.onControl(decodeMessage(frame));
      } catch (err) {
        // Counted and reported: a controller's malformed message is a finding, not a reason to stop the run.
        this.counts.undecodable++;
        this.firstUndecodable ??= `message type ${type}: ${(err as Error).message}`;
      }
    }
    this.fill();
    this.flush();
  }

  private onPacketOut(frame: Buffer, nowMs: number): void {
    const msg = decodeMessage(frame);
    if (msg.type !== 'PacketOut' && msg.type !== 'PacketOut10') return;
    const action = msg.actions.length === 1 ? msg.actions[0] : undefined;
    const port = action?.type === 'output' ? action.port : undefined;
    if (isLldp(msg.data)) {
      this.counts.lldpOut++;
      const end = port === undefined ? undefined : this.cables.get(port);
      if (end !== undefined && end.peer.receiveOverCable(end.port, msg.data)) this.counts.lldpCarried++;
      return;
    }
    this.counts.packetOuts++;
    const seq = TrafficPlan.seqOf(msg.data);
    const destination = this.options.plan.hostAt(msg.data, 0);
    if (port === this.wire.floodPort) this.counts.floods++;
    else if (port !== undefined && destination >= 0 && port === this.options.plan.portOf(destination)) this.counts.unicast++;
    else {
      this.counts.wrongOutput++;
      this.firstWrongOutput ??= `actions ${JSON.stringify(msg.actions)} for destination host ${destination} (on port ${destination >= 0 ? this.options.plan.portOf(destination) : '?'})`;
    }
    this.inFlight.answer(seq, nowMs, this.options.histogram);
    if (this.state === 'probing' && this.inFlight.counts.answered > 0) {
      this.state = 'running';
      this.settleReady?.resolve();
    }
  }

  /**
   * A frame arriving on `port` from the cable's other end, sent to the
   * controller as a table-miss PACKET_IN now. False when this switch is not
   * connected (a frame on an unplugged switch is lost).
   */
  private receiveOverCable(port: number, frame: Uint8Array): boolean {
    if (this.socket === undefined || this.state === 'connecting' || this.state === 'closed') return false;
    this.emit(this.wire.packetIn(this.counts.lldpIn++, port, frame));
    this.flush();
    return true;
  }

  private onFlowMod(frame: Buffer): void {
    this.counts.flowMods++;
    if (this.tableMiss !== undefined && this.learnedFlow !== undefined) return;
    const msg = decodeMessage(frame);
    if (msg.type !== 'FlowMod' && msg.type !== 'FlowMod10') return;
    if (isTableMiss(msg)) this.tableMiss ??= msg;
    else this.learnedFlow ??= msg;
  }

  private onControl(msg: OfpMessage): void {
    this.received.set(msg.type, (this.received.get(msg.type) ?? 0) + 1);
    const answer = this.wire.answer(msg);
    if (answer !== undefined) {
      for (const reply of answer.replies) this.emit(reply);
      for (const step of answer.steps) this.handshakeStep(step);
      return;
    }
    const v = msg.version;
    switch (msg.type) {
      case 'EchoRequest':
        this.emit({ type: 'EchoReply', version: v, xid: msg.xid, data: msg.data });
        return;
      case 'GetConfigRequest':
        this.emit({ type: 'GetConfigReply', version: v, xid: msg.xid, flags: 0, missSendLen: 0xffff });
        return;
      case 'BarrierRequest':
        this.emit({ type: 'BarrierReply', version: v, xid: msg.xid });
        return;
      case 'Error':
      case 'ErrorExperimenter':
        this.counts.errors++;
        this.firstError ??= msg;
        return;
    }
  }

  /** Features start probing; features + port desc + desc is the full handshake the runtime asks for. */
  private handshakeStep(step: HandshakeStep): void {
    this.answered.add(step);
    if (this.answered.size === 3) this.handshakeAnsweredMs ??= performance.now();
    if (this.state !== 'handshake') return;
    if (this.options.traffic !== 'answered') {
      if (this.answered.size < 3) return;
      if (this.options.traffic === 'oneWay') this.state = 'running';
      this.settleReady?.resolve();
      return;
    }
    if (step === 'features') this.state = 'probing';
  }

  private emit(msg: OfpMessage): void {
    encodeMessageInto(msg, this.out);
  }

  /** Writes what is encoded; stamps the PACKET_INs of the batch with the write time. */
  private flush(): void {
    if (this.out.pos === 0) return;
    this.inFlight.stamp(this.batchFromSeq, performance.now());
    if (this.socket !== undefined && !this.socket.destroyed) this.socket.write(Buffer.from(this.out.view()));
    this.out.reset();
    this.batched = 0;
    this.batchFromSeq = this.inFlight.nextSeq;
  }
}

function openSocket(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port }, () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}
