import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

/**
 * The layer rule in eslint.config.js does what docs/architecture.md says: each
 * case lints a snippet as if it were a file at `path` and names the rules that
 * must (or must not) fire. Removing a rule from the config fails its case.
 */

/** The workspace root: this file runs as runtime/dist/layer-rules.test.js. */
const ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));

interface Case {
  readonly path: string;
  readonly code: string;
  /** Rule ids that must report; empty: the snippet is clean. */
  readonly rules: readonly string[];
}

const CASES: readonly Case[] = [
  // No I/O in protocol code.
  { path: 'runtime/src/openflow/x.ts', code: 'setTimeout(() => {}, 1);\n', rules: ['no-restricted-globals'] },
  { path: 'runtime/src/openflow/nicira/x.ts', code: 'setImmediate(() => {});\n', rules: ['no-restricted-globals'] },
  { path: 'runtime/src/openflow/x.ts', code: 'export const t = Date.now();\n', rules: ['no-restricted-properties'] },
  { path: 'runtime/src/openflow/x.ts', code: 'export const t = performance.now();\n', rules: ['no-restricted-properties'] },
  { path: 'runtime/src/openflow/x.ts', code: 'export const t = new Date();\n', rules: ['no-restricted-syntax'] },
  { path: 'runtime/src/openflow/x.ts', code: "import { connect } from 'node:net';\nexport const c = connect;\n", rules: ['no-restricted-imports'] },
  { path: 'runtime/src/openflow/x.ts', code: "import { readFileSync } from 'fs';\nexport const r = readFileSync;\n", rules: ['no-restricted-imports'] },
  { path: 'runtime/src/switch/connection.ts', code: 'export const t = process.hrtime.bigint();\n', rules: ['no-restricted-properties'] },
  { path: 'runtime/src/switch/connection-types.ts', code: 'setInterval(() => {}, 1);\n', rules: ['no-restricted-globals'] },
  { path: 'runtime/src/mastership/machine.ts', code: 'export const t = performance.now();\n', rules: ['no-restricted-properties'] },
  { path: 'runtime/src/mastership/campaign.ts', code: 'setTimeout(() => {}, 1);\n', rules: [] },
  { path: 'runtime/src/switch/server.ts', code: 'setTimeout(() => {}, 1);\n', rules: [] },
  { path: 'runtime/src/ownership/x.ts', code: 'export const t = Date.now();\n', rules: ['no-restricted-properties'] },
  { path: 'runtime/src/openflow/x.test.ts', code: 'setTimeout(() => {}, 1);\n', rules: [] },
  { path: 'runtime/src/openflow/x.ts', code: "import { Buffer } from 'node:buffer';\nexport const b = Buffer.alloc(1);\n", rules: [] },
  { path: 'runtime/src/overlay/router/x.ts', code: 'export const t = Date.now();\n', rules: ['no-restricted-properties'] },
  { path: 'runtime/src/overlay/x.ts', code: "import { createSocket } from 'node:dgram';\nexport const c = createSocket;\n", rules: ['no-restricted-imports'] },
  { path: 'runtime/src/overlay/x.ts', code: "import { Envelope } from '../generated/sdn/overlay/v1/overlay.js';\nexport const e = Envelope;\n", rules: [] },
  { path: 'runtime/src/overlay/x.ts', code: "import { Command } from '../generated/sdn/runtime/v1/events.js';\nexport const c = Command;\n", rules: ['no-restricted-imports'] },
  // gRPC only in api/ (and cli/, serve/).
  { path: 'runtime/src/store/x.ts', code: "import { status } from '@grpc/grpc-js';\nexport const s = status;\n", rules: ['no-restricted-imports'] },
  { path: 'runtime/src/pubsub/x.ts', code: "import type { PubSubMessage } from '../generated/sdn/runtime/v1/pubsub.js';\nexport type M = PubSubMessage;\n", rules: ['no-restricted-imports'] },
  { path: 'runtime/src/api/x.ts', code: "import { status } from '@grpc/grpc-js';\nexport const s = status;\n", rules: [] },
  { path: 'runtime/src/serve/x.ts', code: "import { KVService } from '../generated/sdn/runtime/v1/kv.js';\nexport const k = KVService;\n", rules: [] },
  // Test support stays with the tests.
  { path: 'runtime/src/plugins/x.ts', code: "import { startPluginRig } from './testing/harness.js';\nexport const s = startPluginRig;\n", rules: ['no-restricted-imports'] },
  { path: 'runtime/src/serve/x.ts', code: "import { FakeSwitch } from '../testing/fake-switch.js';\nexport const f = FakeSwitch;\n", rules: ['no-restricted-imports'] },
  { path: 'sdk-ts/src/x.ts', code: "import { FakeRuntime } from './testing/fake-runtime.js';\nexport const f = FakeRuntime;\n", rules: ['no-restricted-imports'] },
  { path: 'runtime/src/plugins/x.test.ts', code: "import { startPluginRig } from './testing/harness.js';\nexport const s = startPluginRig;\n", rules: [] },
  { path: 'runtime/src/testing/x.ts', code: "import { FakeSwitch } from './fake-switch.js';\nexport const f = FakeSwitch;\n", rules: [] },
  // Folders entered through their index.ts.
  { path: 'runtime/src/api/x.ts', code: "import type { KvStore } from '../store/types.js';\nexport type S = KvStore;\n", rules: ['no-restricted-imports'] },
  { path: 'runtime/src/cli/x.ts', code: "import { Framer } from '../openflow/framer.js';\nexport const f = Framer;\n", rules: ['no-restricted-imports'] },
  { path: 'runtime/src/cli/x.ts', code: "import { OFP_VERSION_1_3 } from '../openflow/constants.js';\nexport const v = OFP_VERSION_1_3;\n", rules: [] },
  { path: 'runtime/src/api/x.ts', code: "import type { KvStore } from '../store/index.js';\nexport type S = KvStore;\n", rules: [] },
  { path: 'runtime/src/serve/x.ts', code: "import { WebView } from '../web/web-view.js';\nexport const w = WebView;\n", rules: ['no-restricted-imports'] },
  { path: 'runtime/src/serve/x.ts', code: "import { WebView } from '../web/index.js';\nexport const w = WebView;\n", rules: [] },
  // The web view's pure parts (event ids, resume plans, JSON documents) read no clock.
  { path: 'runtime/src/web/views.ts', code: 'export const now = Date.now();\n', rules: ['no-restricted-properties'] },
  { path: 'runtime/src/mastership/x.ts', code: "import { EtcdWatch } from '../store/etcd.js';\nexport const w = EtcdWatch;\n", rules: [] },
  { path: 'runtime/src/mastership/x.ts', code: "import { EtcdWatch } from '../store/etcd-watch.js';\nexport const w = EtcdWatch;\n", rules: ['no-restricted-imports'] },
];

describe('the layer rule (eslint.config.js)', () => {
  let eslint: ESLint;
  before(() => {
    eslint = new ESLint({ cwd: ROOT });
  });

  for (const c of CASES) {
    it(`${c.path}: ${c.code.split('\n')[0]} -> ${c.rules.join(', ') || 'clean'}`, async () => {
      const [result] = await eslint.lintText(c.code, { filePath: join(ROOT, c.path) });
      assert.ok(result !== undefined);
      const fired = [...new Set(result.messages.map((m) => m.ruleId ?? `fatal: ${m.message}`))].sort();
      assert.deepEqual(fired, [...c.rules].sort(), JSON.stringify(result.messages.map((m) => m.message)));
    });
  }
});
