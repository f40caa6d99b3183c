import { decodeMessage, encodeMessage, encodeMessageInto, OfpEncodeError, Writer } from '../../runtime/dist/openflow/index.js';
import type { VectorFile } from '../../runtime/dist/testing/vectors.js';
import { type EncodeFixture, PACKET_IN_10_BYTES, PACKET_IN_BYTES, packetIn10Problem, packetInProblem, XID } from './fixtures.js';
import { type Measurement, measure } from './measure.js';

/**
 * The sdn-runtime side of the codec benchmark. Every op is first checked against
 * the reference bytes or value (fixtures.ts) and only timed when it is right.
 */

/** What happened to one op on one side. */
export type Outcome =
  | { readonly kind: 'measured'; readonly measurement: Measurement }
  /** The codec does not handle this message yet (or the peer cannot produce these bytes). */
  | { readonly kind: 'unsupported'; readonly reason: string }
  /** Wrong bytes, a wrong value or an unexpected error: a bug to fix. */
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'not measured'; readonly reason: string };

export type EncodeVariant = 'encodeMessage' | 'encodeMessageInto';

function firstDifference(a: Buffer, b: Buffer): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

function encodeOnce(fixture: EncodeFixture, variant: EncodeVariant): Buffer {
  if (variant === 'encodeMessage') return encodeMessage(fixture.build(XID));
  const w = new Writer();
  encodeMessageInto(fixture.build(XID), w);
  return w.view();
}

function checkEncode(fixture: EncodeFixture, variant: EncodeVariant): Outcome | undefined {
  let got: Buffer;
  try {
    got = encodeOnce(fixture, variant);
  } catch (err) {
    // encodeMessageInto names the field 'type' when no codec handles the message.
    if (err instanceof OfpEncodeError && err.field === 'type') return { kind: 'unsupported', reason: err.message };
    return { kind: 'failed', reason: `${variant} threw ${String(err)}` };
  }
  if (got.equals(fixture.bytes)) return undefined;
  const at = firstDifference(got, fixture.bytes);
  return {
    kind: 'failed',
    reason: `${variant} wrote ${got.length} bytes that differ from the ${fixture.bytes.length}-byte reference at byte ${at}: ` +
      `got ${got.toString('hex')} reference ${fixture.bytes.toString('hex')}`,
  };
}

/** Encodes a freshly built message per op, into a new buffer or into one reused Writer. */
export function measureEncode(fixture: EncodeFixture, variant: EncodeVariant, seconds: number): Outcome {
  const problem = checkEncode(fixture, variant);
  if (problem !== undefined) return problem;
  const build = fixture.build;
  if (variant === 'encodeMessage') {
    return {
      kind: 'measured',
      measurement: measure((n) => {
        let sum = 0;
        for (let i = 0; i < n; i++) sum += encodeMessage(build(i)).length;
        return sum;
      }, seconds),
    };
  }
  const w = new Writer();
  return {
    kind: 'measured',
    measurement: measure((n) => {
      let sum = 0;
      for (let i = 0; i < n; i++) {
        w.reset();
        sum += encodeMessageInto(build(i), w);
      }
      return sum;
    }, seconds),
  };
}

/** Decodes the reference PACKET_IN, once it decodes to the expected value. */
export function measurePacketIn(seconds: number, version: '1.3' | '1.0' = '1.3'): Outcome {
  const [buf, check] = version === '1.3' ? [PACKET_IN_BYTES, packetInProblem] : [PACKET_IN_10_BYTES, packetIn10Problem];
  let problem: string | undefined;
  try {
    const msg = decodeMessage(buf);
    if (msg.type === 'Unknown') {
      return { kind: 'unsupported', reason: `decodeMessage returns Unknown for an OpenFlow ${version} PACKET_IN: no PACKET_IN codec for it in this build` };
    }
    problem = check(msg);
  } catch (err) {
    problem = `decodeMessage threw ${String(err)}`;
  }
  if (problem !== undefined) return { kind: 'failed', reason: problem };
  return {
    kind: 'measured',
    measurement: measure((n) => {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += decodeMessage(buf).xid;
      return sum;
    }, seconds),
  };
}

/** How our codec fares on each vector file: decoded to a modelled value, kept as Unknown, or refused. */
export interface VectorTriage {
  readonly decoded: readonly VectorFile[];
  readonly unknown: readonly string[];
  readonly errors: readonly { readonly file: string; readonly error: string }[];
}

export function triageVectors(files: readonly VectorFile[]): VectorTriage {
  const decoded: VectorFile[] = [];
  const unknown: string[] = [];
  const errors: { file: string; error: string }[] = [];
  for (const file of files) {
    try {
      if (decodeMessage(file.bytes).type === 'Unknown') unknown.push(fileName(file));
      else decoded.push(file);
    } catch (err) {
      errors.push({ file: fileName(file), error: String(err) });
    }
  }
  return { decoded, unknown, errors };
}

/** The file name as the os-ken side sees it (`4-2-ofp_flow_mod.packet`). */
export function fileName(file: VectorFile): string {
  return `${file.name}.packet`;
}

/** Decodes every file of `files` per pass; one op is one message. */
export function measureVectors(files: readonly VectorFile[], seconds: number): Outcome {
  if (files.length === 0) return { kind: 'not measured', reason: 'no vector file that both sides decode' };
  const bufs = files.map((f) => f.bytes);
  return {
    kind: 'measured',
    measurement: measure(
      (n) => {
        let sum = 0;
        for (let i = 0; i < n; i++) for (const buf of bufs) sum += decodeMessage(buf).xid;
        return sum;
      },
      seconds,
      bufs.length,
    ),
  };
}
