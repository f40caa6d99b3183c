import fc from 'fast-check';
import { niciraAction, niciraOpaque } from './arbitraries-nicira.js';
import { NX_EXPERIMENTER_ID } from '../nicira/layouts.js';
import { OFPXMC_EXPERIMENTER, OFPXMC_OPENFLOW_BASIC, ONF_EXPERIMENTER_ID, OXM_FIELDS, oxmFieldByCode, type OxmFieldDesc } from '../oxm-fields.js';
import type {
  Action,
  Bucket,
  Instruction,
  Match,
  MeterBand,
  OxmField,
  OxmOpaque,
  OxmTlv,
  OxmValue,
  PacketQueue,
  PhyPort10,
  Port,
  QueueProperty,
} from '../structs.js';

/**
 * Test support (not exported from index.ts): fast-check arbitraries that generate
 * VALID, CANONICAL codec values, i.e. values v with decode(encode(v)) deep-equal to
 * v. Canonical means: text in the form the decoder produces (lowercase MAC,
 * RFC 5952 IPv6, dotted decimal without leading zeros), opaque bytes as Buffers,
 * optional keys absent rather than undefined, experimenter bodies already padded
 * to the 8-byte alignment the encoder would add, and opaque codes that the decoder
 * would not read as a modelled structure. Message arbitraries are in
 * arbitraries-messages.ts, multipart bodies in arbitraries-multipart.ts.
 */

// ---------------------------------------------------------------- leaves

export const u8 = fc.integer({ min: 0, max: 0xff });
export const u16 = fc.integer({ min: 0, max: 0xffff });
export const u24 = fc.integer({ min: 0, max: 0xffffff });
export const u32 = fc.integer({ min: 0, max: 0xffffffff });
export const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
export const u128 = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n });

/** Opaque bytes as a Buffer (what the decoder returns). */
export function bytes(maxLength = 24, minLength = 0): fc.Arbitrary<Buffer> {
  return fc.uint8Array({ minLength, maxLength }).map((b) => Buffer.from(b));
}

/** Opaque bytes whose length is a multiple of 8 (bodies the encoder does not pad). */
export function bytes8(maxWords = 3): fc.Arbitrary<Buffer> {
  return fc.integer({ min: 0, max: maxWords }).chain((n) => bytes(n * 8, n * 8));
}

export const mac = fc
  .uint8Array({ minLength: 6, maxLength: 6 })
  .map((b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':'));

export const ipv4 = fc.tuple(u8, u8, u8, u8).map((parts) => parts.join('.'));

/**
 * IPv6 in RFC 5952 form. The canonical text comes from the WHATWG URL serializer
 * (an implementation independent of the codec's); zero groups are frequent so
 * that "::" runs of every length and position, and ties between runs, occur.
 */
export const ipv6 = fc
  .array(fc.oneof({ weight: 2, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: u16 }), { minLength: 8, maxLength: 8 })
  .map((groups) => {
    const host = new URL(`http://[${groups.map((g) => g.toString(16)).join(':')}]/`).hostname;
    return host.slice(1, -1);
  });

/**
 * A code point other than NUL, its UTF-8 length (1 to 4 bytes) equally likely.
 * (fast-check's 'binary' unit would do, but building it costs half a second.)
 */
const nonNulCodePoint = fc
  .oneof(
    fc.integer({ min: 0x01, max: 0x7f }),
    fc.integer({ min: 0x80, max: 0x7ff }),
    fc.integer({ min: 0x800, max: 0xffff }).filter((c) => c < 0xd800 || c > 0xdfff),
    fc.integer({ min: 0x10000, max: 0x10ffff }),
  )
  .map((c) => String.fromCodePoint(c));

/**
 * Text for a NUL-padded fixed field of `size` bytes: no NUL (the decoder stops at
 * the first one) and at most size - 1 UTF-8 bytes (the encoder keeps the NUL).
 * Long strings are cut at the last code point that fits, so the limit is hit often.
 */
export function fixedText(size: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ unit: 'grapheme-ascii', maxLength: size - 1 }),
    fc.string({ unit: nonNulCodePoint, maxLength: size - 1 }).map((s) => {
      let out = '';
      let bytes = 0;
      for (const ch of s) {
        bytes += Buffer.byteLength(ch, 'utf8');
        if (bytes >= size) break;
        out += ch;
      }
      return out;
    }),
  );
}

