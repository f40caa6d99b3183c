import { encodeMessageInto, OFP_FLOW_MOD_SIZE, OFP_MATCH_HEADER_SIZE, OFP_VERSION_1_3, OFPFC_ADD, OFPFF_SEND_FLOW_REM, OFPT_FLOW_MOD, Writer, type FlowMod } from '../openflow/index.js';
import { confineEncodedAdd, confineEncodedFlowMod, FLOW_MOD_AT, type AppRef } from './confine.js';
import type { FlowLedger } from './ledger.js';
import { matchKeyOfEncoded } from './match-bits.js';

type FlowModBody = Omit<FlowMod, 'version' | 'xid'>;

/** Scratch for encodeAdmittedFlowMod, which runs for every flow-mod an app sends: one buffer, not one per call. */
const scratch = new Writer(256);
/** Views of the scratch's first n bytes, by n, made once per length (a view made per flow-mod cost a third of what encoding once saves); dropped when the scratch grows. */
let views: Buffer[] = [];
let viewsOf = scratch.buf;

/**
 * `mod` of `app`, for a switch speaking OpenFlow 1.3, encoded and admitted
 * (`admitEncodedFlowMod`), for a handle that takes bytes only
 * (`SwitchHandle.sendEncoded`; a local switch's handle encodes it in place:
 * `sendAdmitted`). Returns the whole message, xid 0, in a scratch buffer
 * valid until the next call: hand it to `sendEncoded` at once (it copies).
 * Pure; one event loop.
 * @throws OwnershipError as `admitEncodedFlowMod`; OfpEncodeError for a flow-mod that does not encode. Nothing is recorded then.
 */
export function encodeAdmittedFlowMod(app: AppRef, mod: FlowModBody, ledger: FlowLedger): Buffer {
  const w = scratch;
  w.reset();
  encodeMessageInto(mod, w, OFP_VERSION_1_3, 0);
  admitEncodedFlowMod(app, mod, ledger, w.buf, 0);
  return written();
}

/** The scratch's bytes so far, as a view kept per length. */
function written(): Buffer {
  const w = scratch;
  if (viewsOf !== w.buf) {
    views = [];
    viewsOf = w.buf;
  }
  return (views[w.pos] ??= w.buf.subarray(0, w.pos));
}

/**
 * `mod` of `app` encoded for an OpenFlow 1.3 switch at `bytes[start..]` as
 * the app wrote it: confined there in place (`confineEncodedFlowMod`: then the
 * bytes are `confineCommand`'s flow-mod), then checked and recorded by
 * `ledger` (`FlowLedger.apply`), the flow keyed from the encoded match instead
 * of encoding the match again (on the learning switch, the match's MACs were
 * written twice per response). Pure.
 * @throws OwnershipError as `confineCommand` and `FlowLedger.apply` do; nothing is recorded then (the bytes may be confined already).
 */
export function admitEncodedFlowMod(app: AppRef, mod: FlowModBody, ledger: FlowLedger, bytes: Uint8Array, start: number): void {
  confineEncodedFlowMod(app, mod, bytes, start);
  // ofp_match follows the flow-mod's fixed part: type, length (header and fields, padding excluded), then the OXM fields.
  const matchAt = start + OFP_FLOW_MOD_SIZE;
  const matchEnd = matchAt + ((bytes[matchAt + 2]! << 8) | bytes[matchAt + 3]!);
  ledger.apply(app, OFP_VERSION_1_3, mod, matchKeyOfEncoded(bytes, matchAt + OFP_MATCH_HEADER_SIZE, matchEnd));
}

/**
 * The fast path of an app's flow-mod that arrives encoded (a plugin's: its
 * worker encoded it with the runtime's encoder, so it is well formed): an
 * OpenFlow 1.3 add that replaces a flow the app holds (the learning switch
 * re-learning a MAC) is confined in a copy of its bytes
 * (`confineEncodedAdd`: the bytes `encodeAdmittedFlowMod` makes of the
 * decoded value), with no decode and no
 * encode, handed to `send` (valid during the call: it copies), and recorded by
 * the ledger once `send` returned (`FlowLedger.replacedBy`; a refusal leaves
 * the ledger as it was). Returns false, having done nothing, for anything else
 * (another command, an add of a new flow, a cookie with app-id bits, which the
 * full path refuses): then decode it and take the full path.
 */
export function sendReplacingAdd(app: AppRef, message: Buffer, ledger: FlowLedger, send: (bytes: Buffer) => void): boolean {
  const matchAt = OFP_FLOW_MOD_SIZE;
  if (message.length < matchAt + OFP_MATCH_HEADER_SIZE || message[0] !== OFP_VERSION_1_3 || message[1] !== OFPT_FLOW_MOD || message[FLOW_MOD_AT.command] !== OFPFC_ADD) return false;
  if (message.readUInt16BE(FLOW_MOD_AT.cookie) !== 0) return false;
  const matchEnd = matchAt + message.readUInt16BE(matchAt + 2);
  if (matchEnd > message.length) return false;
  const flow = ledger.heldFlow(app.id, message[FLOW_MOD_AT.tableId]!, message.readUInt16BE(FLOW_MOD_AT.priority), matchKeyOfEncoded(message, matchAt + OFP_MATCH_HEADER_SIZE, matchEnd));
  if (flow < 0) return false;
  // What the app asked, before confinement sets the flag on every add.
  const asked = (message.readUInt16BE(FLOW_MOD_AT.flags) & OFPFF_SEND_FLOW_REM) !== 0;
  const w = scratch;
  w.reset();
  w.bytes(message);
  confineEncodedAdd(app, w.buf, 0);
  send(written());
  ledger.replacedBy(flow, asked);
  return true;
}
