import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { EtcdCluster } from '../testing/etcd-cluster.js';
import { TcpProxy } from '../testing/tcp-proxy.js';
import { EtcdMastership } from './campaign.js';
import { MastershipError } from './errors.js';
import { openflowRole } from './machine.js';
import type { MasterInfo, MastershipSink, SwitchRole } from './types.js';

const DPID = 0x00000000000000abn;

interface Seen {
  readonly atMs: number;
  readonly kind: 'roleRequest' | 'roleChanged';
  readonly role: string;
  readonly generation: bigint | undefined;
  readonly master: MasterInfo | undefined;
}

/** A switch that grants every ROLE_REQUEST, and a record of what the node did, with waits bounded in time. */
class AgreeableSwitch implements MastershipSink {
  readonly seen: Seen[] = [];
  private waiters: { check: () => boolean; resolve: () => void }[] = [];

  constructor(
    private readonly node: () => EtcdMastership,
    private readonly dpid: bigint,
  ) {}

  sendRoleRequest(role: 'master' | 'slave', generationId: bigint): void {
    this.record({ atMs: performance.now(), kind: 'roleRequest', role, generation: generationId, master: undefined });
    queueMicrotask(() => this.node().fromSwitch(this.dpid, { type: 'roleReply', role: openflowRole(role), generationId }));
  }

  onRoleChanged(role: SwitchRole, master: MasterInfo | undefined): void {
    this.record({ atMs: performance.now(), kind: 'roleChanged', role, generation: master?.generation, master });
  }

  private record(seen: Seen): void {
    this.seen.push(seen);
    this.waiters = this.waiters.filter((w) => !w.check() || (w.resolve(), false));
  }

