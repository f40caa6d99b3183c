import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { OFPP_CONTROLLER, OFPP_FLOOD, OFPP_LOCAL, type OfpMessage } from '../openflow/index.js';
import { PluginLoadError } from './errors.js';
import { TEST_DEADLINE_MS } from './testing/guests.js';
import { buildProject, EXAMPLES, KITS, projectFiles, REPO, type KitLanguage } from './testing/kits.js';
import { startPluginRig, until, type PluginRig } from './testing/harness.js';

/** A guest's first call (CPython starting inside the component) can take seconds on a busy 2-core machine. */
const GUEST_ANSWER_MS = 30_000;

// The plugin kits (kits/typescript, kits/python, kits/rust): their templates build with the
// one command and run; `new` makes a project that builds; the SDK behaves from
// inside a guest; the examples carry the kit's files unchanged.

const run = promisify(execFile);
type PacketOut = Extract<OfpMessage, { type: 'PacketOut' }>;
const isPacketOut = (m: OfpMessage): m is PacketOut => m.type === 'PacketOut';
const isFlowMod = (m: OfpMessage): boolean => m.type === 'FlowMod';
/** Projects made by `new` live under runtime/dist, so a TypeScript one finds the workspace's typescript and componentize-qjs. */
const PROJECTS = join(REPO, 'runtime', 'dist', 'plugins', 'testing', 'kit-projects');

const NEW = {
  ts: (name: string, folder: string) => run(process.execPath, [join(KITS.ts, 'tools', 'new.mjs'), name, folder]),
  py: (name: string, folder: string) => run('python3', [join(KITS.py, 'new.py'), name, folder]),
  rs: (name: string, folder: string) => run('bash', [join(KITS.rs, 'new.sh'), name, folder]),
};
/** Files `new` copies that the examples must carry unchanged (their own: plugin.json, package.json, the plugin source, README). */
const VENDORED: Record<KitLanguage, (path: string) => boolean> = {
  ts: (p) => p.startsWith('src/sdk/') || p.startsWith('tools/') || p.startsWith('wit/') || p === 'tsconfig.json' || p === '.gitignore',
  py: (p) => p.startsWith('src/sdn_plugin/') || p.startsWith('wit/') || ['build.py', 'new.py', 'requirements.txt', '.gitignore'].includes(p),
  rs: (p) => p.startsWith('src/sdk/') || p.startsWith('wit/') || p.startsWith('.cargo/') || ['build.sh', 'new.sh', '.gitignore'].includes(p),
};
const LANGUAGES: KitLanguage[] = ['ts', 'py', 'rs'];

/** An Ethernet frame with an 802.1Q tag (VLAN 42) around IPv4, `seq` as u32 at byte 18. */
function taggedFrame(seq: number): Buffer {
  const f = Buffer.alloc(64);
  Buffer.from('000000000002000000000001', 'hex').copy(f, 0);
  f.writeUInt16BE(0x8100, 12);
  f.writeUInt16BE(42, 14);
  f.writeUInt16BE(0x0800, 16);
  f.writeUInt32BE(seq, 18);
  return f;
}

function packetIn(seq: number, inPort: number): OfpMessage {
  const data = taggedFrame(seq);
  return { type: 'PacketIn', version: 4, xid: 0, bufferId: 0xffffffff, totalLen: data.length, reason: 0, tableId: 0, cookie: 0n, match: [{ field: 'in_port', value: inPort }], data };
}

