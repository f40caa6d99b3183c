import { actions, CtState, EthType, instructions, IpProto, match, NxCtFlags, Port, Table, type Action, type FlowModOptions, type MatchBuilder } from '@sdn-runtime/sdk';

/** Which traffic may open connections, and where the firewall keeps its state. */
export interface FirewallConfig {
  /** Switch ports the inside hosts are on: new connections from them are allowed. */
  readonly insidePorts: readonly number[];
  /** Inside source addresses, "10.0.0.0/24", "10.0.0.1" or "2001:db8::/64": new connections from them are allowed. */
  readonly insideNets: readonly string[];
  /** Conntrack zone (0..65535) the firewall tracks connections in. */
  readonly zone: number;
  /** Cookie on every flow of the pipeline (at most 48 bits); the flows carrying it are replaced when the pipeline is (re)installed. */
  readonly cookie: bigint;
}

/**
 * "frwall" in ASCII: the default cookie, easy to spot in dump-flows. It fits
 * the 48 bits an app owns; the runtime puts the app id in the top 16.
 */
export const DEFAULT_COOKIE = 0x667277616c6cn;
export const DEFAULT_ZONE = 1;

/** Table 0 classifies, table 1 decides on tracked packets. */
export const CLASSIFY_TABLE = 0;
export const DECIDE_TABLE = 1;

/** Priorities, highest first within each table. */
export const Priority = {
  /** Table 0: IPv6 neighbour discovery, forwarded like ARP. */
  NEIGHBOUR_DISCOVERY: 200,
  /** Table 0: untracked IP to the connection tracker. */
  TRACK: 100,
  /** Table 0: everything else (ARP, non-IP) is forwarded. */
  L2: 0,
  /** Table 1. */
  DROP_INVALID: 300,
  ALLOW_TRACKED: 200,
  COMMIT_INSIDE_NEW: 100,
  DROP_NEW: 50,
} as const;

const IP_TYPES = [EthType.IPV4, EthType.IPV6] as const;
/** ICMPv6 router solicitation/advertisement, neighbour solicitation/advertisement (RFC 4861). */
const ND_TYPES = [133, 134, 135, 136] as const;
const ALL_COOKIE_BITS = 0xffffffffffffffffn;

/** ct_state bits that must be set (`on`) and clear (`off`): "+trk+new-inv" is `ctState(TRACKED | NEW, INVALID)`. */
const ctState = (m: MatchBuilder, on: number, off = 0): MatchBuilder => m.ctState(on, on | off);

/** The forwarding of allowed packets: flood (every port but the one it came in on). */
const forward = actions.output(Port.FLOOD);

/**
 * The flows of the firewall, in the order they must reach a switch: first a
 * delete of every flow with the pipeline's cookie (a previous run's rules must
 * not survive a configuration change), then
 *
 * table 0: IPv6 neighbour discovery is forwarded; untracked IPv4 and IPv6 go
 *   through ct(table=1, zone); the rest (ARP, non-IP) is forwarded;
 * table 1: +trk+inv is dropped; +trk+est and +trk+rel are forwarded (both
 *   directions: the replies of committed connections); +trk+new from an inside
 *   port or address is committed (ct(commit, zone)) and forwarded; any other
 *   +trk+new is dropped. A packet no flow of table 1 matches is dropped (the
 *   OpenFlow 1.3 table-miss default).
 *
 * Pure: the same config gives the same flow-mods. Throws SdnClientError INVALID
 * (from the SDK's builders) for a port, address or zone out of range.
 */
export function firewallFlowMods(config: FirewallConfig): FlowModOptions[] {
  const { zone, cookie } = config;
  const ct = (flags: number, recircTable?: number) => actions.nxCt({ flags, zoneOfsNbits: zone, ...(recircTable === undefined ? {} : { recircTable }) });
  const flow = (tableId: number, priority: number, m: MatchBuilder, acts: Action[]): FlowModOptions => ({
    tableId,
    priority,
    cookie,
    match: m.build(),
    instructions: acts.length === 0 ? [] : [instructions.apply(...acts)],
  });

  const classify = [
    ...ND_TYPES.map((type) => flow(CLASSIFY_TABLE, Priority.NEIGHBOUR_DISCOVERY, match().ethType(EthType.IPV6).ipProto(IpProto.ICMPV6).icmpv6Type(type), [forward])),
    ...IP_TYPES.map((ethType) => flow(CLASSIFY_TABLE, Priority.TRACK, ctState(match().ethType(ethType), 0, CtState.TRACKED), [ct(0, DECIDE_TABLE)])),
    flow(CLASSIFY_TABLE, Priority.L2, match(), [forward]),
  ];

  const tracked = (on: number) => ctState(match(), CtState.TRACKED | on);
  const insideNew = (ethType: number) => ctState(match().ethType(ethType), CtState.TRACKED | CtState.NEW);
  const fromInside: MatchBuilder[] = [
    ...config.insidePorts.flatMap((port) => IP_TYPES.map((ethType) => insideNew(ethType).inPort(port))),
    ...config.insideNets.map((net) => (net.includes(':') ? insideNew(EthType.IPV6).ipv6Src(net) : insideNew(EthType.IPV4).ipv4Src(net))),
  ];
  const decide = [
    flow(DECIDE_TABLE, Priority.DROP_INVALID, tracked(CtState.INVALID), []),
    flow(DECIDE_TABLE, Priority.ALLOW_TRACKED, tracked(CtState.ESTABLISHED), [forward]),
    flow(DECIDE_TABLE, Priority.ALLOW_TRACKED, tracked(CtState.RELATED), [forward]),
    ...fromInside.map((m) => flow(DECIDE_TABLE, Priority.COMMIT_INSIDE_NEW, m, [ct(NxCtFlags.COMMIT), forward])),
    flow(DECIDE_TABLE, Priority.DROP_NEW, tracked(CtState.NEW), []),
  ];

  return [{ command: 'delete', tableId: Table.ALL, cookie, cookieMask: ALL_COOKIE_BITS }, ...classify, ...decide];
}
