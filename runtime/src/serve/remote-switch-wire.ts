import type { AppEvent, AppKind, SwitchView } from '../core/index.js';
import { SdnError } from '../errors.js';
import type { RemoteSwitchView, SwitchEvent, SwitchResult } from '../generated/sdn/overlay/v1/overlay.js';
import { AppKind as WireAppKind, SwitchFailure } from '../generated/sdn/overlay/v1/overlay.js';
import { isOwnershipReason, OwnershipError } from '../ownership/index.js';
import { decodeMessage, encodeMessage, encodeMessageInto, OFP_VERSION_1_0, OFP_VERSION_1_3, Writer, type ErrorExperimenterMsg, type ErrorMsg, type FeaturesReply, type OfpMessage, type Port } from '../openflow/index.js';
import { SwitchBusyError, SwitchRequestError, SwitchUnavailableError } from '../switch/session.js';

/**
 * The owning node could not take a command: it failed to decode it, or it is
 * not (or no longer) the switch's master. The message starts with the owner's error code.
 */
export class RemoteSwitchError extends SdnError {
  constructor(message: string) {
    super('REMOTE_SWITCH_REJECTED', message);
  }
}

/** The switch events another node is sent (the `switch` kinds apps and API clients get). */
export type ForwardedEvent = Extract<AppEvent, { type: 'switchUp' | 'switchDown' | 'packetIn' | 'portStatus' | 'flowRemoved' | 'error' }>;

export const FORWARDED_KINDS = ['switchUp', 'switchDown', 'packetIn', 'portStatus', 'flowRemoved', 'error'] as const;

/** `confinesApps`: the sending node confines apps' commands for its switches (SwitchOwner with an Ownership). */
export function viewToWire(view: SwitchView, confinesApps: boolean): RemoteSwitchView {
  return {
    confinesApps,
    version: view.version,
    remote: view.remote,
    connectedAt: view.connectedAt,
    features: encodeMessage(view.features),
    desc: view.desc,
    ports: [...view.ports.values()],
  };
}

/** @throws OfpDecodeError when the features are not a FEATURES_REPLY the codec reads; RemoteSwitchError when they are another message. */
export function viewFromWire(dpid: bigint, node: number, wire: RemoteSwitchView): SwitchView & { ports: Map<number, Port> } {
  const features = decodeMessage(Buffer.from(wire.features));
  if (features.type !== 'FeaturesReply') throw new RemoteSwitchError(`a switch view's features are a ${features.type}`);
  return {
    dpid,
    node,
    version: wire.version,
    remote: wire.remote,
    features: features as FeaturesReply,
    desc: wire.desc,
    ports: new Map(wire.ports.map((port) => [port.portNo, port])),
    connectedAt: wire.connectedAt,
  };
}

/**
 * A switch's message as the overlay carries it: in the 1.3 model every session
 * speaks to apps. A 1.0 session maps its events and replies up to that model but
 * keeps version 1 in them, which the 1.0 codec cannot write (a PacketIn is not a
 * 1.0 type): those are written as 1.3, and the receiver puts the version back.
 */
export function encodeModel(msg: OfpMessage): Buffer {
  if (msg.version !== OFP_VERSION_1_0) return encodeMessage(msg);
  const w = new Writer(128);
  encodeMessageInto(msg, w, OFP_VERSION_1_3, msg.xid);
  return Buffer.from(w.view());
}

/** The version a command to a switch of `version` is written with: 1.0 switches take the 1.3 model, which their session maps down. */
export function commandVersion(version: number): number {
  return version === OFP_VERSION_1_0 ? OFP_VERSION_1_3 : version;
}

/** The wire form of a local switch's event; the `owner` routing is left to the receiving node's ownership. */
export function eventToWire(event: ForwardedEvent, seq: bigint, confinesApps: boolean): SwitchEvent {
  const base = { dpid: event.dpid, seq };
  switch (event.type) {
    case 'switchUp':
      return { ...base, body: { $case: 'up', value: viewToWire(event.view, confinesApps) } };
    case 'switchDown':
      return { ...base, body: { $case: 'down', value: { reason: event.reason, detail: event.detail } } };
    default:
      return { ...base, body: { $case: 'openflow', value: encodeModel(event.message) } };
  }
}

