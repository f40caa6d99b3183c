import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PluginManifestError } from './errors.js';
import { DEFAULT_LIMITS, parseManifest } from './manifest.js';

const base = { name: 'echo', version: '1.0.0', component: 'echo.wasm' };
const parse = (m: Record<string, unknown>): ReturnType<typeof parseManifest> => parseManifest(JSON.stringify(m), '/plugins/echo/plugin.json');
const rejects = (m: unknown, field: string, detail: RegExp): void => {
  assert.throws(
    () => parseManifest(typeof m === 'string' ? m : JSON.stringify(m), '/plugins/echo/plugin.json'),
    (err: unknown) => err instanceof PluginManifestError && err.code === 'PLUGIN_MANIFEST' && err.field === field && detail.test(err.message),
  );
};

describe('plugin.json', () => {
  it('fills defaults and resolves the component next to the manifest', () => {
    const m = parse({ ...base, capabilities: ['openflow'], subscriptions: { kinds: ['packet-in'], dpids: ['00000000000000ab'] }, config: { a: 1 } });
    assert.equal(m.componentPath, '/plugins/echo/echo.wasm');
    assert.deepEqual(m.limits, DEFAULT_LIMITS);
    assert.deepEqual([...m.capabilities], ['openflow']);
    assert.deepEqual([...m.subscriptions.dpids], [0xabn]);
    assert.equal(m.config, '{"a":1}');
  });

  it('names the offending field', () => {
    rejects('{', '', /not valid JSON/);
    rejects({ ...base, extra: 1 }, 'extra', /unknown field/);
    rejects({ ...base, name: 'Echo!' }, 'name', /lowercase/);
    rejects({ ...base, component: '../x.wasm' }, 'component', /\.wasm file in the plugin's folder/);
    rejects({ ...base, capabilities: ['root'] }, 'capabilities[0]', /unknown capability "root"/);
    rejects({ ...base, capabilities: ['pubsub', 'pubsub'] }, 'capabilities[1]', /listed twice/);
    rejects({ ...base, subscriptions: { kinds: ['packet-out'] } }, 'subscriptions.kinds[0]', /unknown event kind/);
    rejects({ ...base, subscriptions: { kinds: ['packet-in'], dpids: ['xyz'] } }, 'subscriptions.dpids[0]', /hex digits/);
    rejects({ ...base, subscriptions: { kinds: ['message'], topics: ['a.>'] } }, 'subscriptions.kinds', /needs the pubsub capability/);
    rejects({ ...base, capabilities: ['pubsub'], subscriptions: { kinds: ['message'] } }, 'subscriptions.topics', /go together/);
    rejects({ ...base, capabilities: ['pubsub'], subscriptions: { kinds: ['message'], topics: ['a.>.b'] } }, 'subscriptions.topics[0]', /subject pattern/);
    rejects({ ...base, subscriptions: { kinds: ['kv-change'], kvPrefixes: ['a/'] } }, 'subscriptions.kinds', /kv-read/);
    rejects({ ...base, limits: { deadlineMs: 0 } }, 'limits.deadlineMs', /from 1 to 60000/);
    rejects({ ...base, limits: { memoryMiB: 1.5 } }, 'limits.memoryMiB', /integer/);
    rejects({ ...base, limits: { cpu: 1 } }, 'limits.cpu', /unknown limit/);
    rejects({ ...base, limits: { maxFlows: -1 } }, 'limits.maxFlows', /from 0 to 1000000000/);
    assert.equal(parse({ ...base, limits: { maxFlows: 500 } }).limits.maxFlows, 500);
    rejects({ ...base, switches: ['xyz'] }, 'switches[0]', /hex digits/);
    rejects({ ...base, kvPrefixes: [''] }, 'kvPrefixes[0]', /non-empty/);
    rejects({ ...base, capabilities: ['kv-read'], kvPrefixes: ['mine/'], subscriptions: { kinds: ['kv-change'], kvPrefixes: ['other/'] } }, 'subscriptions.kvPrefixes[0]', /outside the kvPrefixes/);
  });

  it('states the switches and keys a plugin may reach; absent: all', () => {
    const open = parse(base);
    assert.equal(open.switches, undefined);
    assert.equal(open.kvPrefixes, undefined);
    const confined = parse({ ...base, switches: ['1', '00000000000000ab'], kvPrefixes: ['plugins/echo/'] });
    assert.deepEqual([...confined.switches!], [1n, 0xabn]);
    assert.deepEqual(confined.kvPrefixes, ['plugins/echo/']);
  });

  it('never repeats more than a few dozen characters of what it was given', () => {
    const huge = 'x'.repeat(1 << 20);
    for (const text of [huge, `{"name":"${huge}"}`, `{"${huge}":1}`, JSON.stringify({ ...base, limits: { [huge]: 1 } }), JSON.stringify({ ...base, capabilities: [huge] })]) {
      assert.throws(
        () => parseManifest(text, 'uploaded plugin.json'),
        (err: unknown) => err instanceof PluginManifestError && err.message.length < 400,
      );
    }
    rejects('root:*:20200:0:99999:7:::', '', /^(?!.*root).*not valid JSON \(25 characters\)$/);
  });
});
