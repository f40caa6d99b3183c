import { macAt } from '../openflow/index.js';
import { TopologyFrameError } from './errors.js';

/** Ethernet types topology looks at. */
export const EthType = { IPV4: 0x0800, ARP: 0x0806, VLAN: 0x8100, QINQ: 0x88a8, IPV6: 0x86dd, LLDP: 0x88cc } as const;

const HEADER_SIZE = 14;
const TAG_SIZE = 4;
/** More stacked tags than 802.1ad's two is not a frame we learn from. */
const MAX_TAGS = 2;

/**
 * What topology reads of an Ethernet header: the type after any 802.1Q/802.1ad
 * tags and where the payload starts. The source MAC is read apart (`sourceMac`):
 * building its text is most of the cost on the PACKET_IN path, and only host
 * tracking needs it.
 */
export interface EthernetHeader {
  readonly ethType: number;
  /** Index in the frame of the first byte after the header and its tags. */
  readonly payloadAt: number;
}

/** The header of `frame`; PACKET_MALFORMED when it is shorter than its header and tags. */
export function parseEthernet(frame: Uint8Array): EthernetHeader {
  if (frame.length < HEADER_SIZE) throw new TopologyFrameError('PACKET_MALFORMED', `Ethernet frame of ${frame.length} bytes, at least ${HEADER_SIZE} needed`);
  let at = 12;
  let ethType = (frame[at]! << 8) | frame[at + 1]!;
  for (let tags = 0; ethType === EthType.VLAN || ethType === EthType.QINQ; tags++) {
    if (tags === MAX_TAGS) throw new TopologyFrameError('PACKET_MALFORMED', `Ethernet frame with more than ${MAX_TAGS} VLAN tags`);
    at += TAG_SIZE;
    if (frame.length < at + 2) throw new TopologyFrameError('PACKET_MALFORMED', `Ethernet frame of ${frame.length} bytes ends inside its VLAN tags`);
    ethType = (frame[at]! << 8) | frame[at + 1]!;
  }
  return { ethType, payloadAt: at + 2 };
}

/**
 * The frame's source MAC as text, or undefined for one no host can have: a group
 * address (the I/G bit) or all zeros. The caller checked the header's length.
 */
export function sourceMac(frame: Uint8Array): string | undefined {
  if ((frame[6]! & 1) === 1) return undefined;
  if ((frame[6]! | frame[7]! | frame[8]! | frame[9]! | frame[10]! | frame[11]!) === 0) return undefined;
  return macAt(frame, 6);
}
