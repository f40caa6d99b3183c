import fc from 'fast-check';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ipv4Bytes, ipv6Bytes } from '../addresses.js';
import { frameSpec } from './testing/arbitraries.js';
import { internetChecksum, ipv4PseudoHeader, ipv6PseudoHeader } from './checksum.js';
import { PacketError } from './errors.js';
import { buildFrame, parseFrame, type Frame, type FrameSpec } from './frame.js';

/** The spec's fields as they should read back (builder defaults applied). */
function assertMatches(spec: FrameSpec, frame: Frame): void {
  assert.deepEqual([frame.ethernet.dst, frame.ethernet.src], [spec.ethernet.dst, spec.ethernet.src]);
  assert.deepEqual(
    frame.ethernet.vlans,
    (spec.ethernet.vlans ?? []).map((v) => ({ tpid: v.tpid ?? 0x8100, pcp: v.pcp ?? 0, dei: v.dei ?? false, vid: v.vid })),
  );
  for (const layer of ['arp', 'ipv4', 'ipv6', 'tcp', 'udp', 'icmp', 'icmpv6', 'lldp'] as const) {
    assert.equal(frame[layer] === undefined, spec[layer] === undefined, `layer ${layer}`);
    const want = spec[layer] as Record<string, unknown> | undefined;
    const got = frame[layer] as unknown as Record<string, unknown> | undefined;
    if (want === undefined || got === undefined) continue;
    for (const [k, v] of Object.entries(want)) {
      const g: unknown = got[k];
      if (v instanceof Uint8Array) assert.deepEqual([...(g as Uint8Array)], [...v], `${layer}.${k}`);
      else if (k === 'tlvs' || k === 'chassisId' || k === 'portId') assert.deepEqual(JSON.stringify(g, (_, x: unknown) => (x instanceof Uint8Array ? [...x] : x)), JSON.stringify(v, (_, x: unknown) => (x instanceof Uint8Array ? [...x] : x)));
      else assert.deepEqual(g, v, `${layer}.${k}`);
    }
  }
  assert.deepEqual([...frame.payload], [...(spec.payload ?? [])]);
}

/** Every checksum in the frame verifies: the Internet checksum over what it covers is 0. */
function assertChecksums(frame: Frame): void {
  if (frame.ipv4 !== undefined) {
    const ip = frame.ipv4;
    const header = new Uint8Array(ip.payload.byteOffset - frame.ethernet.payload.byteOffset);
    header.set(frame.ethernet.payload.subarray(0, header.length));
    assert.equal(internetChecksum(header), 0, 'ipv4 header checksum');
    const segment = ip.payload;
    const pseudo = (proto: number): Uint8Array => ipv4PseudoHeader(ipv4Bytes(ip.src)!, ipv4Bytes(ip.dst)!, proto, segment.length);
    if (frame.tcp !== undefined) assert.equal(internetChecksum(pseudo(6), segment), 0, 'tcp checksum');
    if (frame.udp !== undefined) assert.equal(internetChecksum(pseudo(17), segment), 0, 'udp checksum');
    if (frame.icmp !== undefined) assert.equal(internetChecksum(segment), 0, 'icmp checksum');
  }
  if (frame.ipv6 !== undefined) {
    const ip = frame.ipv6;
    const pseudo = (proto: number): Uint8Array => ipv6PseudoHeader(ipv6Bytes(ip.src)!, ipv6Bytes(ip.dst)!, proto, ip.payload.length);
    if (frame.tcp !== undefined) assert.equal(internetChecksum(pseudo(6), ip.payload), 0, 'tcp checksum');
    if (frame.udp !== undefined) assert.equal(internetChecksum(pseudo(17), ip.payload), 0, 'udp checksum');
    if (frame.icmpv6 !== undefined) assert.equal(internetChecksum(pseudo(58), ip.payload), 0, 'icmpv6 checksum');
  }
}

describe('packet library properties', () => {
  it('build -> parse gives back every field, with valid checksums', () => {
    fc.assert(
      fc.property(frameSpec, (spec) => {
        const frame = parseFrame(buildFrame(spec));
        assertMatches(spec, frame);
        assertChecksums(frame);
      }),
      { numRuns: 2000 },
    );
  });

  it('parse -> build gives back the same bytes', () => {
    fc.assert(
      fc.property(frameSpec, (spec) => {
        const bytes = buildFrame(spec);
        assert.deepEqual(buildFrame(parseFrame(bytes)), bytes);
      }),
      { numRuns: 1000 },
    );
  });

  it('every truncation of a valid frame parses or is a PacketError', () => {
    fc.assert(
      fc.property(frameSpec, fc.nat(), (spec, cut) => {
        const bytes = buildFrame(spec);
        const short = bytes.subarray(0, cut % (bytes.length + 1));
        try {
          parseFrame(short);
        } catch (err) {
          if (!(err instanceof PacketError)) throw err;
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('random bytes never raise anything but a PacketError', () => {
    const ethTypes = fc.constantFrom(0x0800, 0x86dd, 0x0806, 0x88cc, 0x8100);
    const frame = fc.tuple(fc.uint8Array({ minLength: 12, maxLength: 12 }), ethTypes, fc.uint8Array({ maxLength: 200 })).map(([head, et, rest]) => {
      const b = new Uint8Array(14 + rest.length);
      b.set(head);
      b[12] = et >>> 8;
      b[13] = et & 0xff;
      b.set(rest, 14);
      return b;
    });
    fc.assert(
      fc.property(fc.oneof(frame, fc.uint8Array({ maxLength: 100 })), (b) => {
        try {
          parseFrame(b);
        } catch (err) {
          if (!(err instanceof PacketError)) throw err;
        }
      }),
      { numRuns: 5000 },
    );
  });
});
