import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { OvsHarness } from './index.js';
import { linkNames, namespaceNames } from './leftovers.js';
import { liveCommand } from './processes.js';
import { resolvePrograms } from './programs.js';

// Real end-to-end: needs root and `bash scripts/install-system-deps.sh`. A
// missing program fails start() with a message naming it; nothing is skipped.

const execFileAsync = promisify(execFile);

/** Everything of `prefix` still in the machine's shared name spaces. */
async function leftoversOf(prefix: string): Promise<string[]> {
  const programs = resolvePrograms();
  return [...(await linkNames(programs)), ...(await namespaceNames(programs))].filter((n) => n.startsWith(prefix));
}

describe('OvsHarness after a crashed run', () => {
  it('kills the daemons and removes the namespaces the crashed run left behind', async () => {
    // A child process builds a harness with a host, then exits without stop().
    const index = new URL('./index.js', import.meta.url).href;
    const script = `
      import { OvsHarness } from ${JSON.stringify(index)};
      const h = await OvsHarness.start();
      await h.addBridge('s1');
      await h.addHost('h1', { bridge: 's1', ip: '10.0.0.1/24' });
      console.log(JSON.stringify({ prefix: h.prefix, dir: h.dir, pid: h.switchPid }));
      process.exit(0);`;
    const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', script]);
    const crashed = JSON.parse(stdout) as { prefix: string; dir: string; pid: number };
    assert.equal(liveCommand(crashed.pid), 'ovs-vswitchd');
    assert.notDeepEqual(await leftoversOf(crashed.prefix), []);

    const ovs = await OvsHarness.start();
    try {
      assert.equal(liveCommand(crashed.pid), undefined);
      assert.deepEqual(await leftoversOf(crashed.prefix), []);
      assert.equal(existsSync(crashed.dir), false);
      assert.notEqual(ovs.prefix, crashed.prefix);
    } finally {
      await ovs.stop();
    }
  });
});

