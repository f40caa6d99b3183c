import { ErrorCode, SdnClientError } from '../errors.js';

/**
 * A packet the library cannot parse (code MALFORMED_PACKET: truncated, a length
 * that lies, a wrong version) or build (code INVALID: a field out of range, layers
 * that do not fit together). `layer` names the header, `offset` the byte in the
 * frame where parsing stopped (-1 when building).
 */
export class PacketError extends SdnClientError {
  readonly layer: string;
  readonly offset: number;

  constructor(code: typeof ErrorCode.MALFORMED_PACKET | typeof ErrorCode.INVALID, layer: string, offset: number, message: string) {
    super(code, offset >= 0 ? `${layer} at byte ${offset}: ${message}` : `${layer}: ${message}`);
    this.name = 'PacketError';
    this.layer = layer;
    this.offset = offset;
  }
}

/** MALFORMED_PACKET at `offset`. */
export function malformed(layer: string, offset: number, message: string): PacketError {
  return new PacketError(ErrorCode.MALFORMED_PACKET, layer, offset, message);
}

/** Fails unless `need` bytes are there at `offset` of `b`. */
export function need(b: Uint8Array, offset: number, need: number, layer: string, base: number): void {
  if (offset + need > b.length) throw malformed(layer, base + offset, `truncated: ${need} bytes needed, ${Math.max(0, b.length - offset)} left`);
}

/** INVALID for a spec that cannot be built. */
export function badSpec(layer: string, message: string): PacketError {
  return new PacketError(ErrorCode.INVALID, layer, -1, message);
}
