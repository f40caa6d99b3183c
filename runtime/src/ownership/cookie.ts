/**
 * The cookie layout (one table, used by the confinement, the routing and the docs):
 *
 *   bits 63..48  app id (16 bits): set by the runtime, never by the app
 *   bits 47..0   the app's own cookie (48 bits): the app's to use as it likes
 *
 * App id 0 is the runtime's own (flows no app wrote, flows written before
 * ownership existed); 0xffff is never given out, so the all-ones cookie a switch
 * reports for a packet-in no flow caused (OpenFlow 1.3.5 7.4.1) has no owner.
 */

export const APP_ID_BITS = 16;
export const APP_COOKIE_BITS = 64 - APP_ID_BITS;
const SHIFT = BigInt(APP_COOKIE_BITS);
/** The bits an app may set in its cookies (and cookie masks). */
export const APP_COOKIE_MASK = (1n << SHIFT) - 1n;
/** The app-id field of a cookie. */
export const APP_ID_MASK = ((1n << BigInt(APP_ID_BITS)) - 1n) << SHIFT;
/** Flows no app owns. */
export const RUNTIME_APP_ID = 0;
/** Never given to an app: the top of the all-ones cookie. */
export const NO_APP_ID = (1 << APP_ID_BITS) - 1;
/** The cookie of a packet-in that no flow entry caused. */
export const NO_COOKIE = 0xffff_ffff_ffff_ffffn;
/** The largest id an app can get. */
export const MAX_APP_ID = NO_APP_ID - 1;

/** The cookie of app `appId` whose own part is `own` (which must fit APP_COOKIE_MASK). */
export function appCookie(appId: number, own: bigint): bigint {
  const id = (ID_FIELDS[appId] ??= BigInt(appId) << SHIFT);
  // Most apps leave their cookie 0: the app's id field as it is, with no bigint made per flow-mod.
  return own === 0n ? id : id | (own & APP_COOKIE_MASK);
}

/** App id -> its id field (`appId << 48`), made once per app. */
const ID_FIELDS: bigint[] = [];

/** The app id in `cookie`: RUNTIME_APP_ID for the runtime's flows, NO_APP_ID for "no flow". */
export function appIdOf(cookie: bigint): number {
  return Number((cookie & APP_ID_MASK) >> SHIFT);
}

/** The app's own part of `cookie` (what the app wrote and gets back). */
export function ownCookie(cookie: bigint): bigint {
  return cookie & APP_COOKIE_MASK;
}

/** Whether `cookie` sets bits only an app id may set. */
export function touchesAppBits(cookie: bigint): boolean {
  return cookie !== 0n && (cookie & APP_ID_MASK) !== 0n;
}

/**
 * The cookie app `appId` is shown of a packet-in that reached it: of one of its
 * own flows its own part; of a flow no app owns (the runtime's, or none: the
 * all-ones cookie) the switch's; of another app's flow (a table miss through a
 * table-miss flow another app installed) NO_COOKIE, so that no app sees
 * another's cookie bits.
 */
export function cookieSeenBy(appId: number, cookie: bigint): bigint {
  const owner = appIdOf(cookie);
  if (owner === RUNTIME_APP_ID || owner === NO_APP_ID) return cookie;
  return owner === appId ? ownCookie(cookie) : NO_COOKIE;
}
