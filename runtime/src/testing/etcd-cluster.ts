import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port.js';

/**
 * A real etcd cluster on loopback for tests: N members of Debian's `etcd`
 * (etcd-server 3.4), each on ports the OS found free, data in a temp folder.
 * Every member's pid is written to a pidfile under `<tmp>/sdn-etcd-pids/`, so a
 * test run that crashed leaves nothing running: the next `start` kills the
 * leftovers it finds there (only members whose owning test process is gone, and
 * only processes whose command line names their own data folder, since pids are
 * reused) and removes their folders.
 */

export const ETCD_BINARY = '/usr/bin/etcd';
const INSTALL_HINT = 'install it with: sudo bash scripts/install-system-deps.sh (Debian packages etcd-server, etcd-client)';
const PID_DIR = path.join(os.tmpdir(), 'sdn-etcd-pids');

interface Member {
  readonly name: string;
  readonly clientPort: number;
  readonly peerPort: number;
  readonly dataDir: string;
  readonly pidFile: string;
  process: ChildProcess | undefined;
}

/** Running and not a zombie (a member whose parent died waits for init to reap it). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Kills members left by a crashed run (pidfile: member pid, data folder, owner pid). */
function killLeftovers(): void {
  fs.mkdirSync(PID_DIR, { recursive: true });
  for (const file of fs.readdirSync(PID_DIR)) {
    const pidFile = path.join(PID_DIR, file);
    const [pidText, dataDir, ownerText] = fs.readFileSync(pidFile, 'utf8').split('\n');
    const owner = Number(ownerText);
    if (Number.isSafeInteger(owner) && owner > 0 && alive(owner)) continue;
    const pid = Number(pidText);
    if (Number.isSafeInteger(pid) && pid > 0 && alive(pid) && dataDir !== undefined && dataDir !== '') {
      let command = '';
      try {
        command = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        command = '';
      }
      if (command.includes(dataDir)) process.kill(pid, 'SIGKILL');
    }
    if (dataDir !== undefined && dataDir !== '') fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
    fs.rmSync(pidFile, { force: true });
  }
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await probe().catch(() => undefined);
    if (result !== undefined) return result;
    if (Date.now() > deadline) throw new Error(`etcd cluster: ${what} not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export class EtcdCluster {
  private constructor(
    readonly root: string,
    private readonly members: Member[],
    private readonly binary: string,
  ) {}

  /** Starts `size` members and waits until the cluster has a leader. @throws when /usr/bin/etcd is missing (naming the install command). */
  static async start(size = 3, binary = ETCD_BINARY): Promise<EtcdCluster> {
    if (!fs.existsSync(binary)) throw new Error(`${binary} is missing; ${INSTALL_HINT}`);
    killLeftovers();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sdn-etcd-'));
    const members: Member[] = [];
    for (let i = 0; i < size; i++) {
      const name = `m${i}`;
      members.push({ name, clientPort: await freePort(), peerPort: await freePort(), dataDir: path.join(root, name), pidFile: path.join(PID_DIR, `${path.basename(root)}-${name}`), process: undefined });
    }
    const cluster = new EtcdCluster(root, members, binary);
    try {
      for (let i = 0; i < size; i++) cluster.spawnMember(i, 'new');
      await cluster.waitLeader();
    } catch (error) {
      await cluster.close();
      throw error;
    }
    return cluster;
  }

  /** The running members' process ids. */
  get pids(): number[] {
    return this.members.flatMap((m) => (m.process?.pid === undefined ? [] : [m.process.pid]));
  }

  /** `127.0.0.1:port` of every member, in member order. */
  get endpoints(): string[] {
    return this.members.map((m) => `127.0.0.1:${m.clientPort}`);
  }

  private initialCluster(): string {
    return this.members.map((m) => `${m.name}=http://127.0.0.1:${m.peerPort}`).join(',');
  }

  private spawnMember(index: number, state: 'new' | 'existing'): void {
    const m = this.members[index]!;
    const client = `http://127.0.0.1:${m.clientPort}`;
    const peer = `http://127.0.0.1:${m.peerPort}`;
    const log = fs.openSync(path.join(this.root, `${m.name}.log`), 'a');
    const child = spawn(
      this.binary,
      [
        '--name', m.name, '--data-dir', m.dataDir,
        '--listen-client-urls', client, '--advertise-client-urls', client,
        '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer,
        '--initial-cluster', this.initialCluster(), '--initial-cluster-state', state,
        '--initial-cluster-token', path.basename(this.root),
        '--logger', 'zap', '--log-level', 'warn',
      ],
      { stdio: ['ignore', log, log] },
    );
    fs.closeSync(log);
    if (child.pid === undefined) throw new Error(`etcd member ${m.name} did not start; ${INSTALL_HINT}`);
    fs.writeFileSync(m.pidFile, `${child.pid}\n${m.dataDir}\n${process.pid}\n`);
    m.process = child;
  }

  /** Asks every running member for its status over etcd's JSON gateway. */
  private async status(index: number): Promise<{ memberId: string; leader: string } | undefined> {
    const m = this.members[index]!;
    if (m.process === undefined) return undefined;
    const response = await fetch(`http://127.0.0.1:${m.clientPort}/v3/maintenance/status`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(1000) });
    const body = (await response.json()) as { header?: { member_id?: string }; leader?: string };
    if (body.header?.member_id === undefined || body.leader === undefined || body.leader === '0') return undefined;
    return { memberId: body.header.member_id, leader: body.leader };
  }

  /** The index of the current leader, once every running member agrees on one (bounded by `timeoutMs`). */
  async waitLeader(timeoutMs = 30_000): Promise<number> {
    return waitFor('an agreed leader', timeoutMs, async () => {
      const running = this.members.map((_, i) => i).filter((i) => this.members[i]!.process !== undefined);
      const statuses = await Promise.all(running.map((i) => this.status(i)));
      if (statuses.some((s) => s === undefined)) return undefined;
      const leaders = new Set(statuses.map((s) => s!.leader));
      if (leaders.size !== 1) return undefined;
      const at = statuses.findIndex((s) => s!.memberId === statuses[0]!.leader);
      return at < 0 ? undefined : running[at];
    });
  }

  /** SIGKILLs one member and waits for it to exit. */
  async kill(index: number): Promise<void> {
    const m = this.members[index]!;
    const child = m.process;
    if (child === undefined) return;
    m.process = undefined;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    fs.rmSync(m.pidFile, { force: true });
  }

  /** Starts a killed member again on its data folder (no wait: with a quorum down there is no leader to wait for; call `waitLeader`). */
  restart(index: number): void {
    this.spawnMember(index, 'existing');
  }

  get size(): number {
    return this.members.length;
  }

  /** Kills every member and removes the data folders and pidfiles. */
  async close(): Promise<void> {
    for (let i = 0; i < this.members.length; i++) await this.kill(i);
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
