import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { nodeIdOf } from '../core/index.js';
import { ConfigError } from './config.js';
import { loadServeConfig } from './load-config.js';
import { overlayEnabled } from './overlay-config.js';
import { serveUntilExit } from '../testing/serve-process.js';

/** A data folder serve must refuse before it creates anything. */
const NEVER_USED = join(tmpdir(), `sdn-runtime-overlay-never-used-${process.pid}`);

const load = (flags: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): ReturnType<typeof loadServeConfig> => loadServeConfig({ nodeId: 'n1', ...flags }, env, undefined);

function refuses(flags: Record<string, unknown>, message: RegExp): void {
  assert.throws(() => load(flags), (err: unknown) => err instanceof ConfigError && message.test(err.message));
}

describe('serve config: the overlay', () => {
  it('is off unless a port or seeds are given', () => {
    assert.equal(overlayEnabled(load({})), false);
    assert.equal(overlayEnabled(load({ overlayPort: '7000', overlayInsecure: true, overlayHost: '127.0.0.1' })), true);
  });

  it('needs mutual TLS, or --overlay-insecure on loopback only', () => {
    refuses({ overlayPort: '7000' }, /needs mutual TLS: --overlay-tls-ca .* CN "n1"/);
    refuses({ overlayPort: '7000', overlayInsecure: true }, /--overlay-insecure is for loopback only, but "0\.0\.0\.0" is not loopback/);
    refuses({ seeds: '5@10.0.0.2:7000', overlayInsecure: true, overlayHost: '127.0.0.1' }, /"10\.0\.0\.2" is not loopback/);
    const ok = load({ seeds: '5@127.0.0.1:7000,6@[::1]:7000', overlayHost: 'localhost' }, { SDN_RUNTIME_OVERLAY_INSECURE: 'true' });
    assert.deepEqual(ok.seeds, ['5@127.0.0.1:7000', '6@[::1]:7000']);
    assert.equal(ok.overlayInsecure, true);
  });

  it('takes the three TLS files together, on any address', () => {
    refuses({ overlayPort: '7000', overlayTlsCa: 'ca.pem' }, /overlayTlsCa, overlayTlsCert and overlayTlsKey go together/);
    assert.equal(load({ seeds: '5@10.0.0.2:7000', overlayTlsCa: 'ca.pem', overlayTlsCert: 'n1.pem', overlayTlsKey: 'n1.key' }).overlayTlsCa, 'ca.pem');
  });

  it('refuses malformed seeds and a seed naming this node, naming the option', () => {
    refuses({ seeds: 'x@h:1', overlayTlsCa: 'a', overlayTlsCert: 'b', overlayTlsKey: 'c' }, /--seeds \(env SDN_RUNTIME_SEEDS\): seed "x@h:1": node id "x" is not a decimal number/);
    refuses({ seeds: `${nodeIdOf('n1')}@h:1`, overlayTlsCa: 'a', overlayTlsCert: 'b', overlayTlsKey: 'c' }, /names this node/);
    refuses({ overlayPort: '70000', overlayInsecure: true }, /overlayPort must be an integer from 0 to 65535/);
    refuses({ overlayInsecure: 'maybe' }, /overlayInsecure \(env SDN_RUNTIME_OVERLAY_INSECURE\) must be true or false/);
  });
});

describe('serve with overlay options it cannot use', () => {
  it('exits with status 2 and one line naming the option', async () => {
    const noTls = await serveUntilExit(['--overlay-port', '0', '--grpc-port', '0', '--data-dir', NEVER_USED]);
    assert.equal(noTls.code, 2);
    assert.match(noTls.stderr, /^sdn-runtime serve: the overlay \(--overlay-port or --seeds\) needs mutual TLS/);
    const missing = await serveUntilExit(['--overlay-port', '0', '--overlay-tls-ca', '/nonexistent/ca.pem', '--overlay-tls-cert', '/nonexistent/n.pem', '--overlay-tls-key', '/nonexistent/n.key', '--grpc-port', '0', '--data-dir', NEVER_USED]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--overlay-tls-cert \/nonexistent\/n\.pem/);
    assert.ok(!existsSync(NEVER_USED), 'nothing is created before the options are checked');
  });
});
