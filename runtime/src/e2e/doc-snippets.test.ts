import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { OfpMessage } from '../openflow/index.js';
import { buildGuest, writePlugin } from '../plugins/testing/guests.js';
import { codeBlocks, type CodeBlock } from '../testing/docs/markdown.js';
import { runShell, SnippetProcess } from '../testing/docs/processes.js';
import { FakeSwitch, fakePort } from '../testing/fake-switch.js';
import { eventually, startTestRuntime, type TestRuntime } from '../testing/test-runtime.js';

// Every code block of the READMEs a reader is told to run, run as written
// against a real runtime: the SDK READMEs' install commands in a fresh project
// (a fresh venv for Python), their app snippets compiled and run the way the
// README says. A block that is not for running carries `<!-- not run: reason -->`
// above its fence (testing/docs/markdown.ts); any other block this file does not
// know how to run fails, so none is silently ignored.

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
/** The one placeholder the READMEs use for the reader's checkout. */
const CHECKOUT_PLACEHOLDER = '/path/to/sdn-runtime';
/** How sdk-ts/README.md says to compile and run its snippet (checked to appear there, word for word). */
const TS_COMPILE = 'npx tsc --target es2022 --module nodenext app.mts';
const TS_RUN = 'node app.mjs';
/** How sdk-python/README.md says to run its snippet. */
const PY_RUN = 'python hello.py';
const INSTALL_TIMEOUT_MS = 240_000;
const APP_WAIT_MS = 30_000;

const work = mkdtempSync(join(tmpdir(), 'sdn-doc-snippets-'));
after(() => rmSync(work, { recursive: true, force: true }));

function blocksOf(file: string): { text: string; blocks: CodeBlock[] } {
  const text = readFileSync(join(REPO, file), 'utf8');
  return { text, blocks: codeBlocks(text) };
}

/** The test name: where the block is, and what is done with it. */
const named = (file: string, b: CodeBlock, what: string): string => `${file}:${b.line} (${b.lang || 'no language'}) ${what}`;

type Runner = (b: CodeBlock) => Promise<void>;

/**
 * One test per block of `file`, in order: the runner `pick` gives for a block
 * it knows, a failure for any other unmarked block, and a passing test that
 * states the reason for each marked one.
 */
function eachBlock(file: string, pick: (b: CodeBlock) => Runner | undefined): void {
  for (const b of blocksOf(file).blocks) {
    if (b.notRun !== undefined) {
      it(named(file, b, `not run: ${b.notRun}`), () => {});
      continue;
    }
    const run = pick(b);
    it(named(file, b, 'runs as written'), async () => {
      if (run === undefined) assert.fail(`${file}:${b.line}: this ${b.lang || 'unlabelled'} block is neither run by ${import.meta.filename.replace(/.*\//, '')} nor marked <!-- not run: reason --> on the line above its fence`);
      await run(b);
    });
  }
}

async function shell(file: string, b: CodeBlock, cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  const r = await runShell(b.body.replaceAll(CHECKOUT_PLACEHOLDER, REPO.replace(/\/$/, '')), { cwd, env, timeoutMs: INSTALL_TIMEOUT_MS });
  assert.equal(r.code, 0, `${file}:${b.line} exited with ${r.code}:\n${r.output}`);
}

/** A runtime with one fake switch connected before the snippet app starts: the app must learn of it from the snapshot. */
async function withRuntime(check: (target: string, sw: FakeSwitch) => Promise<void>, dpid = 0xd0c5n): Promise<void> {
  const t: TestRuntime = await startTestRuntime();
  const sw = await FakeSwitch.connect(t.rt.openflowPort, { dpid, ports: [fakePort(1), fakePort(2)] });
  try {
    await eventually(() => t.rt.switches.list().length === 1, 'the switch registered', APP_WAIT_MS);
    await check(`127.0.0.1:${t.rt.grpcPort}`, sw);
  } finally {
    await sw.close();
    await t.stop();
  }
}