  /** The first record matching `match`, waiting at most `timeoutMs` for it. */
  async until(what: string, match: (s: Seen) => boolean, timeoutMs = 15_000): Promise<Seen> {
    const found = (): Seen | undefined => this.seen.find(match);
    if (found() === undefined) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${what} not seen within ${timeoutMs} ms; seen: ${JSON.stringify(this.seen, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`)), timeoutMs);
        this.waiters.push({ check: () => found() !== undefined, resolve: () => (clearTimeout(timer), resolve()) });
      });
    }
    return found()!;
  }
}

describe('EtcdMastership on a 3-member etcd cluster', () => {
  let cluster: EtcdCluster;
  const closers: (() => Promise<void>)[] = [];
  before(async () => {
    cluster = await EtcdCluster.start(3);
  });
  after(async () => {
    for (const close of closers.reverse()) await close();
    await cluster?.close();
  });

  async function node(name: string, endpoints: string[], cluster: string): Promise<EtcdMastership> {
    const errors: MastershipError[] = [];
    const m = await EtcdMastership.start({ endpoints, node: name, cluster, leaseTtlSeconds: 2, marginMs: 500, onEtcdError: (e) => errors.push(e) });
    closers.push(() => m.close());
    return m;
  }

  it('two campaigners for one switch: exactly one wins, with the key create revision as generation; the other follows it as slave', async () => {
    const a = await node('a', cluster.endpoints, 'two');
    const b = await node('b', cluster.endpoints, 'two');
    const switchA = new AgreeableSwitch(() => a, DPID);
    const switchB = new AgreeableSwitch(() => b, DPID);
    a.attach(DPID, switchA);
    b.attach(DPID, switchB);
    const isMaster = (s: Seen): boolean => s.kind === 'roleChanged' && s.role === 'master';
    const isSlave = (s: Seen): boolean => s.kind === 'roleChanged' && s.role === 'slave';
    const [winner, loser] = await Promise.race([
      switchA.until('a master', isMaster).then(() => [a, b] as const),
      switchB.until('b master', isMaster).then(() => [b, a] as const),
    ]);
    const loserSwitch = loser === a ? switchA : switchB;
    const winnerSwitch = winner === a ? switchA : switchB;
    const slave = await loserSwitch.until('the loser as slave', isSlave);
    const won = await winnerSwitch.until('master', isMaster);
    assert.equal(winner.canWrite(DPID), true);
    assert.equal(loser.canWrite(DPID), false);
    assert.throws(() => loser.assertWritable(DPID), (e: unknown) => e instanceof MastershipError && e.code === 'NOT_MASTER' && /the master is node [ab]/.test(e.message));
    assert.ok(won.generation !== undefined && won.generation > 0n);
    assert.deepEqual(slave.master, won.master, 'both agree on the master and generation');
    assert.equal(loserSwitch.seen.some(isMaster), false, 'the loser was never master');
    assert.equal(loserSwitch.seen.find((s) => s.kind === 'roleRequest')?.role, 'slave');
  });

  it("the winner's lease is lost (its etcd access cut): it stops writing at its local deadline, before the other wins with a higher revision", async (t) => {
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: Number(cluster.endpoints[0]!.split(':')[1]) });
    closers.push(() => proxy.close());
    const a = await node('a', [proxy.endpoint], 'cut');
    const switchA = new AgreeableSwitch(() => a, DPID);
    a.attach(DPID, switchA);
    const first = await switchA.until('a master', (s) => s.kind === 'roleChanged' && s.role === 'master');
    const b = await node('b', cluster.endpoints, 'cut');
    const switchB = new AgreeableSwitch(() => b, DPID);
    b.attach(DPID, switchB);
    await switchB.until('b slave', (s) => s.kind === 'roleChanged' && s.role === 'slave');

    const cutAt = performance.now();
    proxy.cut();
    const stepDown = await switchA.until('a steps down', (s) => s.kind === 'roleChanged' && s.role !== 'master' && s.atMs > cutAt);
    const claim = await switchB.until('b claims', (s) => s.kind === 'roleRequest' && s.role === 'master');
    const bMaster = await switchB.until('b master', (s) => s.kind === 'roleChanged' && s.role === 'master');
    assert.equal(a.canWrite(DPID), false);
    assert.ok(claim.generation! > first.generation!, `new generation ${claim.generation} > old ${first.generation}`);
    assert.ok(stepDown.atMs < claim.atMs, `a stopped writing at +${(stepDown.atMs - cutAt).toFixed(0)} ms, b won at +${(claim.atMs - cutAt).toFixed(0)} ms`);
    // The lease had at most the TTL left when the cut came, so a takes over within TTL + the watch + a campaign.
    assert.ok(bMaster.atMs - cutAt < 2000 + 1500, `b master ${(bMaster.atMs - cutAt).toFixed(0)} ms after the cut`);
    t.diagnostic(`lease lost: a stopped writing ${(stepDown.atMs - cutAt).toFixed(0)} ms after the cut, b won ${(claim.atMs - cutAt).toFixed(0)} ms after (generation ${first.generation} -> ${claim.generation})`);
  });

  it('a clean close revokes the lease: the other node takes over at once, not after the TTL', async () => {
    const a = await node('a', cluster.endpoints, 'close');
    const switchA = new AgreeableSwitch(() => a, DPID);
    a.attach(DPID, switchA);
    await switchA.until('a master', (s) => s.kind === 'roleChanged' && s.role === 'master');
    const b = await node('b', cluster.endpoints, 'close');
    const switchB = new AgreeableSwitch(() => b, DPID);
    b.attach(DPID, switchB);
    await switchB.until('b slave', (s) => s.kind === 'roleChanged' && s.role === 'slave');
    const closedAt = performance.now();
    await a.close();
    const bMaster = await switchB.until('b master', (s) => s.kind === 'roleChanged' && s.role === 'master');
    assert.ok(bMaster.atMs - closedAt < 1000, `b master ${(bMaster.atMs - closedAt).toFixed(0)} ms after a closed (TTL 2,000 ms)`);
  });

  it('a second live node with the same name is refused (MASTERSHIP_CONFLICT); the name is free again once the first closed', async () => {
    const first = await node('same', cluster.endpoints, 'names');
    const started = performance.now();
    await assert.rejects(
      EtcdMastership.start({ endpoints: cluster.endpoints, node: 'same', cluster: 'names', leaseTtlSeconds: 2 }),
      (e: unknown) => e instanceof MastershipError && e.code === 'MASTERSHIP_CONFLICT' && /named same/.test(e.message),
    );
    assert.ok(performance.now() - started >= 2500, 'it waited out a possibly dead previous run (TTL + 1 s)');
    await first.close();
    const second = await EtcdMastership.start({ endpoints: cluster.endpoints, node: 'same', cluster: 'names', leaseTtlSeconds: 2 });
    await second.close();
  });

  it('etcd unreachable at start: MASTERSHIP_UNAVAILABLE naming the endpoints', async () => {
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: 1 });
    proxy.cut();
    closers.push(() => proxy.close());
    await assert.rejects(
      EtcdMastership.start({ endpoints: [proxy.endpoint], node: 'x', requestTimeoutMs: 500 }),
      (e: unknown) => e instanceof MastershipError && e.code === 'MASTERSHIP_UNAVAILABLE' && e.message.includes(proxy.endpoint),
    );
  });
});
