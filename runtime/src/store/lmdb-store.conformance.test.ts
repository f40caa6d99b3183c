import fs from 'node:fs';
import { kvConformance } from '../testing/kv-conformance.js';
import { bytes, tempDir } from '../testing/kv.js';
import { LmdbKvStore } from './lmdb-store.js';
import type { KvStore } from './types.js';

/** The history kept is small, so that `compact` only has to write past it. */
const HISTORY = 4;

kvConformance('LmdbKvStore', async () => {
  const dataDir = tempDir('sdn-kv-conformance-');
  let store: KvStore = await LmdbKvStore.open({ dataDir, historyRevisions: HISTORY });
  return {
    get store() {
      return store;
    },
    reopen: async () => {
      await store.close();
      store = await LmdbKvStore.open({ dataDir, historyRevisions: HISTORY });
      return store;
    },
    compact: async (current, revision) => {
      while (current.revision() < revision + BigInt(HISTORY)) await current.put(bytes('\xfffiller'), bytes('x'));
    },
    dispose: async () => {
      await store.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
});
