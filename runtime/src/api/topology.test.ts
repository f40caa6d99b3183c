import assert from 'node:assert/strict';
import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { after, before, describe, it } from 'node:test';
import { PathRequest, PathRequest_Weight, TopologyClient, type GetTopologyResponse, type PathResponse } from '../generated/sdn/runtime/v1/topology.js';
import { FakeSwitch, fakePort } from '../testing/fake-switch.js';
import { relayProbe } from '../testing/probe-relay.js';
import { startTestRuntime, type TestRuntime } from '../testing/test-runtime.js';

const TOKEN = 'topology-reader-0123456789';

function call<Req, Res>(client: TopologyClient, method: 'get' | 'path', request: Req, token = TOKEN): Promise<Res> {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return new Promise((resolve, reject) => {
    (client[method] as unknown as (r: Req, m: Metadata, cb: (e: ServiceError | null, v: Res) => void) => void).call(client, request, metadata, (err, value) => (err === null ? resolve(value) : reject(err)));
  });
}

async function refused(p: Promise<unknown>, code: status, details: RegExp): Promise<void> {
  await assert.rejects(p, (e: ServiceError) => e.code === code && details.test(e.details));
}

describe('the Topology service', () => {
  let t: TestRuntime;
  let off: TestRuntime;
  let client: TopologyClient;
  const switches: FakeSwitch[] = [];

  before(async () => {
    const tokens = [{ name: 'reader', token: TOKEN, scopes: ['events:read' as const] }];
    // Links live 3 intervals after the one relayed probe (long enough for the file); the first probe comes within 1 s (jitter).
    t = await startTestRuntime({ topology: true, topologyProbeIntervalMs: 5000, topologySecret: 'the topology api test secret 32b', tokens });
    off = await startTestRuntime({ tokens });
    client = new TopologyClient(`127.0.0.1:${t.rt.grpcPort}`, credentials.createInsecure());
    for (const dpid of [1n, 2n, 3n]) switches.push(await FakeSwitch.connect(t.rt.openflowPort, { dpid, ports: [fakePort(1), fakePort(2)] }));
    const [s1, s2, s3] = switches as [FakeSwitch, FakeSwitch, FakeSwitch];
    // A line 1 - 2 - 3: s1/2 <-> s2/1 and s2/2 <-> s3/1, one probe each way.
    await relayProbe(s1, 2, s2, 1);
    await relayProbe(s2, 1, s1, 2);
    await relayProbe(s2, 2, s3, 1);
    await relayProbe(s3, 1, s2, 2);
  });
  after(async () => {
    client.close();
    for (const sw of switches) await sw.close();
    await t.stop();
    await off.stop();
  });

  it('Get: the links known, in order', async () => {
    let res: GetTopologyResponse | undefined;
    for (let i = 0; i < 50 && (res === undefined || res.links.length < 4); i++) res = await call<object, GetTopologyResponse>(client, 'get', {});
    assert.deepEqual(
      res!.links.map((l) => `${l.src!.dpid}/${l.src!.port}>${l.dst!.dpid}/${l.dst!.port}`),
      ['1/2>2/1', '2/1>1/2', '2/2>3/1', '3/1>2/2'],
    );
    assert.deepEqual(res!.hosts, []);
  });

  it('Path: the links from one switch to another, NOT_FOUND when none lead there', async () => {
    const path = await call<PathRequest, PathResponse>(client, 'path', PathRequest.fromPartial({ srcDpid: 1n, dstDpid: 3n, weight: PathRequest_Weight.WEIGHT_LATENCY }));
    assert.deepEqual(path.links.map((l) => `${l.src!.dpid}>${l.dst!.dpid}`), ['1>2', '2>3']);
    assert.deepEqual((await call<PathRequest, PathResponse>(client, 'path', PathRequest.fromPartial({ srcDpid: 2n, dstDpid: 2n }))).links, []);
    await refused(call(client, 'path', PathRequest.fromPartial({ srcDpid: 1n, dstDpid: 9n })), status.NOT_FOUND, /no known links lead from 0000000000000001 to 0000000000000009/);
  });

  it('needs events:read, and says so on a node without topology', async () => {
    await refused(call(client, 'get', {}, 'wrong-token-0123456789'), status.UNAUTHENTICATED, /./);
    const offClient = new TopologyClient(`127.0.0.1:${off.rt.grpcPort}`, credentials.createInsecure());
    await refused(call(offClient, 'get', {}), status.FAILED_PRECONDITION, /runs without topology/);
    offClient.close();
  });
});
