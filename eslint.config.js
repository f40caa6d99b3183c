// Lint rules for every TypeScript package of the workspace, and the runtime's
// layer rule (docs/architecture.md, "Who may import whom").
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Test code by location: tests, and test support under `testing/` folders. */
const TEST_FILES = ['**/*.test.ts', '**/testing/**'];

/** Production code imports nothing from a `testing/` folder (style rule 11). */
const NO_TEST_SUPPORT = {
  regex: '(^|/)testing(/|$)',
  message: 'Test support (a testing/ folder) is for tests only: production code must not import it.',
};

/** gRPC and the generated proto code belong to api/ (and cli/, serve/ through api/index.ts). */
const NO_GRPC = [
  { regex: '^@grpc/', message: 'gRPC code lives in api/ only: put the service there and keep this folder on its own interfaces.' },
  { regex: '(^|/)generated/', message: 'Generated proto code is used by api/ only: convert in api/convert/ instead.' },
];
/** The overlay's wire messages are protobuf (generated/sdn/overlay/); the API's are not its business. */
const OVERLAY_WIRE_ONLY = {
  regex: '(^|/)generated/(?!sdn/overlay/)',
  message: 'The overlay reads and writes its own wire messages (generated/sdn/overlay/) only; API messages belong to api/.',
};

/**
 * Folders entered through their index.ts, from outside. Sanctioned exceptions:
 * `openflow/constants.js` (plain numbers, kept off the codec so that
 * `sdn-runtime --help` stays light: cli/startup.test.ts) and dynamic `import()`
 * (not checked by the rule; serve/kv-store.ts loads store/etcd-store.js on
 * demand so that only `--store etcd` pays for the etcd client). `store/etcd.js`
 * is store's second entry, the etcd pieces, imported only by modules that are
 * themselves loaded on demand (mastership/campaign.ts for `--ha`).
 */
const THROUGH_INDEX = [
  { regex: '(^|/)openflow/(?!index\\.js$|constants\\.js$)', message: 'Enter openflow/ through openflow/index.js (constants.js is the one exception, for the CLI start-up path).' },
  { regex: '^(\\.\\./)+store/(?!index\\.js$|etcd\\.js$)', message: 'Enter store/ through store/index.js (store/etcd.js: the etcd pieces, for modules loaded on demand).' },
  { regex: '^(\\.\\./)+pubsub/(?!index\\.js$)', message: 'Enter pubsub/ through pubsub/index.js.' },
  { regex: '^(\\.\\./)+plugins/(?!index\\.js$)', message: 'Enter plugins/ through plugins/index.js.' },
  { regex: '^(\\.\\./)+api/(?!index\\.js$)', message: 'Enter api/ through api/index.js.' },
  { regex: '^(\\.\\./)+topology/(?!index\\.js$)', message: 'Enter topology/ through topology/index.js.' },
  { regex: '^(\\.\\./)+web/(?!index\\.js$)', message: 'Enter web/ through web/index.js.' },
  { regex: '^(\\.\\./)+mastership/(?!index\\.js$)', message: 'Enter mastership/ through mastership/index.js (serve loads campaign.js on demand, for --ha).' },
];

/**
 * No I/O in protocol code (style rule 1): the codec and the switch connection
 * state machine take bytes and `nowMs` in and return values; only runner files
 * touch sockets, files, threads, timers and the clock.
 */
const NO_IO_MODULES = {
  regex: '^(node:)?(net|tls|dgram|dns|http|https|http2|fs|fs/promises|timers|timers/promises|worker_threads|child_process|cluster|perf_hooks|readline|process|os)$',
  message: 'Protocol code does no I/O: take bytes and nowMs in, return outputs; sockets, files, threads and timers belong to the runner.',
};
const NO_IO_MESSAGE = 'Protocol code has no timers or clock: take nowMs as an argument and return what should happen when.';
const NO_IO_GLOBALS = ['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate', 'queueMicrotask', 'fetch'].map((name) => ({
  name,
  message: NO_IO_MESSAGE,
}));
const NO_IO_PROPERTIES = [
  ['Date', 'now'],
  ['performance', 'now'],
  ['process', 'hrtime'],
  ['process', 'nextTick'],
].map(([object, property]) => ({ object, property, message: NO_IO_MESSAGE }));

/** The runtime's production files of `folder` (a glob under runtime/src), tests and test support excluded. */
function production(folder) {
  return { files: [`runtime/src/${folder}`], ignores: TEST_FILES };
}

function restrict(...patterns) {
  return { 'no-restricted-imports': ['error', { patterns }] };
}

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/generated/**', '**/.venv/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
      eqeqeq: 'error',
    },
  },
  // The layer rule. A later block replaces an earlier one's no-restricted-imports
  // for the files it matches, so each block lists every pattern its files obey.
  { files: ['sdk-ts/src/**/*.ts'], ignores: TEST_FILES, rules: restrict(NO_TEST_SUPPORT) },
  { ...production('**/*.ts'), rules: restrict(NO_TEST_SUPPORT, ...NO_GRPC, ...THROUGH_INDEX) },
  { ...production('{api,cli,serve}/**/*.ts'), rules: restrict(NO_TEST_SUPPORT, ...THROUGH_INDEX) },
  // End-to-end tests and their shared support (e2e/topology.ts, ...) are test code by location too.
  { files: ['runtime/src/e2e/**/*.ts'], rules: { 'no-restricted-imports': 'off' } },
  {
    files: ['runtime/src/openflow/**/*.ts', 'runtime/src/switch/connection*.ts', 'runtime/src/topology/**/*.ts', 'runtime/src/mastership/{machine,generation,types}.ts', 'runtime/src/ownership/**/*.ts', 'runtime/src/web/sse-resume.ts', 'runtime/src/web/views.ts'],
    ignores: TEST_FILES,
    rules: {
      ...restrict(NO_TEST_SUPPORT, ...NO_GRPC, ...THROUGH_INDEX, NO_IO_MODULES),
      'no-restricted-globals': ['error', ...NO_IO_GLOBALS],
      'no-restricted-properties': ['error', ...NO_IO_PROPERTIES],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: NO_IO_MESSAGE }],
    },
  },
  // The overlay's features are pure state machines too, over their own protobuf wire messages.
  {
    files: ['runtime/src/overlay/**/*.ts'],
    ignores: TEST_FILES,
    rules: {
      ...restrict(NO_TEST_SUPPORT, NO_GRPC[0], OVERLAY_WIRE_ONLY, ...THROUGH_INDEX, NO_IO_MODULES),
      'no-restricted-globals': ['error', ...NO_IO_GLOBALS],
      'no-restricted-properties': ['error', ...NO_IO_PROPERTIES],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: NO_IO_MESSAGE }],
    },
  },
  // The web view's page script runs in the browser (cytoscape is its one global); the browser console is its log.
  {
    files: ['runtime/web-assets/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: { window: 'readonly', document: 'readonly', fetch: 'readonly', EventSource: 'readonly', cytoscape: 'readonly', setTimeout: 'readonly', performance: 'readonly', requestAnimationFrame: 'readonly' },
    },
    rules: { 'no-console': 'off' },
  },
);
