import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError, DEFAULT_SERVE_CONFIG, type ServeConfig } from './config.js';
import { loadServeConfig } from './load-config.js';
import { parseOpenFileLimit, SWITCH_FD_RESERVE, switchConnectionBudget } from './fd-limit.js';

const dir = mkdtempSync(join(tmpdir(), 'sdn-runtime-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The config from one option given as a flag, an env variable, or a config-file key. */
function load(via: 'flag' | 'env' | 'file', key: keyof ServeConfig, env: string, value: string | unknown): ServeConfig {
  if (via === 'flag') return loadServeConfig({ [key]: value }, {}, undefined);
  if (via === 'env') return loadServeConfig({}, { [env]: String(value) }, undefined);
  const file = join(dir, `${key}.json`);
  writeFileSync(file, JSON.stringify({ [key]: value }));
  return loadServeConfig({}, {}, file);
}

describe('serve config: OpenFlow versions', () => {
  for (const via of ['flag', 'env', 'file'] as const) {
    it(`accepts only 1.0 and 1.3, the versions whose handshake the runtime completes (${via})`, () => {
      assert.deepEqual(load(via, 'openflowVersions', 'SDN_RUNTIME_OPENFLOW_VERSIONS', '1.3').openflowVersions, [0x04]);
      assert.deepEqual(load(via, 'openflowVersions', 'SDN_RUNTIME_OPENFLOW_VERSIONS', '1.3,1.0').openflowVersions, [0x04, 0x01]);
      for (const version of ['1.4', '1.5', '1.3,1.5']) {
        assert.throws(() => load(via, 'openflowVersions', 'SDN_RUNTIME_OPENFLOW_VERSIONS', version), (err: unknown) => {
          assert.ok(err instanceof ConfigError);
          assert.match(err.message, /openflowVersions: "1\.[45]" is not supported: the runtime completes the switch handshake only for OpenFlow 1\.0, 1\.3/);
          return true;
        });
      }
      assert.throws(() => load(via, 'openflowVersions', 'SDN_RUNTIME_OPENFLOW_VERSIONS', '2.0'), /"2\.0" is not an OpenFlow version for OpenFlow 1\.0, 1\.3/);
    });
  }

  it('takes wire numbers in a config file, with the same check', () => {
    assert.deepEqual(load('file', 'openflowVersions', '', [4]).openflowVersions, [0x04]);
    assert.deepEqual(load('file', 'openflowVersions', '', [1]).openflowVersions, [0x01]);
    assert.throws(() => load('file', 'openflowVersions', '', [5]), /"5" is not supported/);
    assert.throws(() => load('file', 'openflowVersions', '', []), /at least one version/);
  });

  it('defaults to 1.3', () => {
    assert.deepEqual(loadServeConfig({}, {}, undefined).openflowVersions, [0x04]);
  });
});

describe('serve config: switch connection limits', () => {
  const options = [
    ['maxSwitchConnections', 'SDN_RUNTIME_MAX_SWITCH_CONNECTIONS'],
    ['maxSwitchConnectionsPerSource', 'SDN_RUNTIME_MAX_SWITCH_CONNECTIONS_PER_SOURCE'],
    ['maxSwitchHandshakes', 'SDN_RUNTIME_MAX_SWITCH_HANDSHAKES'],
  ] as const;
  for (const via of ['flag', 'env', 'file'] as const) {
    it(`are set by ${via}, and must be positive integers`, () => {
      for (const [key, env] of options) {
        assert.equal(load(via, key, env, via === 'file' ? 7 : '7')[key], 7);
        assert.throws(() => load(via, key, env, via === 'file' ? 0 : '0'), new RegExp(`${key} must be an integer from 1`));
      }
    });
  }

  it('have defaults that leave room for a Mininet-sized lab behind one address', () => {
    assert.deepEqual([DEFAULT_SERVE_CONFIG.maxSwitchConnections, DEFAULT_SERVE_CONFIG.maxSwitchConnectionsPerSource, DEFAULT_SERVE_CONFIG.maxSwitchHandshakes], [4096, 256, 512]);
  });
});

describe('serve config: topology', () => {
  it('is on by default, with 2 s probes and no secret (one is made per run)', () => {
    const c = loadServeConfig({}, {}, undefined);
    assert.deepEqual([c.topology, c.topologyProbeIntervalMs, c.topologySecret], [true, 2000, undefined]);
  });

  for (const via of ['flag', 'env', 'file'] as const) {
    it(`is turned off and tuned by ${via}`, () => {
      assert.equal(load(via, 'topology', 'SDN_RUNTIME_TOPOLOGY', via === 'flag' ? false : 'false').topology, false);
      assert.equal(load(via, 'topologyProbeIntervalMs', 'SDN_RUNTIME_TOPOLOGY_PROBE_INTERVAL_MS', '500').topologyProbeIntervalMs, 500);
      assert.throws(() => load(via, 'topology', 'SDN_RUNTIME_TOPOLOGY', 'maybe'), /topology must be true or false/);
    });
  }

  it('takes the secret from a file or env, never both, and not a short one', () => {
    const file = join(dir, 'topology-secret');
    writeFileSync(file, 'a cluster secret of 32 bytes....\n');
    assert.equal(loadServeConfig({ topologySecretFile: file }, {}, undefined).topologySecret, 'a cluster secret of 32 bytes....');
    assert.equal(loadServeConfig({}, { SDN_RUNTIME_TOPOLOGY_SECRET: 'sixteen bytes!!!' }, undefined).topologySecret, 'sixteen bytes!!!');
    assert.throws(() => loadServeConfig({ topologySecretFile: file }, { SDN_RUNTIME_TOPOLOGY_SECRET: 'sixteen bytes!!!' }, undefined), /both set: use one/);
    assert.throws(() => loadServeConfig({}, { SDN_RUNTIME_TOPOLOGY_SECRET: 'short' }, undefined), /at least 16 are needed/);
  });
});

describe('switch connection budget', () => {
  it('reads the soft open-file limit from /proc/self/limits', () => {
    const text = 'Limit                     Soft Limit           Hard Limit           Units     \nMax cpu time              unlimited            unlimited            seconds   \nMax open files            1024                 524288               files     \n';
    assert.equal(parseOpenFileLimit(text), 1024);
    assert.equal(parseOpenFileLimit(text.replace('1024  ', 'unlimited')), undefined);
    assert.equal(parseOpenFileLimit(''), undefined);
  });

  it('keeps SWITCH_FD_RESERVE descriptors for the rest of the runtime', () => {
    assert.equal(switchConnectionBudget(4096, 1024), 1024 - SWITCH_FD_RESERVE);
    assert.equal(switchConnectionBudget(100, 1024), 100);
    assert.equal(switchConnectionBudget(4096, undefined), 4096);
    assert.equal(switchConnectionBudget(4096, 10), 1);
  });
});

describe('serve config: app flow ownership', () => {
  for (const via of ['flag', 'env', 'file'] as const) {
    it(`sets the flow quota and the grace period by ${via}`, () => {
      assert.equal(load(via, 'appFlowQuota', 'SDN_RUNTIME_APP_FLOW_QUOTA', via === 'file' ? 10 : '10').appFlowQuota, 10);
      assert.equal(load(via, 'appFlowGraceMs', 'SDN_RUNTIME_APP_FLOW_GRACE_MS', via === 'file' ? 0 : '0').appFlowGraceMs, 0);
      assert.throws(() => load(via, 'appFlowQuota', 'SDN_RUNTIME_APP_FLOW_QUOTA', '-1'), /appFlowQuota must be an integer from 0/);
    });
  }

  it('takes per-app quotas and pinned app ids from the config file only, checked', () => {
    assert.deepEqual(load('file', 'appFlowQuotas', '', { acl: 100 }).appFlowQuotas, { acl: 100 });
    assert.deepEqual(load('file', 'appIds', '', { acl: 7 }).appIds, { acl: 7 });
    assert.throws(() => load('file', 'appIds', '', { acl: 0xffff }), /appIds\.acl must be an integer from 1 to 65534/);
    assert.throws(() => load('file', 'appFlowQuotas', '', [1]), /appFlowQuotas must be an object of app name -> number/);
    assert.deepEqual(load('env', 'appIds', 'SDN_RUNTIME_APP_IDS', '{"acl":7}').appIds, {}, 'not from the environment');
  });

  it('defaults to 65,536 flows per app and switch and a 30 s grace period', () => {
    assert.deepEqual([DEFAULT_SERVE_CONFIG.appFlowQuota, DEFAULT_SERVE_CONFIG.appFlowGraceMs], [65_536, 30_000]);
  });
});

describe('serve config: mastership disconnect grace', () => {
  for (const via of ['flag', 'env', 'file'] as const) {
    it(`sets how long a master keeps a disconnected switch by ${via}`, () => {
      assert.equal(load(via, 'mastershipDisconnectGraceMs', 'SDN_RUNTIME_MASTERSHIP_DISCONNECT_GRACE_MS', via === 'file' ? 10_000 : '10000').mastershipDisconnectGraceMs, 10_000);
      assert.throws(() => load(via, 'mastershipDisconnectGraceMs', 'SDN_RUNTIME_MASTERSHIP_DISCONNECT_GRACE_MS', '-1'), /mastershipDisconnectGraceMs must be an integer from 0 to 600000/);
    });
  }

  it('defaults to the lease TTL (unset)', () => {
    assert.equal(loadServeConfig({}, {}, undefined).mastershipDisconnectGraceMs, undefined);
  });
});
