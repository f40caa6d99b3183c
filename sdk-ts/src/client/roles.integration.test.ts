import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect } from '../connect.js';
import { EtcdCluster, FakeSwitch, fakePort, startRuntime, type RuntimeProcess } from '../testing/real-runtime.js';
import type { SdnApp } from './app.js';
import { nextEvent } from '../testing/next-event.js';

// Mastership for real: one etcd member, two `serve --mastership etcd` processes
// and one fake switch connected to both. An app on each node sees its node's
// role for the switch as roleChanged events: master on the node the switch
// reached first, slave (naming that master) on the other, and master on the
// other once the first is killed and its lease runs out; each node's switch
// list (the Switches service) shows the same role, master and generation.

const DPID = 0x5e1en;
const CLUSTER = `sdk-roles-${process.pid}`;
/** A role change waits for an etcd round trip; a failover for the dead master's lease (serve's default TTL, 2 s) too. */
const ROLE_WAIT_MS = 15_000;

/** A fake switch that answers the runtime's role requests as a switch does (the role and generation it was given). */
async function switchTo(rt: RuntimeProcess): Promise<FakeSwitch> {
  const sw = await FakeSwitch.connect(rt.openflowPort, { dpid: DPID, ports: [fakePort(1)] });
  sw.responder = (msg, s) => {
    if (msg.type !== 'RoleRequest') return false;
    s.send({ type: 'RoleReply', version: msg.version, xid: msg.xid, role: msg.role, generationId: msg.generationId });
    return true;
  };
  return sw;
}

describe('roleChanged events and the switch list from real mastership (etcd, two serve processes)', () => {
  let etcd: EtcdCluster;
  const runtimes: Record<'a' | 'b', RuntimeProcess | undefined> = { a: undefined, b: undefined };
  const apps: SdnApp[] = [];
  const switches: FakeSwitch[] = [];

  const serve = (name: string): Promise<RuntimeProcess> =>
    startRuntime({
      args: ['--store', 'etcd', '--etcd-endpoints', etcd.endpoints.join(','), '--etcd-prefix', `/${CLUSTER}/kv/`, '--mastership', 'etcd', '--cluster', CLUSTER, '--node-id', name],
    });
  const open = async (rt: RuntimeProcess): Promise<SdnApp> => {
    const app = await connect({ target: rt.target, name: 'sdk-roles', subscribe: { kinds: ['roleChanged', 'switchUp'] } });
    app.onError(() => {});
    apps.push(app);
    return app;
  };

  before(async () => {
    etcd = await EtcdCluster.start(1);
    runtimes.a = await serve('ev-a');
    runtimes.b = await serve('ev-b');
  });

  after(async () => {
    for (const app of apps) await app.close();
    for (const sw of switches) await sw.close();
    for (const rt of Object.values(runtimes)) await rt?.stop();
    await etcd?.close();
  });

  it('master on the first node, slave naming it on the second, master on the second once the first is gone', async () => {
    const onA = await open(runtimes.a!);
    const onB = await open(runtimes.b!);

    const aMaster = nextEvent(onA, 'roleChanged', (e) => e.role === 'master', ROLE_WAIT_MS);
    const aUp = nextEvent(onA, 'switchUp', (e) => e.dpid === DPID, ROLE_WAIT_MS);
    switches.push(await switchTo(runtimes.a!));
    const won = await aMaster;
    assert.deepEqual([won.dpid, won.masterNode], [DPID, 'ev-a']);
    assert.ok(won.generation > 0n && won.seq > 0n, `a generation (${won.generation}) and a seq (${won.seq})`);
    await aUp;
    const listed = async (app: SdnApp): Promise<unknown> => (await app.listSwitches()).filter((s) => s.dpid === DPID).map((s) => [s.role, s.masterNode, s.generation]);
    assert.deepEqual(await listed(onA), [['master', 'ev-a', won.generation]]);

    const bSlave = nextEvent(onB, 'roleChanged', (e) => e.role === 'slave', ROLE_WAIT_MS);
    switches.push(await switchTo(runtimes.b!));
    const slave = await bSlave;
    assert.deepEqual([slave.dpid, slave.masterNode, slave.generation], [DPID, 'ev-a', won.generation]);
    assert.deepEqual(await listed(onB), [['slave', 'ev-a', won.generation]]);

    const bMaster = nextEvent(onB, 'roleChanged', (e) => e.role === 'master', ROLE_WAIT_MS);
    runtimes.a!.child.kill('SIGKILL');
    const took = await bMaster;
    assert.equal(took.masterNode, 'ev-b');
    assert.ok(took.generation > won.generation, `a newer generation (${took.generation} after ${won.generation})`);
    assert.deepEqual(await listed(onB), [['master', 'ev-b', took.generation]]);
  });
});