/** What both SDK READMEs' snippets do: a table-miss flow on the (already connected) switch, then a flood for a packet-in. */
async function expectTableMissAndFlood(app: SnippetProcess, sw: FakeSwitch): Promise<void> {
  const early = app.exited.then((code) => {
    throw new Error(`the snippet exited (${code}) before doing its work:\n${app.output}`);
  });
  early.catch(() => {});
  const step = <T>(p: Promise<T>, what: string): Promise<T> => Promise.race([p, early]).catch((err: unknown) => assert.fail(`${what}: ${(err as Error).message}\n--- snippet output:\n${app.output}`));
  const miss = await step(sw.waitFor((m) => m.type === 'FlowMod' && m.priority === 0, APP_WAIT_MS), 'no table-miss flow-mod for the switch connected before the app');
  assert.equal(miss.type === 'FlowMod' && miss.match.length, 0);
  const frame = Buffer.alloc(60);
  frame.writeUInt16BE(0x0800, 12);
  sw.send({ type: 'PacketIn', version: 4, xid: 0, bufferId: 0xffffffff, totalLen: frame.length, reason: 0, tableId: 0, cookie: 0n, match: [{ field: 'in_port', value: 1 }], data: frame } as OfpMessage);
  const out = await step(sw.waitFor((m) => m.type === 'PacketOut', APP_WAIT_MS), 'no packet-out for the packet-in');
  assert.deepEqual(out.type === 'PacketOut' && out.actions.map((a) => a.type === 'output' && a.port), [0xfffffffb], 'flooded');
}

