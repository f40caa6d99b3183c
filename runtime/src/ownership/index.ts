/**
 * Apps own what they write: the cookie layout, app ids, confinement of an app's
 * commands to its own flows, the per-switch flow ledger (overlap policy and
 * quotas), packet-in routing and named tables. Pure: no I/O, no clock.
 */
export { APP_COOKIE_BITS, APP_COOKIE_MASK, APP_ID_BITS, APP_ID_MASK, appCookie, appIdOf, cookieSeenBy, MAX_APP_ID, NO_APP_ID, NO_COOKIE, ownCookie, RUNTIME_APP_ID, touchesAppBits } from './cookie.js';
export { admitEncodedFlowMod, encodeAdmittedFlowMod, sendReplacingAdd } from './admit.js';
export { AppIds, preferredAppId } from './app-ids.js';
export { appAskedFlowRemoved, asOwnerSees, confineCommand, ownedFlowStats, type AppRef } from './confine.js';
export { isOwnershipReason, OwnershipError, type OwnershipReason } from './errors.js';
export { FlowLedger, type LedgerEntry, type QuotaOf } from './ledger.js';
export { matchBits, matchCovers, matchesEqual, matchesOverlap, matchKeyOf, matchKeyOfEncoded, type MatchBits, type MatchKey } from './match-bits.js';
export { packetInRoute, type PacketInRoute } from './routing.js';
export { layoutTables, MAX_TABLE_ID, nextTable, tableId, type AppTables, type TableDeclaration, type TableLayout } from './tables.js';
