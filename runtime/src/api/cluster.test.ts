import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { nodeIdOf } from '../core/index.js';
import { ClusterClient, type ListClusterNodesResponse } from '../generated/sdn/runtime/v1/cluster.js';
import { startTestRuntime, type TestRuntime } from '../testing/test-runtime.js';

const READER = 'reader-token-0123456789';
const KV_ONLY = 'kv-only-token-0123456789';

describe('the Cluster service on a node without the overlay', () => {
  let t: TestRuntime;
  let client: ClusterClient;
  before(async () => {
    t = await startTestRuntime({
      nodeId: 'lonely',
      tokens: [
        { name: 'reader', token: READER, scopes: ['events:read'] },
        { name: 'kv', token: KV_ONLY, scopes: ['kv:read'] },
      ],
    });
    client = new ClusterClient(`127.0.0.1:${t.rt.grpcPort}`, credentials.createInsecure());
  });
  after(async () => {
    client.close();
    await t.stop();
  });

  const listNodes = (token: string): Promise<ListClusterNodesResponse> =>
    new Promise((resolve, reject) => {
      const metadata = new Metadata();
      metadata.set('authorization', `Bearer ${token}`);
      client.listNodes({}, metadata, (err, res) => (err === null ? resolve(res) : reject(err)));
    });

  it('answers with this node only, and says the overlay is off', async () => {
    assert.deepEqual(await listNodes(READER), { self: nodeIdOf('lonely'), overlay: false, nodes: [{ nodeId: nodeIdOf('lonely'), aliases: [], dpids: [], costMs: 0, self: true }] });
  });

  it('needs the events:read scope', async () => {
    await assert.rejects(listNodes(KV_ONLY), (e: ServiceError) => e.code === status.PERMISSION_DENIED && /events:read/.test(e.details));
  });
});
