import {
  OFPFC_ADD,
  OFPFC_DELETE_STRICT,
  OFPFC_MODIFY_STRICT,
  NX_EXPERIMENTER_ID,
  OFPFF_SEND_FLOW_REM,
  type FlowMod,
  type MessageBody,
  type FlowRemoved,
  type FlowStats,
  type MultipartRequest,
  type PacketIn,
} from '../openflow/index.js';
import { APP_COOKIE_MASK, APP_ID_MASK, appCookie, appIdOf, ownCookie, touchesAppBits } from './cookie.js';
import { OwnershipError } from './errors.js';

/** Who a command is confined for. */
export interface AppRef {
  readonly id: number;
  readonly name: string;
}

/** OpenFlow 1.0 (wire version 1) has no cookie mask: nothing selects flows by cookie there. */
const OFP10_VERSION = 1;

type FlowModBody = Omit<FlowMod, 'version' | 'xid'>;
type MultipartRequestBody = Omit<MultipartRequest, 'version' | 'xid'>;

/**
 * `command` as the runtime sends it for `app` on a switch speaking `version`:
 * a flow-mod's cookie gets the app id in its top bits, and a modify, delete or
 * flow/aggregate stats request a cookie mask covering the app id, so it selects
 * the app's flows only (a delete of "all flows" deletes the app's flows). An
 * add also gets OFPFF_SEND_FLOW_REM, so the switch reports every flow that
 * leaves and the flow ledger counts exactly; whether the app asked for the
 * report is kept in `appAskedFlowRemoved`. Raw OpenFlow 1.0 flow-mods and flow
 * stats requests and raw Nicira flow-mods are refused; other commands pass
 * unchanged (groups and meters are shared). Pure.
 * @throws OwnershipError `cookieBits` when the app's cookie sets app-id bits;
 *   `unconfinable` for a non-strict modify/delete or an aggregate request on
 *   OpenFlow 1.0 (no cookie mask: it would reach other apps' flows).
 */
export function confineCommand(app: AppRef, version: number, command: MessageBody): MessageBody {
  switch (command.type) {
    case 'FlowMod':
      return confineFlowMod(app, version, command as FlowModBody);
    case 'MultipartRequest':
      return confineStatsRequest(app, version, command as MultipartRequestBody);
    case 'FlowMod10':
    case 'StatsRequest':
      // OpenFlow 1.0 values (from raw messages): the typed 1.3 model is what the runtime confines.
      if (command.type === 'FlowMod10' || command.body.type === 'flow' || command.body.type === 'aggregate') {
        throw new OwnershipError('unconfinable', app.name, `a raw OpenFlow 1.0 ${command.type === 'FlowMod10' ? 'flow-mod' : 'flow stats request'} bypasses the app's cookie space: send the typed command`);
      }
      return command;
    case 'Experimenter':
    case 'Vendor':
      if (isNiciraFlowMod(command)) throw new OwnershipError('unconfinable', app.name, 'a raw Nicira flow-mod (NXT_FLOW_MOD) bypasses the app\'s cookie space: send the typed flow-mod');
      return command;
    default:
      return command;
  }
}

/** NXT_FLOW_MOD: Open vSwitch's own flow-mod, which carries its own cookie. */
const NXT_FLOW_MOD = 13;

function isNiciraFlowMod(command: Extract<MessageBody, { type: 'Experimenter' | 'Vendor' }>): boolean {
  if (command.type === 'Experimenter') return command.experimenter === NX_EXPERIMENTER_ID && command.expType === NXT_FLOW_MOD;
  const d = command.data;
  return command.vendor === NX_EXPERIMENTER_ID && d.length >= 4 && ((d[0]! << 24) | (d[1]! << 16) | (d[2]! << 8) | d[3]!) === NXT_FLOW_MOD;
}

/** Whether the app itself set OFPFF_SEND_FLOW_REM on `mod` (before confinement added it). */
export function appAskedFlowRemoved(mod: Pick<FlowMod, 'flags'>): boolean {
  return (mod.flags & OFPFF_SEND_FLOW_REM) !== 0;
}

function checkCookie(app: AppRef, cookie: bigint, what: string): void {
  if (touchesAppBits(cookie)) {
    throw new OwnershipError(
      'cookieBits',
      app.name,
      `${what} cookie 0x${cookie.toString(16)} sets bits of the app-id field (the top 16 bits); an app's cookies fit in 0x${APP_COOKIE_MASK.toString(16)}`,
    );
  }
}

function confineFlowMod(app: AppRef, version: number, mod: FlowModBody): FlowModBody {
  checkCookie(app, mod.cookie, 'flow-mod');
  if (mod.command === OFPFC_ADD) return flowModWith(mod, appCookie(app.id, mod.cookie), mod.cookieMask, mod.flags | OFPFF_SEND_FLOW_REM);
  const strict = mod.command === OFPFC_MODIFY_STRICT || mod.command === OFPFC_DELETE_STRICT;
  if (version === OFP10_VERSION) {
    // A strict command names one flow; the ledger checks that the app owns it.
    if (strict) return mod;
    throw new OwnershipError('unconfinable', app.name, 'OpenFlow 1.0 has no cookie mask, so a non-strict modify or delete would reach other apps\' flows: use the strict form');
  }
  return flowModWith(mod, appCookie(app.id, mod.cookie & mod.cookieMask), mod.cookieMask | APP_ID_MASK, mod.flags);
}

