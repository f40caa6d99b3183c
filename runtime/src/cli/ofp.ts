import { type Command, InvalidArgumentError } from 'commander';
import { decodeMessage, encodeMessage } from '../openflow/codec.js';
import { OFP_VERSION_1_0, OFP_VERSION_1_3, OFP_VERSION_1_4, OFP_VERSION_1_5, OFP_VERSION_NAMES } from '../openflow/constants.js';
import { OfpDecodeError, OfpEncodeError, OfpFramingError } from '../openflow/errors.js';
import { Framer } from '../openflow/framer.js';
import { fromRyuDocument, OfpJsonError, stringifyRyuJson, toRyuDocument, toRyuJson } from '../openflow/ryu-json/index.js';
import { CliInputError } from './errors.js';
import { readInput, writeOutput } from './io.js';
import { splitJsonDocuments } from './json-documents.js';

/**
 * `sdn-runtime ofp decode|encode`: OpenFlow wire bytes <-> JSON in Ryu's
 * to_jsondict form. `decodeToJson` and `encodeFromJson` are the pure halves;
 * the commands only add reading the input and writing the output, which happens
 * only when the whole input was good.
 */

export interface DecodeOptions {
  /** Ryu's to_jsondict only, without the version and xid keys. */
  readonly ryu?: boolean;
  /** Indent documents by 3 spaces (as Ryu's files) instead of one line each. */
  readonly pretty?: boolean;
}

function hexToBytes(text: string): Buffer {
  const hex = text.replace(/\s+/g, '');
  const bad = /[^0-9a-fA-F]/.exec(hex);
  if (bad !== null) throw new CliInputError(`the input is not hex: "${bad[0]}" at hex digit ${bad.index + 1}`);
  if (hex.length % 2 !== 0) throw new CliInputError(`the input is not hex: an odd number of digits (${hex.length})`);
  return Buffer.from(hex, 'hex');
}

/**
 * One JSON document per OpenFlow message in `input` (messages back to back),
 * each followed by a newline.
 *
 * @throws CliInputError naming the message number and byte offset of bad input.
 */
export function decodeToJson(input: Buffer, options: DecodeOptions = {}): string {
  const framer = new Framer();
  let messages: Buffer[];
  try {
    messages = framer.push(input);
  } catch (err) {
    if (err instanceof OfpFramingError) throw new CliInputError(err.message, { cause: err });
    throw err;
  }
  let offset = 0;
  const out: string[] = [];
  messages.forEach((bytes, i) => {
    try {
      const msg = decodeMessage(bytes);
      out.push(stringifyRyuJson(options.ryu === true ? toRyuJson(msg) : toRyuDocument(msg), options.pretty === true ? 3 : undefined));
    } catch (err) {
      if (!(err instanceof OfpDecodeError)) throw err;
      throw new CliInputError(`message ${i + 1} (bytes ${offset}..${offset + bytes.length - 1}): ${err.message} (input byte ${offset + err.offset})`, { cause: err });
    }
    offset += bytes.length;
  });
  if (framer.buffered() > 0) {
    const said = input.length - offset >= 4 ? `, its header says ${input.readUInt16BE(offset + 2)}` : '';
    const version = input[offset]!;
    const hint = OFP_VERSION_NAMES[version] === undefined ? ` (byte ${offset} is 0x${version.toString(16)}, not an OpenFlow version: is this OpenFlow? hex text needs --hex)` : '';
    throw new CliInputError(`the input ends inside message ${messages.length + 1}: ${framer.buffered()} bytes from byte ${offset}${said}${hint}`);
  }
  return out.map((doc) => `${doc}\n`).join('');
}

export interface EncodeOptions {
  /** Wire version for documents without a "version" key. */
  readonly version: number;
  /** xid for documents without an "xid" key. */
  readonly xid: number;
}

/**
 * The wire bytes of every JSON document in `text`, concatenated.
 *
 * @throws CliInputError naming the document number, its line and the JSON path.
 */
export function encodeFromJson(text: string, options: EncodeOptions): Buffer[] {
  return splitJsonDocuments(text).map((doc) => {
    const where = `document ${doc.number} (line ${doc.line})`;
    try {
      return encodeMessage(fromRyuDocument(doc.json, { version: options.version, xid: options.xid }, doc.path));
    } catch (err) {
      if (err instanceof OfpJsonError) throw new CliInputError(`${where}, ${err.message}`, { cause: err });
      if (err instanceof OfpEncodeError) throw new CliInputError(`${where}: cannot encode: ${err.message}`, { cause: err });
      throw err;
    }
  });
}

