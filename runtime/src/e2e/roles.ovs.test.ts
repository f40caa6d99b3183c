import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { RuntimeMetrics } from '../observability/metrics.js';
import {
  OFPBRC_IS_SLAVE,
  OFPCR_ROLE_MASTER,
  OFPCR_ROLE_NOCHANGE,
  OFPCR_ROLE_SLAVE,
  OFPET_BAD_REQUEST,
  OFPET_ROLE_REQUEST_FAILED,
  OFPRRFC_STALE,
  onfRoleStatus,
  type OfpMessage,
  type RoleReply,
  type RoleStatus,
} from '../openflow/index.js';
import type { CloseReason, SwitchInfo } from '../switch/connection-types.js';
import { OpenFlowServer } from '../switch/server.js';
import { SwitchRequestError, type SessionListener, type SwitchSession } from '../switch/session.js';
import { OvsHarness, waitFor } from '../testing/ovs/index.js';

/**
 * What mastership relies on, checked against the real Open vSwitch: two
 * controllers on one bridge, driven by hand with ROLE_REQUESTs. The switch
 * refuses a generation id older than the newest it saw (MASTER and SLAVE
 * requests alike), demotes the old master with ROLE_STATUS, answers a
 * slave's write with IS_SLAVE, and forgets the generation when ovs-vswitchd
 * restarts. Needs root and scripts/install-system-deps.sh; run under
 * `flock /tmp/sdn-ovs.lock`.
 */

const DPID = 0x11n;
const WAIT_MS = 15_000;

/** One controller: an OpenFlow listener that keeps the bridge's session and its unsolicited messages. */
class Controller implements SessionListener {
  session: SwitchSession | undefined;
  readonly statuses: RoleStatus[] = [];
  server!: OpenFlowServer;
  port = 0;

  async start(): Promise<void> {
    const log = pino({ level: 'silent' });
    this.server = new OpenFlowServer(
      { host: '127.0.0.1', port: 0, connection: { requestTimeoutMs: 5000 }, tickMs: 50, limits: { maxConnections: 10, maxPerSource: 10, maxHandshakes: 10, logIntervalMs: 60_000 }, log, metrics: new RuntimeMetrics() },
      this,
    );
    this.port = await this.server.listen();
  }

  onReady(session: SwitchSession, _info: SwitchInfo): void {
    this.session = session;
  }

  onMessage(_session: SwitchSession, message: OfpMessage): void {
    if (message.type !== 'Experimenter') return;
    const status = onfRoleStatus(message);
    if (status !== undefined) this.statuses.push(status);
  }

  onProblem(): void {}

  onClosed(session: SwitchSession, _reason: CloseReason): void {
    if (this.session === session) this.session = undefined;
  }

  async ready(): Promise<SwitchSession> {
    return waitFor('the bridge connected', WAIT_MS, async () => this.session);
  }

  async role(role: number, generationId: bigint): Promise<RoleReply> {
    const session = await this.ready();
    const [reply] = await session.request({ type: 'RoleRequest', role, generationId });
    assert.equal(reply?.type, 'RoleReply');
    return reply as RoleReply;
  }

  async refused(role: number, generationId: bigint): Promise<{ errorType: number; code: number }> {
    const session = await this.ready();
    const error = await session.request({ type: 'RoleRequest', role, generationId }).then(
      () => assert.fail(`ROLE_REQUEST(${role}, ${generationId}) was accepted`),
      (e: unknown) => e,
    );
    assert.ok(error instanceof SwitchRequestError && error.error.type === 'Error', String(error));
    return { errorType: error.error.errorType, code: error.error.code };
  }
}

describe('OpenFlow roles on Open vSwitch (what mastership relies on)', () => {
  let ovs: OvsHarness | undefined;
  const a = new Controller();
  const b = new Controller();
  before(async () => {
    await a.start();
    await b.start();
    ovs = await OvsHarness.start();
    await ovs.addBridge('r1', { dpid: DPID.toString(16).padStart(16, '0'), controller: [`tcp:127.0.0.1:${a.port}`, `tcp:127.0.0.1:${b.port}`], maxBackoffMs: 1000 });
  });
  after(async () => {
    await ovs?.stop();
    await a.server?.close();
    await b.server?.close();
  });

  it('a stale generation is refused (MASTER and SLAVE), a slave write gets IS_SLAVE, the demoted master gets ROLE_STATUS', async () => {
    assert.deepEqual(await a.role(OFPCR_ROLE_MASTER, 10n).then((r) => [r.role, r.generationId]), [OFPCR_ROLE_MASTER, 10n]);
    const stale = { errorType: OFPET_ROLE_REQUEST_FAILED, code: OFPRRFC_STALE };
    assert.deepEqual(await b.refused(OFPCR_ROLE_MASTER, 9n), stale, 'an older MASTER is stale');
    assert.deepEqual(await b.refused(OFPCR_ROLE_SLAVE, 9n), stale, 'an older SLAVE is stale too');
    // A slave's request with a newer id moves the switch's generation: the old master cannot re-assert.
    assert.deepEqual(await b.role(OFPCR_ROLE_SLAVE, 11n).then((r) => [r.role, r.generationId]), [OFPCR_ROLE_SLAVE, 11n]);
    assert.deepEqual(await a.refused(OFPCR_ROLE_MASTER, 10n), stale, 'the old master re-asserting its generation is stale');
    assert.equal((await a.role(OFPCR_ROLE_NOCHANGE, 0n)).role, OFPCR_ROLE_MASTER, 'a is still master until someone newer claims');

    assert.equal((await b.role(OFPCR_ROLE_MASTER, 12n)).role, OFPCR_ROLE_MASTER);
    await waitFor('ROLE_STATUS at the demoted master', WAIT_MS, async () => (a.statuses.length > 0 ? true : undefined));
    assert.deepEqual(a.statuses.map((s) => [s.role, s.generationId]), [[OFPCR_ROLE_SLAVE, 12n]]);
    const reply = await a.role(OFPCR_ROLE_NOCHANGE, 0n);
    assert.deepEqual([reply.role, reply.generationId], [OFPCR_ROLE_SLAVE, 12n]);

    const write = await (await a.ready()).sendConfirmed({ type: 'FlowMod', cookie: 0n, cookieMask: 0n, tableId: 0, command: 0, idleTimeout: 0, hardTimeout: 0, priority: 1, bufferId: 0xffffffff, outPort: 0xffffffff, outGroup: 0xffffffff, flags: 0, match: [], instructions: [] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(write instanceof SwitchRequestError && write.error.type === 'Error', `the slave's FLOW_MOD: ${String(write)}`);
    assert.deepEqual([write.error.errorType, write.error.code], [OFPET_BAD_REQUEST, OFPBRC_IS_SLAVE]);
  });

  it('ovs-vswitchd restarted: the generation is forgotten, an old id is accepted again', async () => {
    const before = a.session;
    await ovs!.restartSwitchDaemon();
    await waitFor('both controllers reconnected', WAIT_MS, async () => (a.session !== undefined && a.session !== before && b.session !== undefined ? true : undefined));
    const reply = await a.role(OFPCR_ROLE_MASTER, 5n);
    assert.deepEqual([reply.role, reply.generationId], [OFPCR_ROLE_MASTER, 5n]);
  });
});
