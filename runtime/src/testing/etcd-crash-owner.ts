import { EtcdCluster } from './etcd-cluster.js';

// A test run that crashes: starts a 1-member cluster, prints its pids and root,
// then waits to be SIGKILLed without cleaning up (etcd-cluster.test.ts).
const cluster = await EtcdCluster.start(1);
process.stdout.write(`${JSON.stringify({ pids: cluster.pids, root: cluster.root })}\n`);
setInterval(() => undefined, 60_000);
