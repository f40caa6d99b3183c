import { macAt } from './bytes.js';

/** The Ethernet II header of a frame. MACs as "aa:bb:cc:dd:ee:ff". */
export interface EthernetHeader {
  readonly dst: string;
  readonly src: string;
  /** The EtherType after any 802.1Q tags. */
  readonly ethType: number;
  /** The VLAN id of the outer 802.1Q tag, or undefined. */
  readonly vlanId: number | undefined;
}

/** Reads the Ethernet header of `frame`; undefined when the frame is too short to hold one. */
export function ethernet(frame: Uint8Array): EthernetHeader | undefined {
  if (frame.length < 14) return undefined;
  let offset = 12;
  let ethType = (frame[offset]! << 8) | frame[offset + 1]!;
  let vlanId: number | undefined;
  while ((ethType === 0x8100 || ethType === 0x88a8) && frame.length >= offset + 6) {
    vlanId ??= ((frame[offset + 2]! << 8) | frame[offset + 3]!) & 0x0fff;
    offset += 4;
    ethType = (frame[offset]! << 8) | frame[offset + 1]!;
  }
  return { dst: macAt(frame, 0), src: macAt(frame, 6), ethType, vlanId };
}

/** True for group addresses (broadcast included): the low bit of the first byte. */
export function isMulticast(mac: string): boolean {
  return (parseInt(mac.slice(0, 2), 16) & 1) === 1;
}
