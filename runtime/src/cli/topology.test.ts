import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FakeSwitch, fakePort } from '../testing/fake-switch.js';
import { packetInOn, relayProbe } from '../testing/probe-relay.js';
import { startTestRuntime, type TestRuntime } from '../testing/test-runtime.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
const ARP = Buffer.from('ffffffffffff02aa0000000108060001080006040001' + '02aa00000001' + '0a000001' + '000000000000' + '0a000002', 'hex');

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { env: { ...process.env, SDN_RUNTIME_TOKEN: '', ...env } }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : ((err as { code?: number }).code ?? 1), stdout, stderr });
    });
  });
}

describe('sdn-runtime topology | path, against a running runtime', () => {
  let t: TestRuntime;
  let env: NodeJS.ProcessEnv;
  const switches: FakeSwitch[] = [];
  before(async () => {
    // Links live 3 intervals after the one relayed probe (long enough for the file); the first probe comes within 1 s (jitter).
    t = await startTestRuntime({ topology: true, topologyProbeIntervalMs: 5000, topologySecret: 'the cli topology test secret 32b' });
    env = { SDN_RUNTIME_TARGET: `127.0.0.1:${t.rt.grpcPort}` };
    for (const dpid of [1n, 2n]) switches.push(await FakeSwitch.connect(t.rt.openflowPort, { dpid, ports: [fakePort(1), fakePort(2)] }));
    const [s1, s2] = switches as [FakeSwitch, FakeSwitch];
    await relayProbe(s1, 1, s2, 1);
    await relayProbe(s2, 1, s1, 1);
    s1.send(packetInOn(2, ARP));
  });
  after(async () => {
    for (const sw of switches) await sw.close();
    await t.stop();
  });

  it('topology: the links and the hosts as tables, and as JSON with --json', async () => {
    let r = await run(['topology'], env);
    // The relayed probes and the ARP are handled on the runtime's socket turns: ask again (bounded) until they are in.
    for (let i = 0; i < 20 && !/02:aa:00:00:00:01/.test(r.stdout); i++) r = await run(['topology'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^FROM +TO +LATENCY +PROBED BY +UP\n0000000000000001\/1 +0000000000000002\/1 +\d+ ms/);
    assert.match(r.stdout, /0000000000000002\/1 +0000000000000001\/1 /);
    assert.match(r.stdout, /MAC +AT +IPS +LAST SEEN\n02:aa:00:00:00:01 +0000000000000001\/2 +10\.0\.0\.1 /);
    const json = JSON.parse((await run(['topology', '--json'], env)).stdout) as { links: { src: { dpid: string } }[]; hosts: { mac: string }[] };
    assert.deepEqual([json.links.map((l) => l.src.dpid), json.hosts.map((h) => h.mac)], [['1', '2'], ['02:aa:00:00:00:01']]);
  });

  it('path: the links from one switch to another; an unreachable one is an error that says so', async () => {
    const r = await run(['path', '1', '0x2', '--by', 'latency'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^FROM +TO/);
    assert.match(r.stdout, /0000000000000001\/1 +0000000000000002\/1 /);
    const none = await run(['path', '1', '9'], env);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no known links lead from 0000000000000001 to 0000000000000009/);
    const bad = await run(['path', '1', '2', '--by', 'cost'], env);
    assert.match(bad.stderr, /--by must be hops or latency/);
  });
});
