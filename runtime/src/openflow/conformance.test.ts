import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertSameAsRyu } from '../testing/ryu-compare.js';
import { loadVectors, ryuVectorsDir, type VectorFile } from '../testing/vectors.js';
import { decodeHeader, decodeMessage, encodeMessage } from './codec.js';
import { OFP_VERSION_1_0, OFP_VERSION_1_3 } from './constants.js';
import { OfpDecodeError } from './errors.js';
import type { Header, OfpMessage } from './messages.js';
import { fromRyuJson, parseRyuJson, type RyuJson, toRyuJson } from './ryu-json/index.js';

/**
 * Ryu's wire vectors (bytes + Ryu's to_jsondict) against our codec and JSON
 * mapping. For each file, as its own suite:
 *   (a) the bytes decode (a `.truncatedN` file: the first N bytes must not);
 *   (b) toRyuJson(decode(bytes)) equals Ryu's JSON, except named exceptions;
 *   (c) encode(decode(bytes)) equals the bytes;
 *   (d) encode(fromRyuJson(Ryu's JSON)) equals the bytes;
 *   (e) toRyuJson(fromRyuJson(Ryu's JSON)) equals Ryu's JSON (needs no codec).
 * OpenFlow 1.0 and 1.3 are modelled in full. 1.4/1.5 messages other than HELLO,
 * ERROR, ECHO and FEATURES are not: they must decode as Unknown and round-trip
 * their bytes.
 */

/** OpenFlow 1.0 port lists are a dict keyed by port number in Ryu's JSON, which cannot keep the wire order. */
const PORT_ORDER_LOST = new Set(['1-6-ofp_switch_features']);

/** Ryu's file holds 8 bytes after the 32 its header's length covers (Ryu wrote the 1.5 `features` field without counting it). */
const TRAILING_BYTES: Readonly<Record<string, number>> = { 'libofproto-OFP15-meter_features_reply': 8 };

/** ofp_type values modelled in 1.4 and 1.5 too: HELLO, ERROR, ECHO_REQUEST/REPLY, FEATURES_REQUEST/REPLY. */
const NEGOTIATION_MSG_TYPES = new Set([0, 1, 2, 3, 5, 6]);

/** Versions whose every message is a typed value: their vectors must all pass the modelled suite. */
const FULLY_MODELLED: ReadonlySet<number> = new Set([OFP_VERSION_1_0, OFP_VERSION_1_3]);

function headerOf(bytes: Buffer): Header {
  return { version: bytes[0]!, xid: bytes.readUInt32BE(4) };
}

/** The message the file holds: the bytes its header's length covers. */
function messageBytes(v: VectorFile): Buffer {
  const { length } = decodeHeader(v.bytes);
  assert.equal(v.bytes.length - length, TRAILING_BYTES[v.name] ?? 0, 'bytes after the message the header describes');
  return v.bytes.subarray(0, length);
}

function decodeModelled(bytes: Buffer): OfpMessage {
  const msg = decodeMessage(bytes);
  if (msg.type === 'Unknown') {
    assert.fail(`decoded as Unknown (ofp_type ${msg.msgType}): no codec for it in this build`);
  }
  return msg;
}

function ryuJsonOf(v: VectorFile): RyuJson {
  assert.ok(v.jsonText !== undefined, `${v.name} has no JSON twin`);
  return parseRyuJson(v.jsonText);
}

function sortedPorts(msg: OfpMessage): OfpMessage {
  if (msg.type !== 'FeaturesReply' || msg.ports === undefined) return msg;
  return { ...msg, ports: [...msg.ports].sort((a, b) => a.portNo - b.portNo) };
}

function modelledSuite(v: VectorFile): void {
  it('(a) decodes', () => {
    decodeModelled(messageBytes(v));
  });

  it('(b) toRyuJson(decode(bytes)) equals Ryu JSON', () => {
    assertSameAsRyu(toRyuJson(decodeModelled(messageBytes(v))), ryuJsonOf(v));
  });

  it('(c) encode(decode(bytes)) equals the bytes', () => {
    const bytes = messageBytes(v);
    assert.equal(encodeMessage(decodeModelled(bytes)).toString('hex'), bytes.toString('hex'));
  });

  it('(d) encode(fromRyuJson(Ryu JSON)) equals the bytes', () => {
    const bytes = messageBytes(v);
    const encoded = encodeMessage(fromRyuJson(ryuJsonOf(v), headerOf(bytes)));
    if (PORT_ORDER_LOST.has(v.name)) {
      assert.deepEqual(sortedPorts(decodeMessage(encoded)), sortedPorts(decodeMessage(bytes)));
    } else {
      assert.equal(encoded.toString('hex'), bytes.toString('hex'));
    }
  });

  it('(e) toRyuJson(fromRyuJson(Ryu JSON)) equals Ryu JSON', () => {
    jsonRoundTrip(ryuJsonOf(v), headerOf(v.bytes));
  });
}

/** Needs no codec: the mapping alone. */
function jsonRoundTrip(ryu: RyuJson, header: Header): void {
  assertSameAsRyu(toRyuJson(fromRyuJson(ryu, header)), ryu);
}

function truncatedSuite(v: VectorFile, dir: string, folder: string): void {
  // As in Ryu's test_parser.py: the file's content is irrelevant; the message is the first N bytes of its .packet twin.
  const [base, n] = v.name.split('.truncated') as [string, string];
  const full = readFileSync(join(dir, folder, 'packet', `${base}.packet`));
  const prefix = (): Buffer => Buffer.from(full.subarray(0, Number(n)));

  it('(a) the first bytes of a message do not decode', () => {
    assert.throws(() => decodeMessage(prefix()), OfpDecodeError);
  });

  it('(a) nor do they with the header length cut to match', () => {
    const cut = prefix();
    cut.writeUInt16BE(cut.length, 2);
    assert.throws(() => decodeMessage(cut), OfpDecodeError);
  });
}

function unmodelledSuite(v: VectorFile): void {
  it('decodes as Unknown and round-trips its bytes', () => {
    const bytes = messageBytes(v);
    const msg = decodeMessage(bytes);
    assert.equal(msg.type, 'Unknown');
    assert.equal(encodeMessage(msg).toString('hex'), bytes.toString('hex'));
    assert.equal(encodeMessage(fromRyuJson(toRyuJson(msg), headerOf(bytes))).toString('hex'), bytes.toString('hex'));
  });
}

const dir = ryuVectorsDir();
for (const folder of ['of10', 'of13', 'of14', 'of15']) {
  describe(`Ryu vectors ${folder}`, () => {
    for (const v of loadVectors(dir, folder)) {
      describe(v.name, () => {
        if (v.name.includes('.truncated')) truncatedSuite(v, dir, folder);
        else if (FULLY_MODELLED.has(v.bytes[0]!) || NEGOTIATION_MSG_TYPES.has(v.bytes[1]!)) modelledSuite(v);
        else unmodelledSuite(v);
      });
    }
    // JSON files without a packet twin (Ryu's ofctl tests): the mapping alone.
    const jsonDir = join(dir, folder, 'json');
    for (const file of readdirSync(jsonDir).sort()) {
      if (existsSync(join(dir, folder, 'packet', file.replace(/\.json$/, '')))) continue;
      if (file.includes('.truncated') || folder !== 'of13') continue;
      it(`${file}: toRyuJson(fromRyuJson(Ryu JSON)) equals Ryu JSON`, () => {
        jsonRoundTrip(parseRyuJson(readFileSync(join(jsonDir, file), 'utf8')), { version: OFP_VERSION_1_3, xid: 0 });
      });
    }
  });
}
