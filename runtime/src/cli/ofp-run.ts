import {
  decodeMessage,
  encodeMessage,
  Framer,
  fromRyuDocument,
  OFP_VERSION_NAMES,
  OfpDecodeError,
  OfpEncodeError,
  OfpFramingError,
  OfpJsonError,
  stringifyRyuJson,
  toRyuDocument,
  toRyuJson,
} from '../openflow/index.js';
import { CliInputError } from './errors.js';
import { readInput, writeOutput } from './io.js';
import { splitJsonDocuments } from './json-documents.js';

/**
 * What `sdn-runtime ofp decode|encode` do (declared in ofp.ts): OpenFlow wire
 * bytes <-> JSON in Ryu's to_jsondict form. `decodeToJson` and `encodeFromJson`
 * are the pure halves; the commands only add reading the input and writing the
 * output, which happens only when the whole input was good.
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

/** `ofp decode`: FILE (or stdin) -> JSON documents on stdout. */
export async function decodeCommand(file: string | undefined, opts: DecodeOptions & { hex?: boolean }): Promise<void> {
  const raw = await readInput(file);
  const input = opts.hex === true ? hexToBytes(raw.toString('latin1')) : raw;
  await writeOutput(Buffer.from(decodeToJson(input, opts), 'utf8'), { binary: false });
}

/** `ofp encode`: JSON documents in FILE (or stdin) -> wire bytes (or hex lines) on stdout. */
export async function encodeCommand(file: string | undefined, opts: EncodeOptions & { hex?: boolean }): Promise<void> {
  const messages = encodeFromJson((await readInput(file)).toString('utf8'), opts);
  if (opts.hex === true) await writeOutput(Buffer.from(messages.map((m) => `${m.toString('hex')}\n`).join(''), 'utf8'), { binary: false });
  else await writeOutput(Buffer.concat(messages), { binary: true });
}