/**
 * Where an OpenFlow 1.3 flow-mod (OpenFlow 1.3.5 7.3.4.1) holds the fields
 * confinement and the ledger read, from its first byte; the app-id field is
 * the cookie's (and cookie mask's) first APP_ID_BYTES bytes.
 */
export const FLOW_MOD_AT = { cookie: 8, cookieMask: 16, tableId: 24, command: 25, priority: 30, flags: 44 } as const;
const APP_ID_BYTES = 2;

/**
 * `confineCommand(app, OpenFlow 1.3, mod)` done to `mod` encoded at
 * `bytes[start..]` as the app wrote it, in place: afterwards the bytes are
 * the confined flow-mod's, and no confined value is made (the hot path of a
 * learning switch: `SwitchHandle.sendAdmitted`). The same rule as
 * confineFlowMod, on the wire form: the app's cookie leaves the app-id field
 * zero (checked first), so the confined cookie is that cookie (an add) or its
 * masked part (any other command) with the app id in the field's two bytes.
 * @throws OwnershipError `cookieBits` as confineCommand; the bytes are unchanged then.
 */
export function confineEncodedFlowMod(app: AppRef, mod: FlowModBody, bytes: Uint8Array, start: number): void {
  checkCookie(app, mod.cookie, 'flow-mod');
  if (mod.command === OFPFC_ADD) return confineEncodedAdd(app, bytes, start);
  const cookie = start + FLOW_MOD_AT.cookie;
  const mask = start + FLOW_MOD_AT.cookieMask;
  for (let i = APP_ID_BYTES; i < 8; i++) bytes[cookie + i] = bytes[cookie + i]! & bytes[mask + i]!;
  bytes[mask] = 0xff;
  bytes[mask + 1] = 0xff;
  writeAppId(app, bytes, cookie);
}

/**
 * An add encoded at `bytes[start..]` whose cookie leaves the app-id field
 * zero, confined in place (confineFlowMod's add on the wire form): the app id
 * in that field, OFPFF_SEND_FLOW_REM set.
 */
export function confineEncodedAdd(app: AppRef, bytes: Uint8Array, start: number): void {
  bytes[start + FLOW_MOD_AT.flags + 1] = bytes[start + FLOW_MOD_AT.flags + 1]! | OFPFF_SEND_FLOW_REM;
  writeAppId(app, bytes, start + FLOW_MOD_AT.cookie);
}

function writeAppId(app: AppRef, bytes: Uint8Array, cookieAt: number): void {
  bytes[cookieAt] = app.id >>> 8;
  bytes[cookieAt + 1] = app.id & 0xff;
}

/**
 * `mod` with another cookie, cookie mask and flags, written out field by field:
 * a spread of the app's object cost as much as the rest of the confinement (it
 * is on every flow-mod), and the session gives the version and xid.
 */
function flowModWith(mod: FlowModBody, cookie: bigint, cookieMask: bigint, flags: number): FlowModBody {
  return {
    type: 'FlowMod',
    cookie,
    cookieMask,
    tableId: mod.tableId,
    command: mod.command,
    idleTimeout: mod.idleTimeout,
    hardTimeout: mod.hardTimeout,
    priority: mod.priority,
    bufferId: mod.bufferId,
    outPort: mod.outPort,
    outGroup: mod.outGroup,
    flags,
    match: mod.match,
    instructions: mod.instructions,
  };
}

function confineStatsRequest(app: AppRef, version: number, req: MultipartRequestBody): MultipartRequestBody {
  const body = req.body;
  if (body.type !== 'flow' && body.type !== 'aggregate') return req;
  checkCookie(app, body.cookie, `${body.type} stats`);
  if (version === OFP10_VERSION) {
    // Flow entries are filtered by owner on the way back (ownedFlowStats); an aggregate cannot be.
    if (body.type === 'flow') return req;
    throw new OwnershipError('unconfinable', app.name, 'OpenFlow 1.0 cannot select flows by cookie, so an aggregate would count other apps\' flows: ask for flow stats');
  }
  return { ...req, body: { ...body, cookie: appCookie(app.id, body.cookie & body.cookieMask), cookieMask: body.cookieMask | APP_ID_MASK } };
}

/** The entries of a flow stats reply that belong to `appId`, with the app's own cookies. */
export function ownedFlowStats(appId: number, entries: readonly FlowStats[]): FlowStats[] {
  const out: FlowStats[] = [];
  for (const e of entries) if (appIdOf(e.cookie) === appId) out.push({ ...e, cookie: ownCookie(e.cookie) });
  return out;
}

/** `msg` as its owner sees it: the cookie it wrote, without the app id. */
export function asOwnerSees<M extends PacketIn | FlowRemoved>(msg: M): M {
  return { ...msg, cookie: ownCookie(msg.cookie) };
}
