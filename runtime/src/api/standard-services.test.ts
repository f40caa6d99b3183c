import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { status as grpcStatus, type ServiceError, type StatusObject } from '@grpc/grpc-js';
import { StandardServicesClient, type ServingStatusName } from '../testing/standard-services-client.js';
import { metricValue, startTestRuntime, type TestRuntime } from '../testing/test-runtime.js';

const TOKEN = 'reader-token-0123456789';
const OURS = ['sdn.runtime.v1.Cluster', 'sdn.runtime.v1.Events', 'sdn.runtime.v1.KV', 'sdn.runtime.v1.Plugins', 'sdn.runtime.v1.PubSub', 'sdn.runtime.v1.Switches', 'sdn.runtime.v1.Topology'];

describe('standard gRPC services: health and reflection', () => {
  let t: TestRuntime;
  let client: StandardServicesClient;
  before(async () => {
    t = await startTestRuntime({ tokens: [{ name: 'reader', token: TOKEN, scopes: ['events:read'] }] });
    client = new StandardServicesClient(`127.0.0.1:${t.rt.grpcPort}`);
  });
  after(async () => {
    client.close();
    await t.stop();
  });

  it('answers Health.Check SERVING for the server and each of our services, without a token', async () => {
    for (const service of ['', ...OURS]) assert.equal(await client.check(service), 'SERVING', service || '(server)');
    await assert.rejects(client.check('sdn.runtime.v1.Nope'), (e: ServiceError) => e.code === grpcStatus.NOT_FOUND);
  });

  it('lists every service by reflection to a caller with a token (any scope), and refuses one without', async () => {
    const listed = await client.listServices(TOKEN);
    assert.deepEqual([...listed].sort(), [...OURS, 'grpc.health.v1.Health', 'grpc.reflection.v1.ServerReflection', 'grpc.reflection.v1alpha.ServerReflection'].sort());
    await assert.rejects(client.listServices(), (e: ServiceError) => e.code === grpcStatus.UNAUTHENTICATED && /missing token/.test(e.details));
    await assert.rejects(client.listServices('wrong-token-0123456789'), (e: ServiceError) => e.code === grpcStatus.UNAUTHENTICATED);
    await assert.rejects(client.listServices('wrong-token-0123456789'), (e: ServiceError) => e.code === grpcStatus.UNAUTHENTICATED);
    // Refused tokens are counted, and logged once per reason.
    assert.equal(await metricValue(t.rt, 'sdn_runtime_errors_total', { cause: 'apiTokenMissing' }), 1);
    assert.equal(await metricValue(t.rt, 'sdn_runtime_errors_total', { cause: 'apiTokenUnknown' }), 2);
    assert.equal(t.logs.filter((l) => String(l.msg).startsWith('a gRPC call was refused: unknown token')).length, 1);
  });

  // Last: it stops the runtime (after() stopping it again is a no-op).
  it('turns NOT_SERVING at shutdown: a Health.Watch stream sees it and then ends, without holding the shutdown', async () => {
    const watch = client.watch('');
    const seen: ServingStatusName[] = [];
    const firstSeen = new Promise<void>((resolve) =>
      watch.on('data', (message: Buffer) => {
        seen.push(client.statusOf(message));
        resolve();
      }),
    );
    const ended = once(watch, 'status') as Promise<[StatusObject]>;
    await firstSeen;
    const stopping = Date.now();
    await t.rt.stop();
    const [status] = await ended;
    assert.deepEqual(seen, ['SERVING', 'NOT_SERVING']);
    assert.equal(status.code, grpcStatus.OK);
    // Without ending the watches, the server waits its 2 s shutdown deadline for them.
    assert.ok(Date.now() - stopping < 1500, `shutdown took ${Date.now() - stopping} ms`);
  });
});
