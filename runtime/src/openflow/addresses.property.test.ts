import assert from 'node:assert/strict';
import { isIPv4, isIPv6 } from 'node:net';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { readIpv4, readIpv6, readMac, writeIpv4, writeIpv6, writeMac } from './addresses.js';
import { ipv4, ipv6, mac, u16 } from './testing/arbitraries.js';
import { OfpEncodeError } from './errors.js';
import { Reader } from './reader.js';
import { Writer } from './writer.js';

/**
 * Address text is parsed strictly, against independent oracles: node:net decides
 * which IPv4/IPv6 text is valid (minus the IPv6 forms the codec does not take:
 * embedded IPv4 and zone ids), a regular expression which MAC text is. Accepted
 * text reads back in canonical form; rejected text is an OfpEncodeError naming the
 * field, with nothing written.
 */

const MAC_TEXT = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;

/** Accepts `text` or throws; returns the canonical text read back from the bytes. */
function roundTrip(text: string, write: typeof writeIpv4, read: typeof readIpv4): string | undefined {
  const w = new Writer(4);
  try {
    write(w, text, 'addr');
  } catch (err) {
    assert.ok(err instanceof OfpEncodeError && err.field === 'addr', `${String(err)}`);
    assert.equal(w.pos, 0, 'nothing is written for rejected text');
    return undefined;
  }
  const r = new Reader(w.view(), 0, w.pos, 'test');
  const back = read(r, 'addr');
  r.done();
  return back;
}

/** Strings made of the pieces address text is made of, valid or not. */
function textFrom(pieces: readonly string[]): fc.Arbitrary<string> {
  return fc.array(fc.constantFrom(...pieces), { maxLength: 12 }).map((parts) => parts.join(''));
}

const ipv4Like = fc.oneof(
  ipv4,
  ipv4.chain((ip) => fc.nat(3).map((i) => ip.split('.').map((p, j) => (i === j ? `0${p}` : p)).join('.'))),
  textFrom(['0', '1', '25', '255', '256', '9', '.', '..', ' ', '+1', '1e2', 'a']),
);

/** Valid IPv6 text in other forms than RFC 5952: full width, uppercase, no compression. */
const ipv6Full = fc
  .tuple(fc.array(u16, { minLength: 8, maxLength: 8 }), fc.boolean())
  .map(([groups, upper]) => groups.map((g) => g.toString(16).padStart(4, '0')).join(':')[upper ? 'toUpperCase' : 'toLowerCase']());

const ipv6Like = fc.oneof(
  ipv6,
  ipv6Full,
  textFrom(['0', '1', 'a', 'F', 'ffff', '0000', '00001', ':', '::', ':::', '.', '1.2.3.4', '%eth0', 'g']),
);

const macLike = fc.oneof(
  mac,
  mac.map((m) => m.toUpperCase()),
  textFrom(['0', 'a', 'F', 'g', '00', ':', '-', '::', 'ab:']),
);

function canonicalIpv6(text: string): string {
  return new URL(`http://[${text}]/`).hostname.slice(1, -1);
}

describe('address text', () => {
  it('accepts exactly the IPv4 text node:net accepts, and reads it back unchanged', () => {
    fc.assert(
      fc.property(ipv4Like, (text) => {
        const back = roundTrip(text, writeIpv4, readIpv4);
        assert.equal(back !== undefined, isIPv4(text), `"${text}"`);
        if (back !== undefined) assert.equal(back, text);
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts exactly the IPv6 text node:net accepts (without embedded IPv4 or zone), and reads it back in RFC 5952 form', () => {
    fc.assert(
      fc.property(ipv6Like, (text) => {
        const back = roundTrip(text, writeIpv6, readIpv6);
        assert.equal(back !== undefined, isIPv6(text) && !/[.%]/.test(text), `"${text}"`);
        if (back !== undefined) assert.equal(back, canonicalIpv6(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts MAC text in either case and reads it back in lowercase', () => {
    fc.assert(
      fc.property(macLike, (text) => {
        const back = roundTrip(text, writeMac, readMac);
        assert.equal(back !== undefined, MAC_TEXT.test(text), `"${text}"`);
        if (back !== undefined) assert.equal(back, text.toLowerCase());
      }),
      { numRuns: 2000 },
    );
  });
});
