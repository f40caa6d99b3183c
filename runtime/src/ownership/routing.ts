import { OFPR_NO_MATCH, type PacketIn } from '../openflow/index.js';
import { appIdOf, NO_APP_ID, RUNTIME_APP_ID } from './cookie.js';

/**
 * Who gets a packet-in: the app whose flow sent it to the controller, or, for a
 * table miss (reason OFPR_NO_MATCH: the table-miss flow or no flow at all; or a
 * flow no app owns), every app that asked for table-miss packet-ins.
 */
export type PacketInRoute = { readonly to: 'owner'; readonly appId: number } | { readonly to: 'tableMiss' };

const TABLE_MISS: PacketInRoute = { to: 'tableMiss' };

/** Where `msg` goes (see PacketInRoute). Pure. */
export function packetInRoute(msg: Pick<PacketIn, 'reason' | 'cookie'>): PacketInRoute {
  if (msg.reason === OFPR_NO_MATCH) return TABLE_MISS;
  const appId = appIdOf(msg.cookie);
  return appId === RUNTIME_APP_ID || appId === NO_APP_ID ? TABLE_MISS : { to: 'owner', appId };
}
