import { EthType, match, SdnClientError, Table, type FlowModOptions, type MatchBuilder } from '@sdn-runtime/sdk';

/** Two hosts that must not reach each other: both MAC addresses or both IPv4 addresses. */
export interface BlockedPair {
  readonly a: string;
  readonly b: string;
}

export interface AclConfig {
  readonly blocked: readonly BlockedPair[];
  /** Priority of the drop flows: above the forwarding apps' flows (a learning switch uses 1). */
  readonly priority: number;
  /** The app's cookie on every flow (the runtime adds the app id in the top 16 bits: it must fit in 48 bits). */
  readonly cookie: bigint;
}

/** "acl" in ASCII: easy to spot in the low bits of dump-flows' cookies. */
export const DEFAULT_COOKIE = 0x61636cn;
export const DEFAULT_PRIORITY = 1000;

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function kindOf(address: string): 'mac' | 'ipv4' {
  if (MAC.test(address)) return 'mac';
  const m = IPV4.exec(address);
  if (m !== null && m.slice(1).every((octet) => Number(octet) <= 255)) return 'ipv4';
  throw new SdnClientError('INVALID', `"${address}" is neither a MAC address (00:00:00:00:00:01) nor an IPv4 address (10.0.0.1)`);
}

/** Packets from `src` to `dst`. */
function direction(kind: 'mac' | 'ipv4', src: string, dst: string): MatchBuilder {
  return kind === 'mac' ? match().ethSrc(src).ethDst(dst) : match().ethType(EthType.IPV4).ipv4Src(src).ipv4Dst(dst);
}

/**
 * The flows of the ACL, in the order they must reach a switch: a delete of
 * "all flows" (table ALL, empty match, no cookie), which the runtime confines
 * to this app's flows (a previous run's rules go, other apps' flows stay),
 * then for each pair a drop flow (no instructions) per direction. Pure.
 * @throws SdnClientError INVALID for an address that is not MAC or IPv4, a pair of two kinds or of one host.
 */
export function aclFlowMods(config: AclConfig): FlowModOptions[] {
  const drops = config.blocked.flatMap(({ a, b }): FlowModOptions[] => {
    const kind = kindOf(a);
    if (kindOf(b) !== kind) throw new SdnClientError('INVALID', `${a} and ${b}: a pair is two MAC or two IPv4 addresses`);
    if (a.toLowerCase() === b.toLowerCase()) throw new SdnClientError('INVALID', `${a}: a pair is two different hosts`);
    return [direction(kind, a, b), direction(kind, b, a)].map((m) => ({ priority: config.priority, cookie: config.cookie, match: m.build(), instructions: [] }));
  });
  return [deleteAllFlows(), ...drops];
}

/** "Delete every flow": what the ACL sends when it stops. The runtime confines it to this app's flows. */
export function deleteAllFlows(): FlowModOptions {
  return { command: 'delete', tableId: Table.ALL };
}

/**
 * A pair from its text form, "A,B".
 * @throws SdnClientError INVALID when it is not two comma-separated addresses.
 */
export function parsePair(text: string): BlockedPair {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.length !== 2 || parts.some((p) => p === '')) throw new SdnClientError('INVALID', `"${text}" is not a pair "A,B"`);
  return { a: parts[0]!, b: parts[1]! };
}
