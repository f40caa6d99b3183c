import { connect, type Socket } from 'node:net';
import fc from 'fast-check';
import { decodeMessage, encodeMessage, Framer, type OfpMessage } from '../openflow/index.js';
import { fakePort } from './fake-switch.js';
import { loadVectors, ryuVectorsDir } from './vectors.js';

/**
 * A switch that says what a fast-check script tells it to, over real TCP: for
 * property tests of the controller's sessions against bad input. Unlike
 * FakeSwitch it never throws on what it receives and may send anything.
 */
export interface HostileScript {
  /** Wire version byte the switch claims: 0x01, 0x04, 0x05 or 0x06. */
  readonly version: number;
  /** HELLO with a version bitmap, a HELLO header alone, or no HELLO at all. */
  readonly hello: 'bitmap' | 'header' | 'none';
  /** Answer FEATURES, PORT_DESC and DESC so the session can get ready, and wait for that before the messages. */
  readonly answerHandshake: boolean;
  /** Whole frames (a header whose length is the frame's), sent in order. */
  readonly messages: readonly Buffer[];
  /** Unframed bytes sent last, then the switch hangs up; without them it ends with an echo round trip. */
  readonly tail: Buffer | undefined;
}

/** How a script ended: the runtime answered the final echo, closed the connection, or the switch hung up. */
export type HostileOutcome = 'echoed' | 'closedByRuntime' | 'hungUp';

const VERSIONS = [0x01, 0x04, 0x05, 0x06] as const;
const FINAL_ECHO_XID = 0xec40ec40;

/** The first frame of every Ryu vector of every version (the files hold one message each; a trailing extra is cut). */
function vectorFrames(): Buffer[] {
  const dir = ryuVectorsDir();
  return ['of10', 'of13', 'of14', 'of15'].flatMap((folder) =>
    loadVectors(dir, folder)
      .map((v) => v.bytes)
      .filter((b) => b.length >= 8 && b.readUInt16BE(2) >= 8 && b.readUInt16BE(2) <= b.length)
      .map((b) => b.subarray(0, b.readUInt16BE(2))),
  );
}

/** `frame` cut to `keep` bytes with its length field saying so: well framed, body truncated. */
function truncated(frame: Buffer, keep: number): Buffer {
  const cut = Buffer.from(frame.subarray(0, Math.max(8, Math.min(keep, frame.length))));
  cut.writeUInt16BE(cut.length, 2);
  return cut;
}

/** A frame with a random version, type, xid and body. */
const randomFrame = fc
  .record({ version: fc.oneof(fc.constantFrom(...VERSIONS), fc.integer({ min: 0, max: 255 })), type: fc.integer({ min: 0, max: 40 }), xid: fc.integer({ min: 0, max: 0xffffffff }), body: fc.uint8Array({ maxLength: 96 }) })
  .map(({ version, type, xid, body }) => {
    const frame = Buffer.alloc(8 + body.length);
    frame.writeUInt8(version, 0);
    frame.writeUInt8(type, 1);
    frame.writeUInt16BE(frame.length, 2);
    frame.writeUInt32BE(xid, 4);
    Buffer.from(body).copy(frame, 8);
    return frame;
  });

/**
 * Scripts mixing valid Ryu vectors (every version), truncated ones, random
 * frames and a random unframed tail. Weighted towards switches that get through
 * the 1.3 handshake and send valid messages, so the apps see them too.
 */
export function hostileScript(): fc.Arbitrary<HostileScript> {
  const vectors = vectorFrames();
  const vector = fc.constantFrom(...vectors);
  const of13Vector = fc.constantFrom(...vectors.filter((v) => v[0] === 0x04));
  const message = fc.oneof(
    { arbitrary: of13Vector, weight: 4 },
    { arbitrary: vector, weight: 1 },
    { arbitrary: fc.tuple(vector, fc.nat()).map(([v, keep]) => truncated(v, keep % v.length)), weight: 1 },
    { arbitrary: randomFrame, weight: 1 },
  );
  const tail = fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => Buffer.from(b)), fc.tuple(vector, fc.nat()).map(([v, keep]) => v.subarray(0, keep % v.length)));
  return fc.record({
    version: fc.oneof({ arbitrary: fc.constant(0x04), weight: 3 }, { arbitrary: fc.constantFrom(...VERSIONS), weight: 2 }),
    hello: fc.oneof({ arbitrary: fc.constant('bitmap' as const), weight: 3 }, { arbitrary: fc.constantFrom('header' as const, 'none' as const), weight: 1 }),
    answerHandshake: fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, { arbitrary: fc.constant(false), weight: 1 }),
    messages: fc.array(message, { maxLength: 12 }),
    tail: fc.oneof({ arbitrary: fc.constant(undefined), weight: 2 }, { arbitrary: tail, weight: 1 }),
  });
}

