import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { decodeMessage, encodeMessage, type FeaturesReply, type OfpMessage } from '../openflow/index.js';
import type { AdmitEncoded } from '../switch/connection-types.js';
import type { SwitchInfo } from '../switch/connection-types.js';
import type { SwitchBusyError, SwitchSession } from '../switch/session.js';

/** A logger whose lines land in `lines` (parsed), for tests that check what was logged. */
export function recordingLogger(): { readonly log: Logger; readonly lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: 'info' }, sink), lines };
}

/** What the registry reads of a session, and the commands sent through it (`sent`); no socket. */
export interface FakeSession extends SwitchSession {
  readonly sent: OfpMessage[];
  closedWith: string | undefined;
  /** Set: the session refuses every fire-and-forget command with it before looking at it, as a busy SwitchSession does. */
  refuseWith: SwitchBusyError | undefined;
  /** What SwitchSession.dispatchRun says: a test moves it on to start another dispatch. */
  dispatchRun: number;
}

/** `answer` gives the replies of a `request` (default: none). */
export function fakeSession(dpid: bigint, remote = '127.0.0.1:6653', answer: (m: OfpMessage) => readonly OfpMessage[] = () => []): FakeSession {
  const sent: OfpMessage[] = [];
  const refuseIfBusy = (): void => {
    if (session.refuseWith !== undefined) throw session.refuseWith;
  };
  const session = {
    remote,
    dpid,
    version: 4,
    connection: { rxByType: new Array<number>(256).fill(0), txByType: new Array<number>(256).fill(0) },
    sent,
    closedWith: undefined as string | undefined,
    refuseWith: undefined as SwitchBusyError | undefined,
    dispatchRun: 0,
    send: (m: OfpMessage) => {
      refuseIfBusy();
      sent.push(m);
    },
    // Recorded as the message the bytes hold, so tests read every command the same way; decoded from a copy, since
    // the caller may reuse its buffer (a confined handle's flow-mods share one) and a decoded value may view its bytes.
    sendEncoded: (bytes: Buffer) => {
      refuseIfBusy();
      sent.push(decodeMessage(Buffer.from(bytes)));
    },
    sendAdmitted: (m: OfpMessage, admit: AdmitEncoded) => {
      refuseIfBusy();
      const bytes = encodeMessage({ ...m, version: 4, xid: 0 });
      admit(bytes, 0, bytes.length);
      sent.push(m);
    },
    sendConfirmed: (m: OfpMessage) => Promise.resolve(void sent.push(m)),
    request: (m: OfpMessage) => Promise.resolve(void sent.push(m)).then(() => answer(m)),
    close: (reason: string) => {
      session.closedWith = reason;
    },
  };
  return session as unknown as FakeSession;
}

/** The SwitchInfo of a finished handshake, with no ports. */
export function switchInfo(dpid: bigint): SwitchInfo {
  const features: FeaturesReply = { type: 'FeaturesReply', version: 4, xid: 0, datapathId: dpid, nBuffers: 0, nTables: 1, auxiliaryId: 0, capabilities: 0, reserved: 0 };
  return { dpid, version: 4, features, ports: [], desc: undefined };
}
