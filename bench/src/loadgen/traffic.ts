/**
 * What the emulated switches send: M hosts spread over each switch's ports, and
 * the 64-byte Ethernet frames between them. A frame carries its sequence number
 * so the PACKET_OUT that answers it can be matched without any state in the
 * controller.
 */

/** IEEE 802 "local experimental" EtherType: no controller finds a payload to parse. */
export const BENCH_ETH_TYPE = 0x88b5;
/** Bytes of every generated frame (minimum Ethernet size without FCS). */
export const FRAME_SIZE = 64;
/** Where the u32 sequence number sits in a frame: right after the Ethernet header. */
const SEQ_OFFSET = 14;
/**
 * Where the send time sits (one-way runs): CLOCK_MONOTONIC in nanoseconds as a
 * big-endian u64, the clock `process.hrtime` (Node) and `time.monotonic_ns`
 * (Python) read, so a client in another process can subtract it from its own.
 */
export const SENT_NS_OFFSET = 18;
/** Hosts are numbered in the low 24 bits of a locally administered unicast MAC. */
const MAX_HOSTS = 1 << 24;
/** Switches start at different points of the host cycle so they are not in lockstep. */
const SWITCH_STRIDE = 61;

export class TrafficPlan {
  /** Number of hosts (distinct MAC addresses). */
  readonly macs: number;
  /** Ports per switch, numbered 1..ports; host h sits on port 1 + h % ports. */
  readonly ports: number;
  private readonly macBytes: readonly Buffer[];
  private readonly dst: Uint32Array;

  /** @throws RangeError when macs is outside 2..2^24 or ports outside 2..65280. */
  constructor(macs: number, ports: number) {
    if (!Number.isInteger(macs) || macs < 2 || macs > MAX_HOSTS) throw new RangeError(`macs must be an integer in 2..${MAX_HOSTS}, got ${macs}`);
    if (!Number.isInteger(ports) || ports < 2 || ports > 0xff00) throw new RangeError(`ports must be an integer in 2..65280, got ${ports}`);
    this.macs = macs;
    this.ports = ports;
    this.macBytes = Array.from({ length: macs }, (_, h) => Buffer.from([0x02, 0, 0, h >>> 16, (h >>> 8) & 0xff, h & 0xff]));
    this.dst = new Uint32Array(macs);
    for (let h = 0; h < macs; h++) {
      // The next host on another port: a learning switch never has to send a
      // frame back out of its input port (ovs-testcontroller would drop it).
      let d = (h + 1) % macs;
      while (this.portOf(d) === this.portOf(h)) d = (d + 1) % macs;
      this.dst[h] = d;
    }
  }

  portOf(host: number): number {
    return 1 + (host % this.ports);
  }

  /** Source host of the k-th frame switch `switchIndex` sends. */
  sourceOf(switchIndex: number, k: number): number {
    return (k + switchIndex * SWITCH_STRIDE) % this.macs;
  }

  destinationOf(source: number): number {
    return this.dst[source]!;
  }

  /** Writes the frame from `source` to its destination, carrying `seq`, into `frame` (FRAME_SIZE bytes, zero payload). */
  writeFrame(frame: Buffer, source: number, seq: number): void {
    frame.set(this.macBytes[this.destinationOf(source)]!, 0);
    frame.set(this.macBytes[source]!, 6);
    frame.writeUInt32BE(seq, SEQ_OFFSET);
  }

  /** Writes `monotonicNs` (see SENT_NS_OFFSET) into a frame written by writeFrame. */
  static writeSentNs(frame: Buffer, monotonicNs: number): void {
    const high = Math.floor(monotonicNs / 2 ** 32);
    frame.writeUInt32BE(high, SENT_NS_OFFSET);
    frame.writeUInt32BE(monotonicNs - high * 2 ** 32, SENT_NS_OFFSET + 4);
  }

  /** The send time a one-way frame carries, CLOCK_MONOTONIC ns; -1 when it is not one of ours. */
  static sentNsOf(frame: Uint8Array): number {
    if (TrafficPlan.seqOf(frame) < 0 || frame.length < SENT_NS_OFFSET + 8) return -1;
    const at = SENT_NS_OFFSET;
    const high = ((frame[at]! << 24) | (frame[at + 1]! << 16) | (frame[at + 2]! << 8) | frame[at + 3]!) >>> 0;
    const low = ((frame[at + 4]! << 24) | (frame[at + 5]! << 16) | (frame[at + 6]! << 8) | frame[at + 7]!) >>> 0;
    return high * 2 ** 32 + low;
  }

  /** A zeroed frame buffer with the EtherType already in place. */
  static newFrame(): Buffer {
    const frame = Buffer.alloc(FRAME_SIZE);
    frame.writeUInt16BE(BENCH_ETH_TYPE, 12);
    return frame;
  }

  /** The sequence number of a frame we generated, or -1 when it is too short or not ours. */
  static seqOf(frame: Uint8Array): number {
    if (frame.length < SEQ_OFFSET + 4 || frame[12] !== BENCH_ETH_TYPE >>> 8 || frame[13] !== (BENCH_ETH_TYPE & 0xff)) return -1;
    return ((frame[SEQ_OFFSET]! << 24) | (frame[SEQ_OFFSET + 1]! << 16) | (frame[SEQ_OFFSET + 2]! << 8) | frame[SEQ_OFFSET + 3]!) >>> 0;
  }

  /** The host whose MAC starts at `offset` (0: destination, 6: source), or -1 for a MAC we did not generate. */
  hostAt(frame: Uint8Array, offset: number): number {
    if (frame[offset] !== 0x02 || frame[offset + 1] !== 0 || frame[offset + 2] !== 0) return -1;
    const h = (frame[offset + 3]! << 16) | (frame[offset + 4]! << 8) | frame[offset + 5]!;
    return h < this.macs ? h : -1;
  }
}
