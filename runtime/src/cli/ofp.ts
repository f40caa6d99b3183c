import { type Command, InvalidArgumentError } from 'commander';
import { OFP_VERSION_1_0, OFP_VERSION_1_3, OFP_VERSION_1_4, OFP_VERSION_1_5 } from '../openflow/constants.js';
import type { DecodeOptions, EncodeOptions } from './ofp-run.js';

/**
 * `sdn-runtime ofp decode|encode`: OpenFlow wire bytes <-> JSON in Ryu's
 * to_jsondict form. This module only declares the commands; the codec and the
 * conversions live in ofp-run.ts, loaded when a command runs.
 */

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
    .action(async (file: string | undefined, opts: DecodeOptions & { hex?: boolean }) => (await import('./ofp-run.js')).decodeCommand(file, opts));

  ofp
    .command('encode')
    .description('write OpenFlow wire bytes for JSON documents (from FILE or stdin) to stdout')
    .argument('[file]', 'file of JSON documents; omit or "-" to read stdin')
    .option('--version <version>', 'OpenFlow version for documents without a "version" key: 1.0, 1.3, 1.4, 1.5 or the wire byte', parseVersion, OFP_VERSION_1_3)
    .option('--xid <xid>', 'xid for documents without an "xid" key', parseXid, 0)
    .option('--hex', 'print each message as a line of hex instead of raw bytes')
    .addHelpText('after', ENCODE_EXAMPLES)
    .action(async (file: string | undefined, opts: EncodeOptions & { hex?: boolean }) => (await import('./ofp-run.js')).encodeCommand(file, opts));
}
