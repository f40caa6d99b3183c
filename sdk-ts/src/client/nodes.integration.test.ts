import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { credentials, Metadata } from '@grpc/grpc-js';
import { connect } from '../connect.js';
import { ClusterClient, type ListClusterNodesResponse } from '../generated/sdn/runtime/v1/cluster.js';
import { nodeIdOf, startRuntime, type RuntimeProcess } from '../testing/real-runtime.js';
import type { SdnApp } from './app.js';
import { nextEvent } from '../testing/next-event.js';

// Two `serve` processes joined into one overlay (plain TCP on loopback, node b
// seeds node a). An app on node a sees node b come up, go down when b is
// killed, and come up again when b is started anew.

const A = 'ev-node-a';
const B = 'ev-node-b';
/** A link is up after a handshake and a ping; down as soon as the socket closes. */
const NODE_WAIT_MS = 10_000;

/** `ID@HOST:PORT` of a started node, from its "overlay listening" log line. */
function seedOf(rt: RuntimeProcess, name: string): string {
  const line = rt.lines.find((l) => String(l.msg).startsWith('overlay listening'));
  assert.ok(line !== undefined, `${name} logged where its overlay listens`);
  return `${nodeIdOf(name)}@${String(line.address)}`;
}

/** Until `rt`'s Cluster service lists `node` with `alias` (its record arrived after the route), bounded by `timeoutMs`. */
async function recordKnown(rt: RuntimeProcess, node: number, alias: string, timeoutMs: number): Promise<void> {
  const cluster = new ClusterClient(rt.target, credentials.createInsecure());
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const res = await new Promise<ListClusterNodesResponse>((resolve, reject) => cluster.listNodes({}, new Metadata(), (err, r) => (err === null ? resolve(r) : reject(err))));
      if (res.nodes.some((n) => n.nodeId === node && n.aliases.includes(alias))) return;
      if (Date.now() > deadline) throw new Error(`node ${node}'s record (alias ${alias}) not known within ${timeoutMs} ms: ${JSON.stringify(res.nodes.map((n) => [n.nodeId, n.aliases]))}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    cluster.close();
  }
}

const overlayArgs = (name: string, seeds?: string): string[] => [
  '--node-id', name, '--node-alias', `${name}-alias`,
  '--overlay-host', '127.0.0.1', '--overlay-port', '0', '--overlay-insecure',
  ...(seeds === undefined ? [] : ['--seeds', seeds]),
];

describe('nodeUp / nodeDown events from the overlay (two serve processes)', () => {
  let a: RuntimeProcess;
  const bs: RuntimeProcess[] = [];
  let app: SdnApp;

  before(async () => {
    a = await startRuntime({ args: overlayArgs(A) });
    app = await connect({ target: a.target, name: 'sdk-nodes', subscribe: { kinds: ['nodeUp', 'nodeDown'], dpids: [1n] } });
    app.onError(() => {});
  });

  after(async () => {
    await app?.close();
    for (const b of bs) await b.stop();
    await a?.stop();
  });

  it('sees the other node come up, go down when it is killed, and come up again when it restarts', async () => {
    const idB = nodeIdOf(B);
    const up = nextEvent(app, 'nodeUp', (e) => e.nodeId === idB, NODE_WAIT_MS);
    bs.push(await startRuntime({ args: overlayArgs(B, seedOf(a, A)) }));
    const first = await up;
    assert.ok(first.costMs > 0 && first.seq > 0n && first.dpid === 0n, JSON.stringify(first, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));

    // A node becomes reachable before its record (its names) arrives: a nodeDown names it once the record is here.
    await recordKnown(a, idB, `${B}-alias`, NODE_WAIT_MS);
    const down = nextEvent(app, 'nodeDown', (e) => e.nodeId === idB, NODE_WAIT_MS);
    bs[0]!.child.kill('SIGKILL');
    const gone = await down;
    assert.equal(gone.reason, 'linkDown');
    assert.match(gone.detail, /closed/);
    assert.deepEqual(gone.aliases, [`${B}-alias`], 'the names its record had');
    assert.ok(gone.seq > first.seq);

    const again = nextEvent(app, 'nodeUp', (e) => e.nodeId === idB, NODE_WAIT_MS);
    bs.push(await startRuntime({ args: overlayArgs(B, seedOf(a, A)) }));
    assert.ok((await again).seq > gone.seq);
  });
});