const VERSION_NAMES: Readonly<Record<string, number>> = {
  '1.0': OFP_VERSION_1_0,
  '1.3': OFP_VERSION_1_3,
  '1.4': OFP_VERSION_1_4,
  '1.5': OFP_VERSION_1_5,
};

function parseVersion(text: string): number {
  const v = VERSION_NAMES[text] ?? (/^(0x[0-9a-f]+|\d+)$/i.test(text) ? Number(text) : NaN);
  if (!Number.isInteger(v) || v < 1 || v > 255) throw new InvalidArgumentError('give a wire version byte (1, 4, 5, 6) or a name (1.0, 1.3, 1.4, 1.5)');
  return v;
}

function parseXid(text: string): number {
  const v = /^(0x[0-9a-f]+|\d+)$/i.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new InvalidArgumentError('give an integer from 0 to 4294967295 (decimal or 0x hex)');
  return v;
}

const DECODE_EXAMPLES = `
Output: one JSON document per message, in Ryu's to_jsondict form with the header
added, e.g. {"version":4,"xid":7,"OFPHello":{"elements":[...]}}. u64 values are
exact integers (no rounding above 2^53). Bytes are base64.

Examples:
  $ sdn-runtime ofp decode capture.bin
  $ sdn-runtime ofp decode --pretty capture.bin
  $ echo 04000010000000070001000800000012 | sdn-runtime ofp decode --hex
  $ sdn-runtime ofp decode capture.bin | sdn-runtime ofp encode > again.bin`;

const ENCODE_EXAMPLES = `
Input: JSON documents, one per line, pretty documents back to back, or a JSON
array of documents. Each is what "ofp decode" prints, or Ryu's bare to_jsondict
(as in Ryu's test files) taking version and xid from the options. Derived fields
(len, length, actions_len, type numbers) may be left out.

Examples:
  $ sdn-runtime ofp encode flows.json > flows.bin
  $ echo '{"OFPEchoRequest": {"data": ""}}' | sdn-runtime ofp encode --hex
  $ sdn-runtime ofp encode --version 1.3 --xid 42 ryu/of13/json/4-2-ofp_flow_mod.packet.json | sdn-runtime ofp decode`;

/** Registers `ofp decode` and `ofp encode` on the program. */
export function registerOfpCommands(program: Command): void {
  const ofp = program
    .command('ofp')
    .description("decode and encode OpenFlow messages: wire bytes <-> JSON in Ryu's to_jsondict form");

  ofp
    .command('decode')
    .description('print OpenFlow messages (bytes from FILE or stdin) as JSON, one document per message')
    .argument('[file]', 'file of OpenFlow messages back to back; omit or "-" to read stdin')
    .option('--ryu', "print exactly Ryu's to_jsondict, without the version and xid keys")
    .option('--pretty', "indent each document by 3 spaces, like Ryu's files (default: one line per message)")
    .option('--hex', 'the input is hex text (whitespace ignored) instead of raw bytes')
    .addHelpText('after', DECODE_EXAMPLES)
    .action(async (file: string | undefined, opts: DecodeOptions & { hex?: boolean }) => {
      const raw = await readInput(file);
      const input = opts.hex === true ? hexToBytes(raw.toString('latin1')) : raw;
      await writeOutput(Buffer.from(decodeToJson(input, opts), 'utf8'), { binary: false });
    });

  ofp
    .command('encode')
    .description('write OpenFlow wire bytes for JSON documents (from FILE or stdin) to stdout')
    .argument('[file]', 'file of JSON documents; omit or "-" to read stdin')
    .option('--version <version>', 'OpenFlow version for documents without a "version" key: 1.0, 1.3, 1.4, 1.5 or the wire byte', parseVersion, OFP_VERSION_1_3)
    .option('--xid <xid>', 'xid for documents without an "xid" key', parseXid, 0)
    .option('--hex', 'print each message as a line of hex instead of raw bytes')
    .addHelpText('after', ENCODE_EXAMPLES)
    .action(async (file: string | undefined, opts: EncodeOptions & { hex?: boolean }) => {
      const messages = encodeFromJson((await readInput(file)).toString('utf8'), opts);
      if (opts.hex === true) await writeOutput(Buffer.from(messages.map((m) => `${m.toString('hex')}\n`).join(''), 'utf8'), { binary: false });
      else await writeOutput(Buffer.concat(messages), { binary: true });
    });
}
