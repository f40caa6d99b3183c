#!/usr/bin/env node
import { connect } from '@sdn-runtime/sdk';
import { parseArgs } from 'node:util';
import { createIfAbsent, startConfigMirror } from './kv.js';

const USAGE = `usage: node dist/main.js [--target host:port] [--token TOKEN] <command>
  put <key> <value>     set a key
  create <key> <value>  set a key only if it does not exist
  get <key>             print a key's value and revisions
  mirror <prefix>       keep a live copy of every key under prefix, printing each change
`;

const { values, positionals } = parseArgs({ options: { target: { type: 'string' }, token: { type: 'string' } }, allowPositionals: true, strict: true });
const target = values.target ?? process.env.SDN_RUNTIME_TARGET ?? 'localhost:50051';
const token = values.token ?? process.env.SDN_RUNTIME_TOKEN;
const auth = token === undefined ? {} : { token };
const out = (line: string): void => void process.stdout.write(`${line}\n`);
const [command, ...args] = positionals;

try {
  if (command === 'mirror' && args.length === 1) {
    const mirror = await startConfigMirror({ target, ...auth, prefix: args[0]!, onChange: (k, v) => out(v === undefined ? `deleted ${k}` : `${k} = ${v}`) });
    for (const [k, v] of mirror.entries()) out(`${k} = ${v}`);
    process.once('SIGINT', () => void mirror.close());
    process.once('SIGTERM', () => void mirror.close());
    const why = await mirror.app.closed;
    if (why !== undefined) throw why;
  } else if ((command === 'put' || command === 'create' || command === 'get') && args.length === (command === 'get' ? 1 : 2)) {
    // A command-only app still subscribes to something: switch-up events are rare.
    const app = await connect({ target, name: 'kv-cli', ...auth, subscribe: { kinds: ['switchUp'] } });
    try {
      const key = args[0]!;
      if (command === 'get') {
        const { kv } = await app.kv.get(key);
        out(kv === undefined ? '(absent)' : `${Buffer.from(kv.value).toString()} (version ${kv.version}, modified at revision ${kv.modRevision})`);
      } else if (command === 'create') {
        out((await createIfAbsent(app, key, args[1]!)) ? 'created' : 'exists already');
      } else {
        out(`revision ${(await app.kv.put(key, args[1]!)).revision}`);
      }
    } finally {
      await app.close();
    }
  } else {
    process.stderr.write(USAGE);
    process.exitCode = 2;
  }
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