describe('OvsHarness on a real userspace Open vSwitch', () => {
  let ovs: OvsHarness | undefined;
  const harness = (): OvsHarness => {
    assert.ok(ovs, 'the harness did not start (see the before() hook error)');
    return ovs;
  };
  before(async () => {
    ovs = await OvsHarness.start();
  });
  // Runs even when a test failed: no daemon or namespace outlives the file.
  after(() => ovs?.stop());

  it('forwards between two hosts with a NORMAL flow and counts its packets', async () => {
    const h = harness();
    await h.addBridge('s1', { dpid: '00000000000000a1' });
    assert.equal(await h.vsctl(['get', 'Bridge', h.ovsBridgeName('s1'), 'datapath_id']), '"00000000000000a1"\n');
    const ports = [
      await h.addHost('h1', { bridge: 's1', ip: '10.0.0.1/24', mac: '00:00:00:00:00:01' }),
      await h.addHost('h2', { bridge: 's1', ip: '10.0.0.2/24', mac: '00:00:00:00:00:02' }),
    ];
    assert.deepEqual(ports, [1, 2]);
    await h.addFlow('s1', 'actions=NORMAL');

    const ping = await h.ping('h1', '10.0.0.2', { count: 2, timeoutSec: 2 });
    assert.ok(ping.ok, ping.output);
    const flows = await h.dumpFlows('s1');
    assert.equal(flows.length, 1);
    assert.equal(flows[0]?.actions, 'NORMAL');
    assert.equal(flows[0]?.match, '');
    assert.ok((flows[0]?.nPackets ?? 0n) > 0n, `n_packets of ${JSON.stringify(flows[0]?.stats)}`);
  });

  it('drops everything once the flows are gone (fail_mode secure, no controller)', async () => {
    const h = harness();
    assert.equal(await h.vsctl(['get', 'Bridge', h.ovsBridgeName('s1'), 'fail_mode']), 'secure\n');
    await h.delFlows('s1');
    assert.deepEqual(await h.dumpFlows('s1'), []);
    const ping = await h.ping('h1', '10.0.0.2', { count: 1, timeoutSec: 1 });
    assert.equal(ping.ok, false, ping.output);
  });

  it('carries TCP between hosts (veth checksum offload is off)', async () => {
    const h = harness();
    await h.addFlow('s1', 'actions=NORMAL');
    const server = spawn(resolvePrograms().ip, ['netns', 'exec', h.hostNamespace('h2'), process.execPath, '-e', `
      const server = require('node:net').createServer((s) => {
        let n = 0;
        s.on('data', (b) => { n += b.length; });
        s.on('end', () => { console.log('received ' + n); server.close(); });
      });
      server.listen(5001, '10.0.0.2', () => console.log('listening'));
      setTimeout(() => process.exit(3), 10000).unref();`]);
    try {
      let out = '';
      server.stdout.setEncoding('utf8').on('data', (chunk: string) => { out += chunk; });
      server.stderr.setEncoding('utf8').on('data', (chunk: string) => { out += chunk; });
      const exited = once(server, 'exit');
      while (!out.includes('listening')) {
        await Promise.race([once(server.stdout, 'data'), exited.then(() => assert.fail(`server exited: ${out}`))]);
      }
      await execFileAsync(resolvePrograms().ip, ['netns', 'exec', h.hostNamespace('h1'), process.execPath, '-e', `
        const s = require('node:net').connect(5001, '10.0.0.2', () => s.end(Buffer.alloc(200000)));
        s.setTimeout(3000, () => process.exit(3));`]);
      const [code] = (await exited) as [number | null];
      assert.equal(code, 0, out);
      assert.match(out, /received 200000/);
    } finally {
      server.kill('SIGKILL');
    }
  });

  it('forwards across two bridges linked by a veth pair', async () => {
    const h = harness();
    await h.addBridge('s2', { dpid: '00000000000000a2' });
    assert.deepEqual(await h.linkBridges('s1', 's2'), { portA: 3, portB: 1 });
    assert.equal(await h.addHost('h3', { bridge: 's2', ip: '10.0.0.3/24' }), 2);
    await h.addFlow('s2', 'actions=NORMAL');
    const ping = await h.ping('h1', '10.0.0.3', { count: 2, timeoutSec: 2 });
    assert.ok(ping.ok, ping.output);
    for (const bridge of ['s1', 's2']) {
      assert.ok(((await h.dumpFlows(bridge))[0]?.nPackets ?? 0n) > 0n, `${bridge} counted no packet`);
    }
  });

  it('restarts ovs-vswitchd with its bridges and ports, but without flows', async () => {
    const h = harness();
    const before = h.switchPid;
    await h.killSwitchDaemon();
    assert.equal(h.switchPid, undefined);
    await h.restartSwitchDaemon();
    assert.ok(h.switchPid !== undefined && h.switchPid !== before);
    assert.deepEqual(await h.dumpFlows('s1'), []);
    assert.equal(await h.vsctl(['get', 'Interface', `${h.prefix}h1`, 'ofport']), '1\n');
    await h.addFlow('s1', 'actions=NORMAL');
    await h.addFlow('s2', 'actions=NORMAL');
    const ping = await h.ping('h1', '10.0.0.3', { count: 1, timeoutSec: 2 });
    assert.ok(ping.ok, ping.output);
  });

  it('streams pings: with the flows gone for a while, it counts the requests lost and the longest gap between replies', async () => {
    const h = harness();
    const pings = h.pingStream('h1', '10.0.0.3', { count: 500, intervalMs: 20 });
    try {
      await pings.replyAfter(pings.startedAtMs, 5000);
      await h.delFlows('s1');
      // Fault injection, not synchronisation: s1 forwards nothing for 500 ms.
      await new Promise((resolve) => setTimeout(resolve, 500));
      await h.addFlow('s1', 'actions=NORMAL');
      const restoredAt = Date.now();
      await pings.replyAfter(restoredAt, 5000);
    } finally {
      const summary = await pings.stop();
      assert.ok(summary.received > 0 && summary.lost >= 10, JSON.stringify(summary));
      assert.equal(summary.sent - summary.received, summary.lost);
      assert.ok(summary.longestGapMs >= 500, JSON.stringify(summary));
    }
    assert.ok(pings.replies.every((r, i) => i === 0 || r.seq > pings.replies[i - 1]!.seq), 'replies in order');
    assert.throws(() => h.pingStream('h1', '10.0.0.3', { count: 10, intervalMs: 5 }), /intervalMs an integer >= 10/);
  });

  it('points a bridge at a controller with the given backoff and probe interval', async () => {
    const h = harness();
    await h.addBridge('c1', { controller: 'tcp:127.0.0.1:6653', maxBackoffMs: 1000, inactivityProbeMs: 0, protocols: ['OpenFlow13', 'OpenFlow14'] });
    const listing = await h.vsctl(['--columns=target,max_backoff,inactivity_probe', 'list', 'Controller']);
    assert.match(listing, /target\s*: "tcp:127.0.0.1:6653"/);
    assert.match(listing, /max_backoff\s*: 1000/);
    assert.match(listing, /inactivity_probe\s*: 0/);
    assert.equal(await h.vsctl(['get', 'Bridge', h.ovsBridgeName('c1'), 'protocols']), '[OpenFlow13, OpenFlow14]\n');
    await assert.rejects(h.addBridge('c2', { dpid: '1' }), { code: 'OVS_HARNESS', message: /16 hex digits/ });
    await assert.rejects(h.addBridge('c3', { controller: 'tcp:127.0.0.1:6653', maxBackoffMs: 10 }), { message: />= 1000/ });
    await assert.rejects(h.addHost('c4', { bridge: 'nope', ip: '10.0.0.9/24' }), { message: /no bridge "nope"/ });
  });

  it('stop() removes daemons, namespaces, interfaces and its folder, and may be called twice', async () => {
    const h = harness();
    const switchPid = h.switchPid;
    assert.ok(switchPid !== undefined);
    await h.stop();
    await h.stop();
    assert.equal(liveCommand(switchPid), undefined);
    assert.deepEqual(await leftoversOf(h.prefix), []);
    assert.equal(existsSync(h.dir), false);
    await assert.rejects(h.addBridge('s9'), { code: 'OVS_HARNESS', message: /stopped/ });
  });
});
