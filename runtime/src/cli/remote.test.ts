import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { StreamClient } from '../testing/api-client.js';
import { FakeSwitch } from '../testing/fake-switch.js';
import { startTestRuntime, type TestRuntime } from '../testing/test-runtime.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
const TOKEN = 'cli-test-token-0123456789';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `sdn-runtime ARGS` as a process (asynchronously: the runtime under test lives in this process). */
function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { env: { ...process.env, SDN_RUNTIME_TARGET: '', SDN_RUNTIME_TOKEN: '', ...env } }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : ((err as { code?: number }).code ?? 1), stdout, stderr });
    });
  });
}

describe('sdn-runtime switches | flows | status, against a running runtime', () => {
  let t: TestRuntime;
  let sw: FakeSwitch;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    t = await startTestRuntime({ tokens: [{ name: 'cli', token: TOKEN, scopes: ['events:read'] }] });
    env = { SDN_RUNTIME_TARGET: `127.0.0.1:${t.rt.grpcPort}`, SDN_RUNTIME_TOKEN: TOKEN };
    const watcher = new StreamClient(t.rt.grpcPort, TOKEN);
    await watcher.subscribe({});
    sw = await FakeSwitch.connect(t.rt.openflowPort, { dpid: 0x1an });
    await watcher.event((e) => e.body?.$case === 'switchUp', 'switch up');
    watcher.close();
    sw.responder = (m, s) => {
      if (m.type !== 'MultipartRequest' || m.body.type !== 'flow') return false;
      const stats = { tableId: 0, durationSec: 65, durationNsec: 0, priority: 100, idleTimeout: 0, hardTimeout: 0, flags: 0, cookie: 0x2an, packetCount: 3n, byteCount: 180n };
      s.send({ type: 'MultipartReply', version: 4, xid: m.xid, flags: 1, body: { type: 'flow', stats: [{ ...stats, match: [{ field: 'in_port', value: 1 }, { field: 'eth_dst', value: '02:00:00:00:00:0b' }], instructions: [{ type: 'applyActions', actions: [{ type: 'output', port: 2, maxLen: 0 }] }] }] } });
      s.send({ type: 'MultipartReply', version: 4, xid: m.xid, flags: 0, body: { type: 'flow', stats: [{ ...stats, priority: 0, cookie: 0n, match: [], instructions: [{ type: 'applyActions', actions: [{ type: 'output', port: 0xfffffffd, maxLen: 0xffff }] }] }] } });
      return true;
    };
  });
  after(async () => {
    await sw.close();
    await t.stop();
  });

  it('switches: a table by default, JSON with --json', async () => {
    const text = await run(['switches'], env);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^DPID +OPENFLOW +REMOTE/);
    assert.match(text.stdout, /000000000000001a +1\.3 +127\.0\.0\.1:\d+ +2 +254 /);
    const json = await run(['switches', '--json'], env);
    const parsed = JSON.parse(json.stdout) as { switches: { dpid: string; dpidHex: string; ports: unknown[] }[] };
    assert.deepEqual(parsed.switches.map((s) => [s.dpid, s.dpidHex, s.ports.length]), [['26', '000000000000001a', 2]]);
  });

  it('flows DPID: the dpid in any form, flows as text or JSON', async () => {
    for (const dpid of ['0x1a', '1a', '26', '000000000000001a']) {
      const r = await run(['flows', dpid], env);
      assert.equal(r.code, 0, `${dpid}: ${r.stderr}`);
      assert.match(r.stdout, /^TABLE +PRIORITY +COOKIE/);
      assert.match(r.stdout, /0 +100 +0x2a +3 +180 +1m 5s +in_port=1,eth_dst=02:00:00:00:00:0b +apply\(output:2\)/);
      assert.match(r.stdout, /0 +0 +0x0 .* \* +apply\(output:CONTROLLER\)/);
    }
    const json = JSON.parse((await run(['flows', '26', '--json'], env)).stdout) as { flows: { cookie: string; priority: number }[] };
    assert.deepEqual(json.flows.map((f) => [f.cookie, f.priority]), [['42', 100], ['0', 0]]);
  });

  it('status: readable and --json', async () => {
    const text = await run(['status'], env);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^NODE +test-node\nversion +\d+\.\d+\.\d+\nuptime +.*\nswitches +1\n/);
    const json = JSON.parse((await run(['status', '--json', '--target', `127.0.0.1:${t.rt.grpcPort}`], { SDN_RUNTIME_TOKEN: TOKEN })).stdout) as Record<string, unknown>;
    assert.deepEqual([json.nodeId, json.switches, json.grpcPort], ['test-node', 1, t.rt.grpcPort]);
  });

  it('says clearly what went wrong: unreachable, no token, unknown switch, a bad dpid', async () => {
    const down = await run(['status', '--target', '127.0.0.1:1']);
    assert.equal(down.code, 1);
    assert.match(down.stderr, /^sdn-runtime: cannot reach the runtime at 127\.0\.0\.1:1: is `sdn-runtime serve` running\?/);
    const noToken = await run(['switches'], { SDN_RUNTIME_TARGET: env.SDN_RUNTIME_TARGET });
    assert.equal(noToken.code, 1);
    assert.match(noToken.stderr, /the runtime refused the token: missing token.*\(give --token or SDN_RUNTIME_TOKEN\)/);
    const unknown = await run(['flows', '0x99'], env);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^sdn-runtime: no switch with dpid 0000000000000099 is connected\n$/);
    const bad = await run(['flows', 'sw1'], env);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /"sw1" is not a dpid/);
    assert.equal(bad.stdout, '');
  });
});