/** A folder like the checkout's root for `npx sdn-runtime` (its node_modules), without writing into the checkout. */
function checkoutLike(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

describe('README.md: its blocks, from a folder like the checkout', () => {
  const file = 'README.md';
  eachBlock(file, (b) => {
    if (b.body.startsWith('npx sdn-runtime status\n')) {
      // Against a runtime with switch dpid 1 and, in the folder, a plugin named my-plugin.
      return async () => {
        const dir = checkoutLike('cli');
        writePlugin(join(dir, 'my-plugin'), { name: 'my-plugin', version: '1', capabilities: ['openflow'], subscriptions: { kinds: ['packet-in'] } }, await buildGuest('echo'));
        await withRuntime((target, sw) => {
          sw.responder = (m, s) => {
            if (m.type !== 'MultipartRequest' || m.body.type !== 'flow') return false;
            const miss = { tableId: 0, durationSec: 1, durationNsec: 0, priority: 0, idleTimeout: 0, hardTimeout: 0, flags: 0, cookie: 0n, packetCount: 0n, byteCount: 0n, match: [], instructions: [{ type: 'applyActions' as const, actions: [{ type: 'output' as const, port: 0xfffffffd, maxLen: 0xffff }] }] };
            s.send({ type: 'MultipartReply', version: 4, xid: m.xid, flags: 0, body: { type: 'flow', stats: [miss] } });
            return true;
          };
          return shell(file, b, dir, { ...process.env, SDN_RUNTIME_TARGET: target, SDN_RUNTIME_TOKEN: '' });
        }, 1n);
      };
    }
    if (b.body.startsWith('(cd examples/learning-switch-plugin-ts && npm run build)\n')) {
      // A copy of the example (the build writes dist/, the block .sdn-runtime/); serve
      // binds the default ports, so the block runs in a network namespace of its own.
      return async () => {
        const dir = checkoutLike('plugin');
        const example = 'examples/learning-switch-plugin-ts';
        cpSync(join(REPO, example), join(dir, example), { recursive: true, filter: (from) => !/\/(node_modules|dist|build)$/.test(from) });
        const serve = new SnippetProcess('unshare', ['--net', 'bash', '-eo', 'pipefail', '-c', `ip link set lo up\n${b.body}`], { cwd: dir, env: process.env });
        try {
          await serve.waitForOutput(/"msg":"sdn-runtime serving"/, INSTALL_TIMEOUT_MS).catch((err: unknown) => assert.fail(`${file}:${b.line} (run under unshare --net, which needs root): ${(err as Error).message}`));
          assert.match(serve.output, /"plugin":"learning-switch","version":"[^"]+".*"msg":"plugin loaded"/, 'the plugin in .sdn-runtime/plugins was loaded at start');
        } finally {
          await serve.stop();
        }
      };
    }
    if (b.body.startsWith('npx sdn-runtime ofp decode capture.bin ')) {
      // capture.bin: OpenFlow 1.3 messages as a capture holds them, back to back.
      return async () => {
        const dir = checkoutLike('ofp');
        const vectors = join(REPO, 'runtime/test-data/vectors/ryu/of13/packet');
        const capture = Buffer.concat(['4-2-ofp_flow_mod.packet', '4-4-ofp_packet_in.packet', '4-39-ofp_port_status.packet'].map((f) => readFileSync(join(vectors, f))));
        writeFileSync(join(dir, 'capture.bin'), capture);
        await shell(file, b, dir, process.env);
        assert.deepEqual(readFileSync(join(dir, 'again.bin')), capture, 'decode | encode is byte-identical, as the README says');
      };
    }
    return undefined;
  });
});

describe('sdk-ts/README.md: a new npm project with the SDK, the snippet compiled and run against a runtime', () => {
  const file = 'sdk-ts/README.md';
  const { text } = blocksOf(file);
  const projectsDir = join(work, 'ts');
  let project = '';
  before(() => mkdirSync(projectsDir, { recursive: true }));

  it(`${file} says how to compile and run its snippet: \`${TS_COMPILE} && ${TS_RUN}\``, () => {
    assert.ok(text.includes(`${TS_COMPILE} && ${TS_RUN}`));
  });
  const runners: Readonly<Record<string, Runner>> = {
    sh: async (b) => {
      await shell(file, b, projectsDir, process.env);
      project = execFileSync('bash', ['-c', 'ls -d */ | head -1'], { cwd: projectsDir, encoding: 'utf8' }).trim();
    },
    ts: async (b) => {
      assert.notEqual(project, '', 'the install block made no project folder');
      const dir = join(projectsDir, project);
      writeFileSync(join(dir, 'app.mts'), b.body);
      const compiled = await runShell(TS_COMPILE, { cwd: dir, env: process.env, timeoutMs: INSTALL_TIMEOUT_MS });
      assert.equal(compiled.code, 0, `${TS_COMPILE} failed:\n${compiled.output}`);
      await withRuntime(async (target, sw) => {
        const app = new SnippetProcess('bash', ['-c', TS_RUN], { cwd: dir, env: { ...process.env, SDN_RUNTIME_TARGET: target } });
        try {
          await expectTableMissAndFlood(app, sw);
        } finally {
          await app.stop();
        }
      });
    },
  };
  eachBlock(file, (b) => runners[b.lang]);
});

describe('sdk-python/README.md: installed into a fresh venv, the snippet run against a runtime', () => {
  const file = 'sdk-python/README.md';
  const { text } = blocksOf(file);
  const venv = join(work, 'venv');
  const env = { ...process.env, VIRTUAL_ENV: venv, PATH: `${venv}/bin:${process.env.PATH ?? ''}`, PYTHONUNBUFFERED: '1', PIP_DISABLE_PIP_VERSION_CHECK: '1' };
  before(() => {
    try {
      execFileSync('python3', ['-c', 'import sys; assert sys.version_info >= (3, 11), sys.version'], { stdio: 'pipe' });
      execFileSync('python3', ['-m', 'venv', venv], { stdio: 'pipe' });
    } catch (err) {
      throw new Error(`the Python SDK README needs python3 >= 3.11 with venv (Debian: apt-get install python3 python3-venv): ${(err as Error).message}`);
    }
  });

  it(`${file} says how to run its snippet: \`${PY_RUN}\``, () => {
    assert.ok(text.includes(PY_RUN));
  });
  const runners: Readonly<Record<string, Runner>> = {
    sh: (b) => shell(file, b, REPO, env),
    python: async (b) => {
      const dir = join(work, 'py');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'hello.py'), b.body);
      await withRuntime(async (target, sw) => {
        const app = new SnippetProcess('bash', ['-c', PY_RUN], { cwd: dir, env: { ...env, SDN_RUNTIME_TARGET: target } });
        try {
          await expectTableMissAndFlood(app, sw);
        } finally {
          await app.stop();
        }
      });
    },
  };
  eachBlock(file, (b) => runners[b.lang]);
});