/** The result a command's failure is answered with. */
export function failureToWire(correlation: bigint, err: unknown): SwitchResult {
  const base = { correlation, replies: [], openflow: Buffer.alloc(0), ownershipReason: '' };
  // The detail without the app's name: the sender's node names it again as it throws the same error.
  if (err instanceof OwnershipError) return { ...base, failure: SwitchFailure.SWITCH_FAILURE_OWNERSHIP, detail: err.detail, ownershipReason: err.reason };
  const detail = err instanceof Error ? err.message : String(err);
  if (err instanceof SwitchRequestError) return { ...base, failure: SwitchFailure.SWITCH_FAILURE_REFUSED, detail, openflow: encodeMessage(err.error) };
  if (err instanceof SwitchBusyError) return { ...base, failure: SwitchFailure.SWITCH_FAILURE_BUSY, detail };
  if (err instanceof SwitchUnavailableError) return { ...base, failure: SwitchFailure.SWITCH_FAILURE_UNAVAILABLE, detail };
  const code = err instanceof SdnError ? err.code : 'INTERNAL';
  return { ...base, failure: SwitchFailure.SWITCH_FAILURE_REJECTED, detail: `${code}: ${detail}` };
}

/**
 * The error a failed result rejects with on the calling node: the same classes
 * a local switch's handle uses; an ownership refusal as the OwnershipError a
 * local switch gives `app` (the app the command was sent for).
 */
export function failureFromWire(result: SwitchResult, owner: number, app: string | undefined): Error {
  const detail = `node ${owner}: ${result.detail}`;
  switch (result.failure) {
    case SwitchFailure.SWITCH_FAILURE_OWNERSHIP:
      if (app === undefined || !isOwnershipReason(result.ownershipReason)) return new RemoteSwitchError(`${detail} (an ownership refusal, reason "${result.ownershipReason}", for a command sent for no app or of a reason this node does not know)`);
      return new OwnershipError(result.ownershipReason, app, `${result.detail} (checked by node ${owner}, the switch's)`);
    case SwitchFailure.SWITCH_FAILURE_REFUSED: {
      let error: OfpMessage | undefined;
      try {
        error = decodeMessage(Buffer.from(result.openflow));
      } catch {
        error = undefined;
      }
      if (error?.type === 'Error' || error?.type === 'ErrorExperimenter') return new SwitchRequestError(error as ErrorMsg | ErrorExperimenterMsg);
      return new RemoteSwitchError(`${detail} (the OFPT_ERROR did not decode)`);
    }
    case SwitchFailure.SWITCH_FAILURE_BUSY:
      return new SwitchBusyError(detail, 0);
    case SwitchFailure.SWITCH_FAILURE_UNAVAILABLE:
      return new SwitchUnavailableError(detail);
    default:
      return new RemoteSwitchError(detail);
  }
}

const KINDS_TO_WIRE: Readonly<Record<AppKind, WireAppKind>> = { process: WireAppKind.APP_KIND_PROCESS, plugin: WireAppKind.APP_KIND_PLUGIN, client: WireAppKind.APP_KIND_CLIENT };
const KINDS_FROM_WIRE: ReadonlyMap<WireAppKind, AppKind> = new Map(Object.entries(KINDS_TO_WIRE).map(([kind, wire]) => [wire, kind as AppKind]));

export function appKindToWire(kind: AppKind): WireAppKind {
  return KINDS_TO_WIRE[kind];
}

/** The kind of a SwitchCommand's app; undefined for a value this build does not know. */
export function appKindFromWire(kind: WireAppKind): AppKind | undefined {
  return KINDS_FROM_WIRE.get(kind);
}
