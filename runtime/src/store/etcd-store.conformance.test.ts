import { after, before } from 'node:test';
import { Etcd3 } from 'etcd3';
import { EtcdCluster } from '../testing/etcd-cluster.js';
import { kvConformance } from '../testing/kv-conformance.js';
import { EtcdKvStore } from './etcd-store.js';
import type { KvStore } from './types.js';

let cluster: EtcdCluster;
let admin: Etcd3;
let fixtures = 0;

before(async () => {
  cluster = await EtcdCluster.start(3);
  admin = new Etcd3({ hosts: cluster.endpoints.map((e) => `http://${e}`) });
});

after(async () => {
  admin?.close();
  await cluster?.close();
});

kvConformance('EtcdKvStore', async () => {
  const prefix = `/conformance/${process.pid}/${fixtures++}/`;
  const open = (): Promise<EtcdKvStore> => EtcdKvStore.open({ endpoints: cluster.endpoints, prefix });
  let store: KvStore = await open();
  return {
    get store() {
      return store;
    },
    reopen: async () => {
      await store.close();
      store = await open();
      return store;
    },
    compact: async (_current, revision) => {
      await admin.kv.compact({ revision: revision.toString(), physical: true });
    },
    dispose: () => store.close(),
  };
});