// ---------------------------------------------------------------- OXM

export function oxmValue(kind: OxmFieldDesc['kind']): fc.Arbitrary<OxmValue> {
  switch (kind) {
    case 'u8':
      return u8;
    case 'u16':
      return u16;
    case 'u24':
      return u24;
    case 'u32':
      return u32;
    case 'u64':
      return u64;
    case 'u128':
      return u128;
    case 'mac':
      return mac;
    case 'ipv4':
      return ipv4;
    case 'ipv6':
      return ipv6;
  }
}

/** One modelled field, with or without a mask. */
export function oxmTlvOf(desc: OxmFieldDesc, masked?: boolean): fc.Arbitrary<OxmTlv> {
  const value = oxmValue(desc.kind);
  const hasMask = masked === undefined ? fc.boolean() : fc.constant(masked);
  return fc.tuple(value, value, hasMask).map(([v, m, withMask]) => (withMask ? { field: desc.name, value: v, mask: m } : { field: desc.name, value: v }));
}

export const oxmTlv: fc.Arbitrary<OxmTlv> = fc.constantFrom(...OXM_FIELDS).chain((desc) => oxmTlvOf(desc));

/** Opaque payloads stay short in most runs; the 255-byte limit has its own example test. */
const oxmPayload = fc.oneof({ weight: 4, arbitrary: bytes(16) }, { weight: 1, arbitrary: bytes(255, 200) });

/**
 * OXMs the codec keeps opaque: a class or field number it does not model, or an
 * experimenter-class OXM that is not an ONF EXT-256 field it knows (another
 * experimenter id, or a payload too short to hold experimenter id and exp_type).
 */
export const oxmOpaque: fc.Arbitrary<OxmOpaque> = fc.oneof(
  fc
    .record({ oxmClass: fc.integer({ min: 0, max: 0xfffe }), oxmField: fc.integer({ min: 0, max: 0x7f }), hasMask: fc.boolean(), payload: oxmPayload })
    .filter((o) => oxmFieldByCode(o.oxmClass, o.oxmField) === undefined),
  fc.record({ oxmClass: fc.constant(OFPXMC_OPENFLOW_BASIC), oxmField: fc.integer({ min: 40, max: 0x7f }), hasMask: fc.boolean(), payload: oxmPayload }),
  fc.record({
    oxmClass: fc.constant(OFPXMC_EXPERIMENTER),
    oxmField: fc.integer({ min: 0, max: 0x7f }),
    hasMask: fc.boolean(),
    payload: fc.oneof(
      bytes(5),
      fc.tuple(u32.filter((e) => e !== ONF_EXPERIMENTER_ID), bytes(16)).map(([experimenter, rest]) => {
        const b = Buffer.alloc(4 + rest.length);
        b.writeUInt32BE(experimenter, 0);
        rest.copy(b, 4);
        return b;
      }),
    ),
  }),
).map((o) => ({ field: 'opaque', ...o }));

export const oxmField: fc.Arbitrary<OxmField> = fc.oneof({ weight: 4, arbitrary: oxmTlv }, { weight: 1, arbitrary: oxmOpaque });

export const match: fc.Arbitrary<Match> = fc.array(oxmField, { maxLength: 4 });

// ---------------------------------------------------------------- actions and instructions

const noArgs = (type: 'copyTtlOut' | 'copyTtlIn' | 'decMplsTtl' | 'popVlan' | 'decNwTtl' | 'popPbb'): fc.Arbitrary<Action> => fc.constant({ type });

