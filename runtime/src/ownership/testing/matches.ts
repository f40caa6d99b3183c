import fc from 'fast-check';
import { matchDown, matchUp, type Match, type OxmField, type OxmOpaque } from '../../openflow/index.js';
import { match as anyMatch } from '../../openflow/testing/arbitraries.js';
import { match10 } from '../../openflow/testing/arbitraries-of10.js';
import type { MatchKey } from '../match-bits.js';

/** One field per OXM header, as a valid match has (a switch refuses a duplicate). */
const fieldId = (f: OxmField): string => (f.field === 'opaque' ? `${(f as OxmOpaque).oxmClass}.${(f as OxmOpaque).oxmField}` : f.field);
const EXPERIMENTER_CLASS = 0xffff;

/** A masked opaque field has a value and a mask of one size after its experimenter prefix (a switch refuses any other). */
function wellFormed(f: OxmField): boolean {
  if (f.field !== 'opaque' || !(f as OxmOpaque).hasMask) return true;
  const { oxmClass, payload } = f as OxmOpaque;
  const prefix = oxmClass !== EXPERIMENTER_CLASS ? 0 : payload.length >= 6 ? 6 : 4;
  return payload.length >= prefix && (payload.length - prefix) % 2 === 0;
}

/** An OpenFlow 1.3 match a switch would take: the codec's whole range of fields, each at most once. */
export const match13: fc.Arbitrary<Match> = anyMatch.filter((m) => new Set(m.map(fieldId)).size === m.length && m.every(wellFormed));

/** A match as OpenFlow 1.0 carries it (what survives its fixed fields), in OXM form. */
export const carried10: fc.Arbitrary<Match> = match10.map((x) => matchUp(matchDown(matchUp(x), 'FlowMod')));

/**
 * Matches from a small space (two ports, two MACs, one IPv4 prefix in two
 * masks), so that random pairs are often equal, overlapping or covering.
 */
export const nearbyMatch: fc.Arbitrary<Match> = fc
  .record({
    inPort: fc.option(fc.constantFrom(1, 2), { nil: undefined }),
    ethDst: fc.option(fc.constantFrom('02:00:00:00:00:01', '02:00:00:00:00:02'), { nil: undefined }),
    ipv4Dst: fc.option(fc.constantFrom('10.0.0.0/255.255.0.0', '10.0.1.0/255.255.255.0', '10.0.1.1/255.255.255.255'), { nil: undefined }),
  })
  .map(({ inPort, ethDst, ipv4Dst }): Match => {
    const m: OxmField[] = [];
    if (inPort !== undefined) m.push({ field: 'in_port', value: inPort });
    if (ethDst !== undefined) m.push({ field: 'eth_dst', value: ethDst });
    if (ipv4Dst !== undefined) {
      const [value, mask] = ipv4Dst.split('/') as [string, string];
      m.push({ field: 'eth_type', value: 0x0800 }, { field: 'ipv4_dst', value, mask });
    }
    return m;
  });

/** A match key's bytes as a string, one latin1 character per byte: what tests compare and keep (matchKeyOf's result is a scratch). */
export function keyText(key: MatchKey): string {
  return Buffer.from(key.bytes.buffer, key.bytes.byteOffset + key.start, key.length).toString('latin1');
}
