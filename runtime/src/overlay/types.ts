import type { Envelope, RefuseReason, SwitchMessage } from '../generated/sdn/overlay/v1/overlay.js';
import type { OverlayErrorCode } from './errors.js';

/** A runtime node's id: a 32-bit unsigned integer, never 0. */
export type NodeId = number;

/** A transport connection, numbered by the runner (unique for the node's lifetime). */
export type ConnId = number;

/** A uniform random number in [0, 1): injected so that tests and the simulator are deterministic. */
export type RandomSource = () => number;

/** Why a link was closed: `code` is stable (metrics label), `detail` is for people. */
export interface CloseReason {
  readonly code: 'refused' | 'refused-by-peer' | 'timeout' | 'duplicate' | 'replaced' | 'protocol' | 'shutdown';
  readonly refuse?: RefuseReason;
  readonly detail: string;
}

/**
 * What the overlay asks of its runner, and what it reports. Outputs are plain
 * data; the runner acts on them in order.
 * - `connect`: dial `addr` (`HOST:PORT`); answer with exactly one `onConnected(conn, nowMs, addr)`
 *   or `onConnectFailed(addr, nowMs)`.
 * - `send`: frame `message` (wire/`encodeFrame`) and write it on `conn`; `to` is the peer once known.
 *   `sheddable`: a unicast whose sender marked it droppable (switch events): the runner drops it
 *   rather than queue it on a backed-up link (README.md, "Shedding"); absent on everything else.
 * - `close`: close `conn`; the runner still calls `onClosed` once it is gone.
 * - `problem`: bad input or a broken rule, already contained: count it by `code`, log it once.
 */
export type OverlayOutput =
  | { readonly kind: 'connect'; readonly addr: string; readonly expected: NodeId }
  | { readonly kind: 'send'; readonly conn: ConnId; readonly to: NodeId | undefined; readonly message: Envelope; readonly sheddable?: true }
  | { readonly kind: 'close'; readonly conn: ConnId; readonly reason: CloseReason }
  | { readonly kind: 'problem'; readonly code: OverlayErrorCode; readonly detail: string; readonly peer?: NodeId }
  | { readonly kind: 'neighbour-up'; readonly node: NodeId; readonly rttMs: number }
  | { readonly kind: 'neighbour-down'; readonly node: NodeId; readonly reason: CloseReason }
  /** `aliases`: the node's names when this node holds its record (OverlayNode adds them; usually not yet on reachable: the record follows the route). */
  | { readonly kind: 'node-reachable'; readonly node: NodeId; readonly aliases?: readonly string[] }
  /** `aliases`: its names as the record this node held had them (the directory drops the record right after). */
  | { readonly kind: 'node-unreachable'; readonly node: NodeId; readonly aliases?: readonly string[] }
  | { readonly kind: 'unicast'; readonly from: NodeId; readonly data: Uint8Array }
  | { readonly kind: 'switch-message'; readonly from: NodeId; readonly message: SwitchMessage }
  | { readonly kind: 'broadcast'; readonly from: NodeId; readonly data: Uint8Array }
  | { readonly kind: 'publish'; readonly from: NodeId; readonly subject: string; readonly payload: Uint8Array };

/** Where features put their outputs (the node's queue). */
export type Emit = (output: OverlayOutput) => void;