/**
 * Plays `script` against the OpenFlow listener on loopback `port` as switch
 * `dpid`; resolves with how it ended. Rejects when the runtime neither answers
 * nor closes within `timeoutMs` (a hung session).
 */
export async function playHostileSwitch(port: number, script: HostileScript, dpid: bigint, timeoutMs: number): Promise<HostileOutcome> {
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  socket.on('error', () => {});
  const closed = new Promise<'closedByRuntime'>((resolve) => socket.once('close', () => resolve('closedByRuntime')));
  let signalReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (signalReady = resolve));
  let signalEcho: () => void = () => {};
  const echoed = new Promise<'echoed'>((resolve) => (signalEcho = () => resolve('echoed')));
  let negotiated = script.version;
  const framer = new Framer();
  const send = (msg: OfpMessage): void => {
    if (!socket.destroyed) socket.write(encodeMessage(msg));
  };
  socket.on('data', (chunk: Buffer) => {
    let frames: readonly Buffer[];
    try {
      frames = framer.push(chunk);
    } catch {
      return;
    }
    for (const frame of frames) {
      let msg: OfpMessage;
      try {
        msg = decodeMessage(frame);
      } catch {
        continue;
      }
      const v = msg.version;
      if (msg.type === 'EchoReply' && msg.xid === FINAL_ECHO_XID) signalEcho();
      if (msg.type === 'EchoRequest') send({ type: 'EchoReply', version: v, xid: msg.xid, data: msg.data });
      if (!script.answerHandshake) continue;
      if (msg.type === 'FeaturesRequest') {
        negotiated = v;
        send({ type: 'FeaturesReply', version: v, xid: msg.xid, datapathId: dpid, nBuffers: 0, nTables: 254, auxiliaryId: 0, capabilities: 0x4f, reserved: 0 });
      } else if (msg.type === 'MultipartRequest' && msg.body.type === 'portDesc') {
        send({ type: 'MultipartReply', version: v, xid: msg.xid, flags: 0, body: { type: 'portDesc', ports: [fakePort(1), fakePort(2)] } });
      } else if (msg.type === 'MultipartRequest' && msg.body.type === 'desc') {
        send({ type: 'MultipartReply', version: v, xid: msg.xid, flags: 0, body: { type: 'desc', mfrDesc: 'hostile', hwDesc: 'hostile', swDesc: '0', serialNum: '0', dpDesc: 'hostile' } });
        signalReady();
      }
    }
  });
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the runtime neither answered nor closed within ${timeoutMs} ms: ${describeScript(script)}`)), timeoutMs);
  });
  try {
    if (script.hello !== 'none') {
      socket.write(encodeHello(script.version, script.hello === 'bitmap'));
      if (script.answerHandshake) await Promise.race([ready, closed, hung]);
    }
    for (const m of script.messages) if (!socket.destroyed) socket.write(m);
    if (script.tail !== undefined) {
      socket.end(script.tail);
      await Promise.race([closed, hung]);
      return 'hungUp';
    }
    if (!socket.destroyed) socket.write(encodeEchoRequest(negotiated));
    return await Promise.race([echoed, closed, hung]);
  } finally {
    clearTimeout(timer);
    socket.destroy();
  }
}

/** A HELLO with the version byte of any version (the codec's own HELLO types are per version). */
function encodeHello(version: number, withBitmap: boolean): Buffer {
  // ofp_hello_elem_versionbitmap: type 1, length 8, one 32-bit bitmap word.
  const hello = Buffer.alloc(withBitmap ? 16 : 8);
  hello.writeUInt8(version, 0);
  hello.writeUInt8(0, 1);
  hello.writeUInt16BE(hello.length, 2);
  hello.writeUInt32BE(1, 4);
  if (withBitmap) {
    hello.writeUInt16BE(1, 8);
    hello.writeUInt16BE(8, 10);
    hello.writeUInt32BE(1 << version, 12);
  }
  return hello;
}

function encodeEchoRequest(version: number): Buffer {
  const echo = Buffer.alloc(8);
  echo.writeUInt8(version, 0);
  echo.writeUInt8(2, 1);
  echo.writeUInt16BE(8, 2);
  echo.writeUInt32BE(FINAL_ECHO_XID, 4);
  return echo;
}

/** A short description of a script for failure messages. */
export function describeScript(script: HostileScript): string {
  return `version 0x0${script.version}, hello ${script.hello}, handshake ${script.answerHandshake}, ${script.messages.length} messages (${script.messages.map((m) => m.subarray(0, 8).toString('hex')).join(' ')}), tail ${script.tail?.length ?? 'none'}`;
}
