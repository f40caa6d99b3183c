import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { EtcdCluster } from './etcd-cluster.js';

const OWNER = fileURLToPath(new URL('./etcd-crash-owner.js', import.meta.url));

/** Running, and not a zombie (a killed member whose parent died waits for init to reap it). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('EtcdCluster (test harness)', () => {
  it('a missing etcd binary fails naming the install command', async () => {
    await assert.rejects(EtcdCluster.start(1, '/nonexistent/etcd'), /\/nonexistent\/etcd is missing; install it with: sudo bash scripts\/install-system-deps.sh/);
  });

  it('kills the members a crashed run left, and removes their data', async () => {
    const owner = spawn(process.execPath, [OWNER], { stdio: ['ignore', 'pipe', 'inherit'] });
    const timer = setTimeout(() => owner.kill('SIGKILL'), 30_000);
    const [line] = (await once(createInterface({ input: owner.stdout }), 'line')) as [string];
    const left = JSON.parse(line) as { pids: number[]; root: string };
    owner.kill('SIGKILL');
    await once(owner, 'exit');
    clearTimeout(timer);
    assert.ok(left.pids.length === 1 && left.pids.every(alive), 'the crashed run left its member running');
    const cluster = await EtcdCluster.start(1);
    try {
      assert.ok(!left.pids.some(alive), `still running: ${left.pids.join(', ')}`);
      assert.equal(fs.existsSync(left.root), false);
    } finally {
      await cluster.close();
    }
  });
});
