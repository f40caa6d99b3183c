import fc from 'fast-check';
import { nxmHeaderFromNumber } from '../nicira/header.js';
import { FIXED_LAYOUTS, NX_EXPERIMENTER_ID, type SlotKind } from '../nicira/layouts.js';
import { immediateSize } from '../nicira/learn.js';
import { NX_SUBTYPES } from '../nicira/index.js';
import type { NXAction, NXActionController2, NXActionNAT, NXFixedAction, NXFlowSpec, NXFlowSpecField, NxmHeader } from '../nicira/types.js';
import { OXM_FIELDS } from '../oxm-fields.js';
import type { Action, OxmField } from '../structs.js';

/**
 * Test support (not exported): canonical Nicira action values, as
 * arbitraries.ts describes canonical. Here that also means: a field reference
 * in the form the decoder gives (a name when one reproduces the header), a note
 * already padded, a learn spec that does not encode as the all-zero end marker,
 * optional keys absent rather than undefined. ct nests only non-ct actions.
 */

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });

function bytes(minLength: number, maxLength: number): fc.Arbitrary<Buffer> {
  return fc.uint8Array({ minLength, maxLength }).map((b) => Buffer.from(b));
}

/** Names of fields with a 4-byte header (the ONF experimenter ones have 8). */
const HEADER_NAMES = OXM_FIELDS.filter((f) => f.expType === undefined).map((f) => f.name);

export const nxmHeader: fc.Arbitrary<NxmHeader> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HEADER_NAMES) },
  { weight: 1, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: u32.map(nxmHeaderFromNumber) },
);

const SLOT_ARBITRARIES: Readonly<Record<SlotKind, fc.Arbitrary<unknown>>> = { u8, u16, u32, u64, header: nxmHeader };

const fixed: fc.Arbitrary<NXFixedAction> = fc.constantFrom(...(Object.keys(FIXED_LAYOUTS) as NXFixedAction['type'][])).chain((type) => {
  const spec: Record<string, fc.Arbitrary<unknown>> = { type: fc.constant(type) };
  for (const slot of FIXED_LAYOUTS[type].slots) if (typeof slot !== 'number') spec[slot[0]] = SLOT_ARBITRARIES[slot[1]];
  return fc.record(spec) as unknown as fc.Arbitrary<NXFixedAction>;
});

const specField: fc.Arbitrary<NXFlowSpecField> = fc.record({ field: nxmHeader, ofs: u16 });

/** n_bits up to 128, so an immediate is at most 16 bytes (2^128 never fits: the bad-value test relies on it). */
const spec: fc.Arbitrary<NXFlowSpec> = fc
  .record({
    type: fc.constantFrom('match', 'load', 'output'),
    nBits: fc.integer({ min: 1, max: 128 }),
    immediate: fc.boolean(),
    field: specField,
    value: fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
    dst: specField,
  })
  .map(({ type, nBits, immediate, field, value, dst }): NXFlowSpec => {
    const src = immediate ? value & ((1n << BigInt(immediateSize(nBits) * 8)) - 1n) : field;
    return type === 'output' ? { type, src, nBits } : { type, src, dst, nBits };
  });

const nat: fc.Arbitrary<NXActionNAT> = fc.record(
  {
    type: fc.constant('nxNat' as const),
    flags: u16,
    rangeIpv4Min: fc.tuple(u8, u8, u8, u8).map((p) => p.join('.')),
    rangeIpv4Max: fc.tuple(u8, u8, u8, u8).map((p) => p.join('.')),
    rangeIpv6Min: fc.constantFrom('2001:db8::1', '::', 'fe80::a60:6eff:fe7f:74e7'),
    rangeIpv6Max: fc.constantFrom('2001:db8::ffff', '::1'),
    rangeProtoMin: u16,
    rangeProtoMax: u16,
  },
  { requiredKeys: ['type', 'flags'] },
);

const controller2: fc.Arbitrary<NXActionController2> = fc.record(
  { type: fc.constant('nxController2' as const), maxLen: u16, controllerId: u16, reason: u8, userdata: bytes(0, 20), pause: fc.boolean() },
  { requiredKeys: ['type', 'pause'] },
);

/** Every Nicira action but ct, whose nested list draws from `inner`. */
function niciraOf(inner: fc.Arbitrary<Action>): fc.Arbitrary<NXAction> {
  return fc.oneof(
    { weight: 6, arbitrary: fixed },
    fc.record({ type: fc.constant('nxNote' as const), note: fc.integer({ min: 0, max: 3 }).chain((n) => bytes(6 + 8 * n, 6 + 8 * n)) }),
    fc.record({ type: fc.constant('nxRegLoad2' as const), field: fc.constantFrom<OxmField>({ field: 'reg0', value: 7 }, { field: 'eth_dst', value: 'aa:bb:cc:dd:ee:ff', mask: 'ff:ff:ff:00:00:00' }) }),
    fc.record({ type: fc.constant('nxDecTtlCntIds' as const), cntIds: fc.array(u16, { maxLength: 6 }) }),
    fc.record({
      type: fc.constantFrom('nxBundle' as const, 'nxBundleLoad' as const),
      algorithm: u16, fields: u16, basis: u16, slaveType: u32, ofsNbits: u16, dst: nxmHeader, slaves: fc.array(u16, { maxLength: 6 }),
    }),
    controller2,
    fc.record({
      type: fc.constant('nxLearn' as const),
      idleTimeout: u16, hardTimeout: u16, priority: u16, cookie: u64, flags: u16, tableId: u8, finIdleTimeout: u16, finHardTimeout: u16,
      specs: fc.array(spec, { maxLength: 5 }),
    }),
    nat,
    fc.record({
      type: fc.constant('nxCt' as const),
      flags: u16, zoneSrc: nxmHeader, zoneOfsNbits: u16, recircTable: u8, alg: u16, actions: fc.array(inner, { maxLength: 2 }),
    }),
  );
}

/** A Nicira action; ct's nested actions are non-ct Nicira actions or `plain` ones. */
export function niciraAction(plain: fc.Arbitrary<Action>): fc.Arbitrary<NXAction> {
  const leaf = niciraOf(plain).filter((a) => a.type !== 'nxCt');
  return niciraOf(fc.oneof(plain, leaf));
}

const MODELLED_SUBTYPES = new Set(Object.values(NX_SUBTYPES));

/** A Nicira action of a subtype that is not modelled: kept opaque (data = subtype + body, padded). */
export const niciraOpaque: fc.Arbitrary<Action> = fc
  .tuple(u16.filter((s) => !MODELLED_SUBTYPES.has(s)), fc.integer({ min: 0, max: 2 }))
  .chain(([subtype, words]) =>
    bytes(6 + 8 * words, 6 + 8 * words).map((body) => ({
      type: 'experimenter' as const,
      experimenter: NX_EXPERIMENTER_ID,
      data: Buffer.concat([Buffer.from([subtype >> 8, subtype & 0xff]), body]),
    })),
  );
