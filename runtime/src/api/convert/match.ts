import {
  OfpEncodeError,
  oxmFieldByName,
  Writer,
  writeOxm,
  type Match,
  type OxmField,
  type OxmKind,
  type OxmValue,
} from '../../openflow/index.js';
import type * as pb from '../../generated/sdn/runtime/v1/openflow.js';
import { ApiInputError } from '../errors.js';
import { asBuffer, u16, uintBig } from './validate.js';

/**
 * OXM match fields between the proto (`OxmField` with a `uint`/`text`/`wide`
 * value) and the codec (`OxmTlv` with number/bigint/text, `OxmOpaque`). A value's
 * proto case must fit the field's kind: `uint` for integers (also accepted for
 * 128-bit fields), `text` for MAC/IPv4/IPv6, `wide` (16 bytes) for 128-bit fields.
 */

const BITS: Readonly<Record<OxmKind, number>> = { u8: 8, u16: 16, u24: 24, u32: 32, u64: 64, u128: 128, mac: 48, ipv4: 32, ipv6: 128 };

/** A scratch writer to check one TLV with the codec's own rules (text addresses above all). */
const scratch = new Writer(64);

function valueOf(kind: OxmKind, v: pb.OxmValue | undefined, path: string): OxmValue {
  const k = v?.kind;
  if (k === undefined) throw new ApiInputError(path, 'is required');
  switch (kind) {
    case 'mac':
    case 'ipv4':
    case 'ipv6':
      if (k.$case !== 'text') throw new ApiInputError(path, `a ${kind} field takes "text", not "${k.$case}"`);
      return k.value;
    case 'u128':
      if (k.$case === 'uint') return k.value;
      if (k.$case === 'wide') {
        if (k.value.length !== 16) throw new ApiInputError(path, `"wide" must be 16 bytes, got ${k.value.length}`);
        return k.value.readBigUInt64BE(0) * 2n ** 64n + k.value.readBigUInt64BE(8);
      }
      throw new ApiInputError(path, 'a 128-bit field takes "wide" (16 bytes) or "uint"');
    case 'u64':
      if (k.$case !== 'uint') throw new ApiInputError(path, `an integer field takes "uint", not "${k.$case}"`);
      return k.value;
    default:
      if (k.$case !== 'uint') throw new ApiInputError(path, `an integer field takes "uint", not "${k.$case}"`);
      return Number(uintBig(k.value, BITS[kind], path));
  }
}

/** Runs the codec's encoder on the TLV so a bad address fails here, with the proto path. */
function check(tlv: OxmField, path: string): void {
  scratch.reset();
  try {
    writeOxm(scratch, tlv);
  } catch (err) {
    if (!(err instanceof OfpEncodeError)) throw err;
    const detail = err.message.slice(err.message.indexOf(': ') + 2);
    throw new ApiInputError(err.field.endsWith('.mask') ? `${path}.mask` : `${path}.value`, detail, { cause: err });
  }
}

/** One proto OXM field as a codec field. @throws ApiInputError naming `path`'s sub-field. */
export function toOxmField(f: pb.OxmField, path: string): OxmField {
  if (f.field === 'opaque') {
    if (f.value !== undefined || f.mask !== undefined) throw new ApiInputError(path, 'an opaque field carries its bytes in opaque_payload, not value/mask');
    if ((f.opaqueField & 0x7f) !== f.opaqueField) throw new ApiInputError(`${path}.opaque_field`, `${f.opaqueField} is not a 7-bit field number`);
    if (f.opaquePayload.length > 0xff) throw new ApiInputError(`${path}.opaque_payload`, `${f.opaquePayload.length} bytes do not fit the 8-bit OXM length`);
    return { field: 'opaque', oxmClass: u16(f.opaqueClass, `${path}.opaque_class`), oxmField: f.opaqueField, hasMask: f.opaqueHasMask, payload: f.opaquePayload };
  }
  const desc = oxmFieldByName(f.field);
  if (desc === undefined) throw new ApiInputError(`${path}.field`, `"${f.field}" is not an OXM field the runtime models; send it as field "opaque"`);
  const value = valueOf(desc.kind, f.value, `${path}.value`);
  const tlv: OxmField = f.mask === undefined ? { field: desc.name, value } : { field: desc.name, value, mask: valueOf(desc.kind, f.mask, `${path}.mask`) };
  check(tlv, path);
  return tlv;
}

/** A proto match as a codec match. */
export function toMatch(m: pb.Match | undefined, path: string): Match {
  if (m === undefined) return [];
  return m.fields.map((f, i) => toOxmField(f, `${path}.fields[${i}]`));
}

function pbValue(kind: OxmKind | undefined, v: OxmValue): pb.OxmValue {
  if (typeof v === 'string') return { kind: { $case: 'text', value: v } };
  if (kind === 'u128') {
    const wide = Buffer.alloc(16);
    const big = BigInt(v);
    wide.writeBigUInt64BE(big >> 64n, 0);
    wide.writeBigUInt64BE(big & 0xffffffffffffffffn, 8);
    return { kind: { $case: 'wide', value: wide } };
  }
  return { kind: { $case: 'uint', value: BigInt(v) } };
}

const NO_OPAQUE = { opaqueClass: 0, opaqueField: 0, opaqueHasMask: false, opaquePayload: Buffer.alloc(0) } as const;

/** A codec field as a proto field (events and stats replies). */
export function fromOxmField(f: OxmField): pb.OxmField {
  if (f.field === 'opaque') {
    const o = f as Extract<OxmField, { field: 'opaque' }>;
    return { field: 'opaque', value: undefined, opaqueClass: o.oxmClass, opaqueField: o.oxmField, opaqueHasMask: o.hasMask, opaquePayload: asBuffer(o.payload) };
  }
  const tlv = f as Extract<OxmField, { value: OxmValue }>;
  const kind = oxmFieldByName(tlv.field)?.kind;
  const out: pb.OxmField = { field: tlv.field, value: pbValue(kind, tlv.value), ...NO_OPAQUE };
  if (tlv.mask !== undefined) out.mask = pbValue(kind, tlv.mask);
  return out;
}

export function fromMatch(m: Match): pb.Match {
  return { fields: m.map(fromOxmField) };
}