/** Actions of the OpenFlow spec, and experimenter actions the codec keeps opaque. */
export const specAction: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ type: fc.constant('output'), port: u32, maxLen: u16 }),
  noArgs('copyTtlOut'),
  noArgs('copyTtlIn'),
  fc.record({ type: fc.constant('setMplsTtl'), mplsTtl: u8 }),
  noArgs('decMplsTtl'),
  fc.record({ type: fc.constant('pushVlan'), ethertype: u16 }),
  noArgs('popVlan'),
  fc.record({ type: fc.constant('pushMpls'), ethertype: u16 }),
  fc.record({ type: fc.constant('popMpls'), ethertype: u16 }),
  fc.record({ type: fc.constant('setQueue'), queueId: u32 }),
  fc.record({ type: fc.constant('group'), groupId: u32 }),
  fc.record({ type: fc.constant('setNwTtl'), nwTtl: u8 }),
  noArgs('decNwTtl'),
  fc.record({ type: fc.constant('setField'), field: oxmField }),
  fc.record({ type: fc.constant('pushPbb'), ethertype: u16 }),
  noArgs('popPbb'),
  fc.record({ type: fc.constant('experimenter'), experimenter: u32.filter((e) => e !== NX_EXPERIMENTER_ID), data: bytes8() }),
  niciraOpaque,
);

export const action: fc.Arbitrary<Action> = fc.oneof({ weight: 4, arbitrary: specAction }, { weight: 1, arbitrary: niciraAction(specAction) });

export const actions: fc.Arbitrary<readonly Action[]> = fc.array(action, { maxLength: 4 });

export const instruction: fc.Arbitrary<Instruction> = fc.oneof(
  fc.record({ type: fc.constant('gotoTable'), tableId: u8 }),
  fc.record({ type: fc.constant('writeMetadata'), metadata: u64, metadataMask: u64 }),
  fc.record({ type: fc.constant('writeActions'), actions }),
  fc.record({ type: fc.constant('applyActions'), actions }),
  fc.constant({ type: 'clearActions' }),
  fc.record({ type: fc.constant('meter'), meterId: u32 }),
  fc.record({ type: fc.constant('experimenter'), experimenter: u32, data: bytes8() }),
);

export const instructions: fc.Arbitrary<readonly Instruction[]> = fc.array(instruction, { maxLength: 3 });

// ---------------------------------------------------------------- ports, buckets, bands, queues

/** OFP_MAX_PORT_NAME_LEN is 16 bytes with the NUL. */
export const portName = fixedText(16);

export const port: fc.Arbitrary<Port> = fc.record({
  portNo: u32,
  hwAddr: mac,
  name: portName,
  config: u32,
  state: u32,
  curr: u32,
  advertised: u32,
  supported: u32,
  peer: u32,
  currSpeed: u32,
  maxSpeed: u32,
});

export const phyPort10: fc.Arbitrary<PhyPort10> = fc.record({
  portNo: u16,
  hwAddr: mac,
  name: portName,
  config: u32,
  state: u32,
  curr: u32,
  advertised: u32,
  supported: u32,
  peer: u32,
});

export const bucket: fc.Arbitrary<Bucket> = fc.record({ weight: u16, watchPort: u32, watchGroup: u32, actions });

export const buckets: fc.Arbitrary<readonly Bucket[]> = fc.array(bucket, { maxLength: 3 });

export const meterBand: fc.Arbitrary<MeterBand> = fc.oneof(
  fc.record({ type: fc.constant('drop'), rate: u32, burstSize: u32 }),
  fc.record({ type: fc.constant('dscpRemark'), rate: u32, burstSize: u32, precLevel: u8 }),
  fc.record({ type: fc.constant('experimenter'), rate: u32, burstSize: u32, experimenter: u32, data: bytes8() }),
);

export const meterBands: fc.Arbitrary<readonly MeterBand[]> = fc.array(meterBand, { maxLength: 4 });

/** Queue property lengths are not padded by the encoder, so any data length is canonical. */
export const queueProperty: fc.Arbitrary<QueueProperty> = fc.oneof(
  fc.record({ type: fc.constant('minRate'), rate: u16 }),
  fc.record({ type: fc.constant('maxRate'), rate: u16 }),
  fc.record({ type: fc.constant('experimenter'), experimenter: u32, data: bytes() }),
);

export const packetQueue: fc.Arbitrary<PacketQueue> = fc.record({
  queueId: u32,
  port: u32,
  properties: fc.array(queueProperty, { maxLength: 3 }),
});

// ---------------------------------------------------------------- comparison

/**
 * A copy of `value` in which every Uint8Array is a Buffer, so `assert.deepStrictEqual`
 * compares opaque bytes by content whichever of the two a value holds.
 */
export function normalize(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (Array.isArray(value)) return value.map(normalize);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]));
  }
  return value;
}
