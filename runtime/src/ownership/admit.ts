import { encodeMessageInto, OFP_FLOW_MOD_SIZE, OFP_MATCH_HEADER_SIZE, OFP_VERSION_1_3, Writer, type FlowMod } from '../openflow/index.js';
import { confineEncodedFlowMod, type AppRef } from './confine.js';
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
