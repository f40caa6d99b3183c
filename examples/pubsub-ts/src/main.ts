#!/usr/bin/env node
import { connect } from '@sdn-runtime/sdk';
import { parseArgs } from 'node:util';
import { startListener, startSwitchAnnouncer, type Running } from './pubsub.js';

const USAGE = `usage: node dist/main.js [--target host:port] [--token TOKEN] <command>
  announce                  republish switch up/down events on switches.up.<dpid> / switches.down.<dpid>
  listen [pattern]          print messages on subjects matching pattern (default "switches.>")
  publish <subject> <text>  publish one message and print how many subscribers got it
`;

const { values, positionals } = parseArgs({ options: { target: { type: 'string' }, token: { type: 'string' } }, allowPositionals: true, strict: true });
const target = values.target ?? process.env.SDN_RUNTIME_TARGET ?? 'localhost:50051';
const token = values.token ?? process.env.SDN_RUNTIME_TOKEN;
const auth = token === undefined ? {} : { token };
const out = (line: string): void => void process.stdout.write(`${line}\n`);
const [command, ...args] = positionals;

async function untilStopped(running: Running): Promise<void> {
  process.once('SIGINT', () => void running.close());
  process.once('SIGTERM', () => void running.close());
  const why = await running.app.closed;
  if (why !== undefined) throw why;
}

try {
  if (command === 'announce') {
    await untilStopped(await startSwitchAnnouncer({ target, ...auth }));
  } else if (command === 'listen') {
    const pattern = args[0] ?? 'switches.>';
    const running = await startListener({ target, ...auth, pattern, onMessage: (m) => out(`${m.subject} ${Buffer.from(m.payload).toString()}`) });
    out(`listening on ${pattern}`);
    await untilStopped(running);
  } else if (command === 'publish' && args.length === 2) {
    const app = await connect({ target, name: 'pubsub-cli', ...auth, subscribe: { kinds: ['switchUp'] } });
    const r = await app.publish(args[0]!, args[1]!);
    out(`delivered to ${r.value.delivered} subscriber(s)`);
    await app.close();
  } else {
    process.stderr.write(USAGE);
    process.exitCode = 2;
  }
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
