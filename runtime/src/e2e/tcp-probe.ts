import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolvePrograms } from '../testing/ovs/index.js';

/**
 * TCP across an Open vSwitch topology: a server and a client in hosts' network
 * namespaces, each a small node program (`nc` is not a dependency of the
 * harness). Both programs end themselves after a bound, so a lost test never
 * leaves them running.
 */

/** Longest life of a server: a test that forgets it does not leave it behind. */
const SERVER_LIFE_MS = 60_000;
/** Slack for starting node inside `ip netns exec` on top of the client's own timeout. */
const START_SLACK_MS = 10_000;

/** What a client saw: the server's reply, or how it failed. */
export type ConnectOutcome = { readonly kind: 'replied'; readonly reply: string } | { readonly kind: 'timeout' } | { readonly kind: 'error'; readonly detail: string };

/** A server in a namespace that answers each connection's first data with "pong <data>" and closes it. */
export class NamespaceTcpServer {
  private output = '';

  private constructor(private readonly child: ChildProcess) {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => void (this.output += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => void (this.output += chunk));
  }

  /** Starts the server on `address:port` inside namespace `ns`; resolves once it listens. */
  static async start(ns: string, address: string, port: number): Promise<NamespaceTcpServer> {
    const script = `
      const server = require('node:net').createServer((s) => {
        console.log('accepted');
        s.once('data', (d) => s.end('pong ' + d));
        s.on('error', () => {});
      });
      server.listen(${port}, ${JSON.stringify(address)}, () => console.log('listening'));
      setTimeout(() => process.exit(0), ${SERVER_LIFE_MS}).unref();`;
    const server = new NamespaceTcpServer(spawn(resolvePrograms().ip, ['netns', 'exec', ns, process.execPath, '-e', script]));
    const exited = once(server.child, 'exit');
    const started = Date.now();
    while (!server.output.includes('listening')) {
      if (Date.now() - started > START_SLACK_MS) throw new Error(`the server in ${ns} did not listen within ${START_SLACK_MS} ms: ${server.output}`);
      await Promise.race([once(server.child.stdout!, 'data'), exited.then(() => Promise.reject(new Error(`the server in ${ns} exited: ${server.output}`)))]);
    }
    return server;
  }

  /** Connections the server accepted so far. */
  get accepted(): number {
    return this.output.split('\n').filter((line) => line === 'accepted').length;
  }

  stop(): void {
    this.child.kill('SIGKILL');
  }
}

/**
 * Connects from namespace `ns` to `address:port`, sends "ping" and waits for the
 * reply, at most `timeoutMs` (connect included: a dropped SYN is a timeout).
 */
export async function tcpConnect(ns: string, address: string, port: number, timeoutMs: number): Promise<ConnectOutcome> {
  const script = `
    const s = require('node:net').connect(${port}, ${JSON.stringify(address)}, () => s.write('ping'));
    s.setEncoding('utf8');
    s.setTimeout(${timeoutMs}, () => { console.log('timeout'); process.exit(0); });
    s.on('data', (d) => { console.log('reply ' + d); process.exit(0); });
    s.on('error', (e) => { console.log('error ' + e.code); process.exit(0); });`;
  const child = spawn(resolvePrograms().ip, ['netns', 'exec', ns, process.execPath, '-e', script]);
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => void (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => void (out += chunk));
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs + START_SLACK_MS);
  try {
    await once(child, 'exit');
  } finally {
    clearTimeout(killer);
  }
  const line = out.trim().split('\n').pop() ?? '';
  if (line.startsWith('reply ')) return { kind: 'replied', reply: line.slice('reply '.length) };
  if (line === 'timeout') return { kind: 'timeout' };
  return { kind: 'error', detail: out.trim() || `the client exited with ${child.exitCode ?? child.signalCode}` };
}
