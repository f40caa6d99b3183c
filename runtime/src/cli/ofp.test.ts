import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseRyuJson } from '../openflow/ryu-json/index.js';
import { ryuVectorsDir } from '../testing/vectors.js';

/**
 * The built `sdn-runtime` bin (dist/cli/main.js) as a child process: what a user
 * gets at the shell, stdout, stderr and exit status included.
 */

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

interface Run {
  readonly status: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

function run(args: readonly string[], input: Buffer | string = ''): Run {
  const r = spawnSync(process.execPath, [MAIN, ...args], { input, timeout: 30_000 });
  if (r.error !== undefined) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

function ok(r: Run): Buffer {
  assert.equal(r.status, 0, `exit status ${r.status}, stderr: ${r.stderr}`);
  assert.equal(r.stderr, '');
  return r.stdout;
}

/** Bad input: status 1, one line on stderr matching `message`, nothing on stdout. */
function refused(r: Run, message: RegExp): void {
  assert.equal(r.status, 1, `exit status ${r.status}, stderr: ${r.stderr}`);
  assert.equal(r.stdout.length, 0, `stdout should be empty, got ${JSON.stringify(r.stdout.toString())}`);
  assert.match(r.stderr, message);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace for bad input');
}

const NEGOTIATION_FILES = [
  'of13/packet/4-10-ofp_hello.packet',
  'of13/packet/4-13-ofp_echo_request.packet',
  'of13/packet/4-14-ofp_echo_reply.packet',
  'of13/packet/4-5-ofp_features_request.packet',
  'of13/packet/4-6-ofp_features_reply.packet',
  'of14/packet/5-10-ofp_hello.packet',
  'of15/packet/libofproto-OFP15-error_msg_experimenter.packet',
  'of10/packet/1-5-features_request.packet',
];

describe('sdn-runtime ofp on Ryu vectors', () => {
  const dir = ryuVectorsDir();
  const stream = Buffer.concat(NEGOTIATION_FILES.map((f) => readFileSync(join(dir, f))));

  it('decode | encode gives back the same bytes (several messages, several versions)', () => {
    const json = ok(run(['ofp', 'decode'], stream));
    assert.equal(json.toString('utf8').trimEnd().split('\n').length, NEGOTIATION_FILES.length, 'one line per message');
    assert.equal(ok(run(['ofp', 'encode'], json)).toString('hex'), stream.toString('hex'));
  });

  it('decode reads a file and --pretty output encodes back too', () => {
    const file = join(dir, NEGOTIATION_FILES[0]!);
    const pretty = ok(run(['ofp', 'decode', '--pretty', file]));
    assert.match(pretty.toString('utf8'), /^\{\n {3}"version": 4,/);
    assert.equal(ok(run(['ofp', 'encode', '-'], pretty)).toString('hex'), readFileSync(file).toString('hex'));
  });

  it("--ryu prints exactly Ryu's to_jsondict", () => {
    for (const f of ['of13/packet/4-6-ofp_features_reply.packet', 'of14/packet/5-39-ofp_error_msg_experimenter.packet']) {
      const ours = parseRyuJson(ok(run(['ofp', 'decode', '--ryu', join(dir, f)])).toString('utf8'));
      assert.deepEqual(ours, parseRyuJson(readFileSync(join(dir, f.replace('/packet/', '/json/') + '.json'), 'utf8')));
    }
  });

  it("encodes Ryu's own JSON files as they are, header from --version and --xid", () => {
    const packet = readFileSync(join(dir, 'of13/packet/4-13-ofp_echo_request.packet'));
    const xid = String(packet.readUInt32BE(4));
    const bytes = ok(run(['ofp', 'encode', '--version', '1.3', '--xid', xid, join(dir, 'of13/json/4-13-ofp_echo_request.packet.json')]));
    assert.equal(bytes.toString('hex'), packet.toString('hex'));
  });
});

describe('sdn-runtime ofp with bad input', () => {
  const hello = '04000010000000070001000800000012';

  it('decode: bytes that are not OpenFlow', () => {
    refused(run(['ofp', 'decode'], 'this is not openflow at all'), /ends inside message 1: 27 bytes from byte 0.*not an OpenFlow version/);
  });

  it('decode: a good message then a lying one names the message and byte', () => {
    const bad = Buffer.from(`${hello}04000010000000080001001000000012`, 'hex');
    refused(run(['ofp', 'decode'], bad), /message 2 \(bytes 16\.\.31\): Hello\.elements\.length at byte 12: .* \(input byte 28\)/);
  });

  it('decode: a truncated message', () => {
    refused(run(['ofp', 'decode'], Buffer.from(hello.slice(0, 20), 'hex')), /ends inside message 1: 10 bytes from byte 0, its header says 16/);
  });

  it('decode --hex: text that is not hex', () => {
    refused(run(['ofp', 'decode', '--hex'], `${hello}\n04 0g`), /not hex: "g" at hex digit 36/);
    assert.equal(ok(run(['ofp', 'decode', '--hex'], `${hello.slice(0, 16)}\n${hello.slice(16)}\n`)).toString('utf8').startsWith('{"version":4,"xid":7,"OFPHello"'), true);
  });

  it('encode: a bad document after good ones writes nothing and names document, line and path', () => {
    const text = `{"OFPEchoRequest": {"data": ""}}\n{"OFPHello": {"elements": []}}\n{"OFPEchoReply": {"data": "hi!"}}\n`;
    refused(run(['ofp', 'encode'], text), /^sdn-runtime: document 3 \(line 3\), \$\.OFPEchoReply\.data: expected base64 bytes/);
  });

  it('encode: JSON syntax errors and values that do not fit', () => {
    refused(run(['ofp', 'encode'], '{"OFPEchoRequest": {"data": ""}}\n{"OFPHello": '), /document 2 \(line 2\): the input ends inside this JSON document/);
    refused(run(['ofp', 'encode'], '[{"version": 4, "xid": 4294967296, "OFPHello": {}}]'), /document 1 \(line 1\), \$\[0\]\.xid: expected an unsigned 32-bit integer/);
  });

  it('encode: a message the codec does not model for the version', () => {
    refused(run(['ofp', 'encode', '--version', '1.4'], '{"OFPBarrierRequest": {}}'), /OFPBarrierRequest is not modelled for OpenFlow 1\.4; give it as OFPMessageUnknown/);
  });

  it('a file that does not exist', () => {
    refused(run(['ofp', 'decode', '/nonexistent/capture.bin']), /cannot read \/nonexistent\/capture\.bin: ENOENT/);
  });

  it('an invalid option value is a usage error', () => {
    const r = run(['ofp', 'encode', '--version', '2.7'], '{}');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /--version <version>' argument '2\.7' is invalid/);
  });
});

describe('sdn-runtime help', () => {
  it('explains each ofp command with examples', () => {
    for (const cmd of ['decode', 'encode']) {
      const help = ok(run(['ofp', cmd, '--help'])).toString('utf8');
      assert.match(help, new RegExp(`Usage: sdn-runtime ofp ${cmd}`));
      assert.match(help, /Examples:\n {2}\$ sdn-runtime ofp/);
    }
    assert.match(ok(run(['--help'])).toString('utf8'), /ofp +decode and encode OpenFlow messages/);
  });
});
