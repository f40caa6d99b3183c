import { CliInputError } from './errors.js';

const MAX = (1n << 64n) - 1n;
const USAGE = 'give it in hex (0x1a, 1a, 000000000000001a, 00:00:00:00:00:00:00:1a) or decimal (26)';

/**
 * A dpid as users type it. Hex when it says so: a 0x prefix, the 16-digit form
 * `switches` prints, Open vSwitch's colon form, or any hex letter; otherwise
 * digits are decimal ("10" is ten, "0x10" sixteen).
 * @throws CliInputError for anything else or a value above 64 bits.
 */
export function parseDpid(text: string): bigint {
  const s = text.trim();
  let value: bigint;
  if (/^0x[0-9a-f]{1,16}$/i.test(s)) value = BigInt(s);
  else if (/^([0-9a-f]{2}:){7}[0-9a-f]{2}$/i.test(s)) value = BigInt(`0x${s.replaceAll(':', '')}`);
  else if (/^[0-9a-f]{16}$/i.test(s)) value = BigInt(`0x${s}`);
  else if (/^\d{1,20}$/.test(s)) value = BigInt(s);
  else if (/^[0-9a-f]{1,16}$/i.test(s)) value = BigInt(`0x${s}`);
  else throw new CliInputError(`"${text}" is not a dpid: ${USAGE}`);
  if (value > MAX) throw new CliInputError(`"${text}" is larger than a 64-bit dpid`);
  return value;
}
