import { connect, type Socket } from 'node:net';
import { connect as connectTls, type ConnectionOptions } from 'node:tls';
import {
  decodeMessage,
  encodeMessage,
  Framer,
  OFP_VERSION_1_0,
  OFPMPF_REPLY_MORE,
  type OfpMessage,
  type Port,
} from '../openflow/index.js';

/**
 * A scriptable OpenFlow 1.3 (or, with `versions: [1]`, 1.0) switch for integration tests of the controller side
 * (real TCP, real codec). It answers the handshake, echo, barrier and the
 * multipart requests the controller makes while connecting, and records every
 * other message for the test to wait on. The proof that the runtime works with a
 * real switch is the Open vSwitch suite; this is for cases OVS cannot produce
 * (lies, garbage, floods, silence).
 */
export interface FakeSwitchOptions {
  readonly dpid: bigint;
  readonly ports?: readonly Port[];
  /** Versions in our HELLO bitmap. */
  readonly versions?: readonly number[];
  /** Local address to connect from over TCP (another 127.x address plays another source host). */
  readonly localAddress?: string;
  /** Answer ECHO_REQUEST (turn off to play a dead switch). */
  readonly answerEcho?: boolean;
  /** Split the PORT_DESC reply into one message per port (exercises REPLY_MORE). */
  readonly splitPortDesc?: boolean;
  /** Connect over TLS with these options (CA to trust, client certificate). */
  readonly tls?: ConnectionOptions;
}

export function fakePort(portNo: number): Port {
  const hex = portNo.toString(16).padStart(2, '0');
  return { portNo, hwAddr: `02:00:00:00:00:${hex}`, name: `p${portNo}`, config: 0, state: 4, curr: 0x840, advertised: 0, supported: 0, peer: 0, currSpeed: 10_000_000, maxSpeed: 10_000_000 };
}

const FAKE_DESC = { mfrDesc: 'sdn-runtime tests', hwDesc: 'fake switch', swDesc: '1', serialNum: '0', dpDesc: 'fake' };

interface Waiter {
  readonly predicate: (m: OfpMessage) => boolean;
  readonly resolve: (m: OfpMessage) => void;
}

export class FakeSwitch {
  readonly socket: Socket;
  readonly options: FakeSwitchOptions;
  /** Messages not consumed by a waiter, in arrival order. */
  readonly inbox: OfpMessage[] = [];
  answerEcho: boolean;
  /**
   * Scripted answers: called for every message before the built-in ones; return
   * true when it answered (e.g. an OFPT_ERROR for a FLOW_MOD, a split flow-stats
   * reply). The message is then not recorded.
   */
  responder: ((msg: OfpMessage, sw: FakeSwitch) => boolean) | undefined;
  private readonly framer = new Framer();
  private waiters: Waiter[] = [];
  readonly closed: Promise<void>;

  private constructor(socket: Socket, options: FakeSwitchOptions) {
    this.socket = socket;
    this.options = options;
    this.answerEcho = options.answerEcho ?? true;
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => {
      for (const frame of this.framer.push(chunk)) this.onMessage(decodeMessage(frame));
    });
    socket.on('error', () => {});
  }

  /** Connects to `port` on loopback (over TLS when `options.tls` is set) and sends HELLO. */
  static async connect(port: number, options: FakeSwitchOptions): Promise<FakeSwitch> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s: Socket =
        options.tls === undefined
          ? connect({ port, host: '127.0.0.1', localAddress: options.localAddress }, () => resolve(s))
          : connectTls({ ...options.tls, port, host: '127.0.0.1' }, () => resolve(s));
      s.once('error', reject);
    });
    const sw = new FakeSwitch(socket, options);
    const versions = options.versions ?? [4];
    sw.send({ type: 'Hello', version: Math.max(...versions), xid: 1, elements: [{ type: 'versionBitmap', versions: [...versions] }] });
    return sw;
  }

  send(msg: OfpMessage): void {
    this.socket.write(encodeMessage(msg));
  }

  sendRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /**
   * Resolves with the first message (already received or future) that matches;
   * rejects after `timeoutMs`. The default is long because it only bounds a
   * failing test: plugins and peers on a loaded 2-core CI machine can take seconds.
   */
  waitFor(predicate: (m: OfpMessage) => boolean, timeoutMs = 20_000): Promise<OfpMessage> {
    const index = this.inbox.findIndex(predicate);
    if (index >= 0) return Promise.resolve(this.inbox.splice(index, 1)[0]!);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`fake switch ${this.options.dpid}: no matching message within ${timeoutMs} ms; inbox: ${this.inbox.map((m) => m.type).join(', ')}`));
      }, timeoutMs);
      const waiter: Waiter = {
        predicate,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      this.waiters.push(waiter);
    });
  }

  close(): Promise<void> {
    this.socket.destroy();
    return this.closed;
  }

  private onMessage(msg: OfpMessage): void {
    if (this.responder?.(msg, this) === true) return;
    if (this.autoAnswer(msg)) return;
    const waiter = this.waiters.find((w) => w.predicate(msg));
    if (waiter !== undefined) {
      this.waiters = this.waiters.filter((w) => w !== waiter);
      waiter.resolve(msg);
      return;
    }
    this.inbox.push(msg);
  }

  private autoAnswer(msg: OfpMessage): boolean {
    const v = msg.version;
    switch (msg.type) {
      case 'FeaturesRequest': {
        const features = { type: 'FeaturesReply', version: v, xid: msg.xid, datapathId: this.options.dpid, nBuffers: 0, nTables: 254, auxiliaryId: 0, capabilities: 0x4f, reserved: 0 } as const;
        // OpenFlow 1.0 lists the ports here (16-bit numbers, no speeds).
        const ports = (this.options.ports ?? [fakePort(1), fakePort(2)]).map(({ currSpeed: _c, maxSpeed: _m, ...p }) => ({ ...p, portNo: p.portNo & 0xffff }));
        this.send(v === OFP_VERSION_1_0 ? { ...features, actions: 0xfff, ports } : features);
        return true;
      }
      case 'StatsRequest':
        if (msg.body.type !== 'desc') return false;
        this.send({ type: 'StatsReply', version: v, xid: msg.xid, flags: 0, body: { type: 'desc', ...FAKE_DESC } });
        return true;
      case 'EchoRequest':
        if (this.answerEcho) this.send({ type: 'EchoReply', version: v, xid: msg.xid, data: msg.data });
        return this.answerEcho;
      case 'BarrierRequest':
        this.send({ type: 'BarrierReply', version: v, xid: msg.xid });
        return false;
      case 'MultipartRequest':
        if (msg.body.type === 'portDesc') {
          const ports = this.options.ports ?? [fakePort(1), fakePort(2)];
          const parts = this.options.splitPortDesc === true ? ports.map((p) => [p]) : [ports];
          parts.forEach((chunk, i) => this.send({ type: 'MultipartReply', version: v, xid: msg.xid, flags: i < parts.length - 1 ? OFPMPF_REPLY_MORE : 0, body: { type: 'portDesc', ports: chunk } }));
          return true;
        }
        if (msg.body.type === 'desc') {
          this.send({ type: 'MultipartReply', version: v, xid: msg.xid, flags: 0, body: { type: 'desc', ...FAKE_DESC } });
          return true;
        }
        return false;
      default:
        return false;
    }
  }
}
