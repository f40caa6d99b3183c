import { invalid } from './errors.js';

/** A dpid as users see it: 16 lowercase hex digits ("0000000000000001"). */
export function formatDpid(dpid: bigint): string {
  if (typeof dpid !== 'bigint' || dpid < 0n || dpid >= 1n << 64n) throw invalid('dpid', `a bigint 0..2^64-1 is needed, got ${String(dpid)}`);
  return dpid.toString(16).padStart(16, '0');
}

/** A dpid from hex text: "1", "0x1", "0000000000000001" or "00:00:00:00:00:00:00:01". */
export function parseDpid(text: string): bigint {
  const hex = typeof text === 'string' ? text.trim().replace(/^0x/i, '') : '';
  const digits = /^([0-9a-f]{2}:){7}[0-9a-f]{2}$/i.test(hex) ? hex.replaceAll(':', '') : hex;
  if (!/^[0-9a-f]{1,16}$/i.test(digits)) throw invalid('dpid', `${JSON.stringify(text)} is not a dpid (up to 16 hex digits, or 8 colon-separated bytes)`);
  return BigInt(`0x${digits}`);
}
