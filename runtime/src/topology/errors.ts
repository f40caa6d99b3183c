import { SdnError } from '../errors.js';

/**
 * Why a received frame was not used by topology. The caller counts it by `code`
 * (a prom-client label) and logs it once; the state machines never throw anything
 * else for bad input.
 *
 * - `LLDP_MALFORMED`: not a well-formed LLDP data unit (a TLV overruns, a
 *   mandatory TLV is missing or out of order).
 * - `LLDP_FOREIGN`: well-formed LLDP that is not one of our probes (no probe TLV:
 *   a host's or a legacy switch's LLDP), or a probe of another wire version.
 * - `LLDP_FORGED`: carries our probe TLV but the HMAC does not verify with the
 *   cluster secret (another cluster, or a forgery), or the chassis/port id do
 *   not have the form we write.
 * - `LLDP_STALE`: verified, but its timestamp is older than the accepted age or
 *   in the future (a replay, or a clock far off).
 * - `PACKET_MALFORMED`: a packet-in frame whose Ethernet, ARP, IPv4 or IPv6
 *   header is truncated, so no host can be learned from it.
 * - `ANNOUNCE_MALFORMED`, `ANNOUNCE_FOREIGN`, `ANNOUNCE_FORGED`, `ANNOUNCE_STALE`:
 *   another node's announcement of its links and hosts (announcement.ts) is too
 *   large or not of our form, of another version, not signed with the cluster
 *   secret, or not newer than the last one of that node.
 */
export type TopologyErrorCode =
  | 'LLDP_MALFORMED'
  | 'LLDP_FOREIGN'
  | 'LLDP_FORGED'
  | 'LLDP_STALE'
  | 'PACKET_MALFORMED'
  | 'ANNOUNCE_MALFORMED'
  | 'ANNOUNCE_FOREIGN'
  | 'ANNOUNCE_FORGED'
  | 'ANNOUNCE_STALE';

/** A frame topology refused; `code` says why (see `TopologyErrorCode`), `cause` chains a codec error. */
export class TopologyFrameError extends SdnError {
  declare readonly code: TopologyErrorCode;

  constructor(code: TopologyErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
