import { encodeMessageInto, OFP_FLOW_MOD_SIZE, OFP_MATCH_HEADER_SIZE, OFP_VERSION_1_3, OFPFC_ADD, OFPFF_SEND_FLOW_REM, OFPT_FLOW_MOD, Writer, type FlowMod } from '../openflow/index.js';
import { confineCommand, type AppRef } from './confine.js';
import type { FlowLedger } from './ledger.js';
import { matchKeyOfEncoded } from './match-bits.js';

type FlowModBody = Omit<FlowMod, 'version' | 'xid'>;

/** Scratch for encodeAdmittedFlowMod, which runs for every flow-mod an app sends: one buffer, not one per call. */
const scratch = new Writer(256);
/** Views of the scratch's first n bytes, by n, made once per length (a view made per flow-mod cost a third of what encoding once saves); dropped when the scratch grows. */
let views: Buffer[] = [];
let viewsOf = scratch.buf;

/**
 * `mod` of `app`, for a switch speaking OpenFlow 1.3: confined
 * (`confineCommand`), checked and recorded by `ledger` (`FlowLedger.apply`)
 * and encoded, its match encoded once: the ledger keys the flow from the bytes
 * that go to the switch instead of encoding the match again (on the learning
 * switch, the match's MACs were written twice per response). Returns the
 * whole message, xid 0, in a scratch buffer valid until the next call: hand it
 * to `SwitchHandle.sendEncoded` at once (it copies). Pure; one event loop.
 * @throws OwnershipError as `confineCommand` and `FlowLedger.apply` do; OfpEncodeError for a flow-mod that does not encode. Nothing is recorded then.
 */
export function encodeAdmittedFlowMod(app: AppRef, mod: FlowModBody, ledger: FlowLedger): Buffer {
  const confined = confineCommand(app, OFP_VERSION_1_3, mod);
  const w = scratch;
  w.reset();
  encodeMessageInto(confined, w, OFP_VERSION_1_3, 0);
  // ofp_match follows the flow-mod's fixed part: type, length (header and fields, padding excluded), then the OXM fields.
  const matchAt = OFP_FLOW_MOD_SIZE;
  const matchEnd = matchAt + w.buf.readUInt16BE(matchAt + 2);
  ledger.apply(app, OFP_VERSION_1_3, mod, matchKeyOfEncoded(w.buf, matchAt + OFP_MATCH_HEADER_SIZE, matchEnd));
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

/** Where ofp_flow_mod (1.3) keeps what a replacing add needs, from the message's start. */
const COOKIE_AT = 8;
const TABLE_AT = 24;
const COMMAND_AT = 25;
const PRIORITY_AT = 30;
const FLAGS_AT = 44;

/**
 * The fast path of an app's flow-mod that arrives encoded (a plugin's: its
 * worker encoded it with the runtime's encoder, so it is well formed): an
 * OpenFlow 1.3 add that replaces a flow the app holds (the learning switch
 * re-learning a MAC, which is most of its flow-mods) is recorded by the ledger
 * (`FlowLedger.replaced`) and confined in a copy of its bytes (the app id
 * written into the cookie's top 16 bits, OFPFF_SEND_FLOW_REM set), with no
 * decode and no encode: the same bytes `encodeAdmittedFlowMod` makes of the
 * decoded value. Returns them in the scratch (valid until the next call), or
 * undefined, having recorded nothing, for anything else (another command, an
 * add of a new flow, a cookie with app-id bits, which the full path refuses):
 * then decode it and take the full path.
 */
export function admitReplacingAdd(app: AppRef, message: Buffer, ledger: FlowLedger): Buffer | undefined {
  const matchAt = OFP_FLOW_MOD_SIZE;
  if (message.length < matchAt + OFP_MATCH_HEADER_SIZE || message[0] !== OFP_VERSION_1_3 || message[1] !== OFPT_FLOW_MOD || message[COMMAND_AT] !== OFPFC_ADD) return undefined;
  if (message.readUInt16BE(COOKIE_AT) !== 0) return undefined;
  const matchEnd = matchAt + message.readUInt16BE(matchAt + 2);
  if (matchEnd > message.length) return undefined;
  const flags = message.readUInt16BE(FLAGS_AT);
  const key = matchKeyOfEncoded(message, matchAt + OFP_MATCH_HEADER_SIZE, matchEnd);
  if (!ledger.replaced(app.id, message[TABLE_AT]!, message.readUInt16BE(PRIORITY_AT), (flags & OFPFF_SEND_FLOW_REM) !== 0, key)) return undefined;
  const w = scratch;
  w.reset();
  w.bytes(message);
  w.buf.writeUInt16BE(app.id, COOKIE_AT);
  w.buf.writeUInt16BE(flags | OFPFF_SEND_FLOW_REM, FLAGS_AT);
  return written();
}