describe('plugin kits: files', () => {
  it('the kits carry wit/plugin.wit, and the examples the kit SDK, build tool and WIT, unchanged', () => {
    const wit = readFileSync(join(REPO, 'wit', 'plugin.wit'), 'utf8');
    for (const language of LANGUAGES) {
      assert.equal(readFileSync(join(KITS[language], 'wit', 'plugin.wit'), 'utf8'), wit, `kits/${language}: wit/plugin.wit differs from the repository's`);
      const kit = projectFiles(KITS[language]);
      const example = projectFiles(EXAMPLES[language]);
      const vendored = [...kit.keys()].filter(VENDORED[language]);
      assert.ok(vendored.length >= 5, `kit ${language}: found only ${vendored.join(', ')}`);
      for (const path of vendored) assert.ok(example.get(path)?.equals(kit.get(path)!), `${EXAMPLES[language]}/${path} differs from the kit's (copy it again from kits/)`);
    }
  });

  for (const language of LANGUAGES) {
    it(`new (${language}) refuses a bad name and a folder that is not empty`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sdn-runtime-kit-new-'));
      try {
        await assert.rejects(NEW[language]('Bad_Name', join(dir, 'a')), /not a plugin name/);
        writeFileSync(join(dir, 'keep'), 'x');
        await assert.rejects(NEW[language]('fine', dir), /exists and is not empty/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

const probeSource = { ts: ['testing/probe.ts', 'src/plugin.ts'], py: ['testing/probe_app.py', 'src/app.py'], rs: ['testing/probe.rs', 'src/lib.rs'] } as const;
const probeDpid = { ts: 0x20n, py: 0x21n, rs: 0x22n } as const;

for (const language of LANGUAGES) {
  describe(`plugin kit (${language})`, () => {
    let rig: PluginRig;
    let probe: string;
    before(async () => {
      // A project made by `new`, its plugin replaced by the probe.
      const project = join(PROJECTS, `probe-${language}`);
      rmSync(project, { recursive: true, force: true });
      mkdirSync(PROJECTS, { recursive: true });
      await NEW[language]('probe', project);
      assert.equal((JSON.parse(readFileSync(join(project, 'plugin.json'), 'utf8')) as { name: string }).name, 'probe');
      copyFileSync(join(KITS[language], probeSource[language][0]), join(project, probeSource[language][1]));
      writeFileSync(join(project, 'plugin.json'), JSON.stringify({ name: 'probe', version: '1.0.0', capabilities: ['openflow'], subscriptions: { kinds: ['packet-in'] }, limits: { deadlineMs: TEST_DEADLINE_MS }, config: {} }));
      probe = (await buildProject(project, language)).folder;
      rig = await startPluginRig();
    });
    after(async () => {
      await rig.stop();
    });

    it('builds the template with its one command into a plugin folder that runs: table-miss on switch-up, flood on packet-in', async () => {
      const hub = await buildProject(KITS[language], language);
      const manifest = JSON.parse(readFileSync(join(hub.folder, 'plugin.json'), 'utf8')) as { name: string; component: string };
      assert.deepEqual([manifest.name, manifest.component], ['hub', 'plugin.wasm']);
      // The kit's template as shipped (its 100 ms deadline counts the guest's CPU time, not a loaded machine's waits).
      await rig.manager.load(hub.folder);
      const sw = await rig.connect(0x10n);
      const miss = await sw.waitFor(isFlowMod, GUEST_ANSWER_MS);
      assert.ok(miss.type === 'FlowMod' && miss.priority === 0 && miss.instructions[0]?.type === 'applyActions');
      assert.deepEqual(miss.instructions[0].actions, [{ type: 'output', port: OFPP_CONTROLLER, maxLen: 0xffff }]);
      sw.send(packetIn(1, 3));
      const out = (await sw.waitFor(isPacketOut, GUEST_ANSWER_MS)) as PacketOut;
      assert.deepEqual([out.inPort, out.actions], [3, [{ type: 'output', port: OFPP_FLOOD, maxLen: 0 }]]);
      await rig.manager.unload('hub');
    });

    it('an exception in initialize stops the load with its message', async () => {
      const failing = join(rig.dir, `probe-fail-${language}`);
      mkdirSync(failing, { recursive: true });
      copyFileSync(join(probe, 'plugin.wasm'), join(failing, 'plugin.wasm'));
      const manifest = JSON.parse(readFileSync(join(probe, 'plugin.json'), 'utf8')) as Record<string, unknown>;
      writeFileSync(join(failing, 'plugin.json'), JSON.stringify({ ...manifest, config: { fail: true } }));
      await assert.rejects(rig.manager.load(failing), (err: unknown) => err instanceof PluginLoadError && err.reason === 'initFailed' && /told to fail/.test(err.message));
      await rig.manager.unload('probe');
    });

    it('the SDK works from inside the guest: host errors, clock, frame parsing, int32-safe ports both ways', async () => {
      await rig.manager.load(probe);
      const yes = language === 'py' ? 'True' : 'true';
      const lines = (): string[] => rig.logs.filter((l) => l.plugin === 'probe').map((l) => String(l.msg));
      assert.ok(lines().includes(language === 'py' ? 'publish refused: HostError_Denied' : 'publish refused: denied'), lines().join('\n'));
      assert.ok(lines().includes(`clock works: ${yes}`), lines().join('\n'));
      if (language === 'ts') assert.ok(lines().includes('utf8 round trip: grüße ✓ 𝄞'), lines().join('\n'));
      if (language === 'py') assert.ok(lines().includes('printed line'), `print() reaches the log: ${lines().join('\n')}`);
      const sw = await rig.connect(probeDpid[language]);
      sw.send(packetIn(1, OFPP_LOCAL));
      const out = (await sw.waitFor(isPacketOut, GUEST_ANSWER_MS)) as PacketOut;
      assert.equal(out.inPort, OFPP_LOCAL);
      assert.deepEqual(out.actions, [
        { type: 'output', port: OFPP_CONTROLLER, maxLen: 128 },
        { type: 'output', port: OFPP_FLOOD, maxLen: 0 },
      ]);
      // The kit's Nicira builders (world 0.2.0) reach the switch as Nicira actions.
      const flow = await sw.waitFor((m) => isFlowMod(m) && m.type === 'FlowMod' && m.priority === 7, GUEST_ANSWER_MS);
      assert.ok(flow.type === 'FlowMod' && flow.instructions[0]?.type === 'applyActions');
      assert.deepEqual(flow.instructions[0].actions, [
        { type: 'nxCt', flags: 1, zoneSrc: '', zoneOfsNbits: 5, recircTable: 255, alg: 0, actions: [{ type: 'nxNat', flags: 1, rangeIpv4Min: '10.0.0.9' }] },
        { type: 'nxResubmitTable', inPort: 0xfff8, tableId: 1 },
      ]);
      const seen = `packet-in: unbuffered ${yes}, in_port ${OFPP_LOCAL}, local ${yes}, 00:00:00:00:00:01 -> 00:00:00:00:00:02 type 800 vlan 42`;
      await until('the probe logged the packet-in', () => lines().includes(seen), 5000);
      if (language === 'py') {
        // An exception in handle is logged with its traceback; the batch's commands are dropped and the plugin goes on.
        // The next packet-in is sent once the error is logged: sent together, both could share the dropped batch.
        sw.send(packetIn(13, 1));
        const logged = (): Record<string, unknown> | undefined => rig.logs.find((l) => l.plugin === 'probe' && l.level === 50);
        await until('the exception in handle is logged', () => logged() !== undefined, GUEST_ANSWER_MS);
        sw.send(packetIn(14, 2));
        const next = (await sw.waitFor(isPacketOut, GUEST_ANSWER_MS)) as PacketOut;
        assert.equal(next.inPort, 2);
        const error = logged();
        assert.match(String(error?.msg), /Probe\.handle raised; the batch's commands are dropped\nTraceback[\s\S]*RuntimeError: unlucky 13/);
        assert.equal(rig.manager.status('probe').state, 'running');
      }
      if (language === 'rs') {
        // A panic in handle is a trap (the profile aborts on panic): the batch is dropped and counted, a fresh instance goes on.
        sw.send(packetIn(13, 1));
        await until('the panic in handle is counted as a trap', () => rig.manager.status('probe').counters.faults.trap === 1, GUEST_ANSWER_MS);
        assert.match(rig.manager.status('probe').lastError?.message ?? '', /the guest's last log line: panicked at .*\n?unlucky 13/, 'the fault says why the guest panicked');
        sw.send(packetIn(14, 2));
        const next = (await sw.waitFor(isPacketOut, GUEST_ANSWER_MS)) as PacketOut;
        assert.equal(next.inPort, 2);
        assert.equal(rig.manager.status('probe').state, 'running');
      }
    });
  });
}
