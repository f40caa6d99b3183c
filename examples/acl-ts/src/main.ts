#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { parsePair, startAcl, type BlockedPair } from './acl.js';

const USAGE = `usage: node dist/main.js --block A,B [--block C,D ...] [--target host:port] [--token TOKEN] [--name NAME] [--priority N]
  --block     two hosts that must not reach each other: MAC addresses or IPv4 addresses (repeatable; $ACL_BLOCK, ';'-separated)
  --target    the runtime's gRPC address (default $SDN_RUNTIME_TARGET or localhost:50051)
  --token     the app's token (default $SDN_RUNTIME_TOKEN)
  --name      the app's name, which its app id derives from (default acl-ts)
  --priority  priority of the drop flows (default 1000)
`;

const { values } = parseArgs({
  options: {
    block: { type: 'string', multiple: true },
    target: { type: 'string' },
    token: { type: 'string' },
    name: { type: 'string' },
    priority: { type: 'string' },
    help: { type: 'boolean' },
  },
  strict: true,
});
if (values.help === true) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const usageError = (message: string): never => {
  process.stderr.write(`${message}\n${USAGE}`);
  process.exit(2);
};
const priority = Number(values.priority ?? '1000');
if (!Number.isInteger(priority) || priority < 0 || priority > 0xffff) usageError('--priority takes 0..65535');
const pairTexts = values.block ?? (process.env.ACL_BLOCK ?? '').split(';').filter((s) => s !== '');
if (pairTexts.length === 0) usageError('at least one --block A,B is required');
let blocked: BlockedPair[] = [];
try {
  blocked = pairTexts.map(parsePair);
} catch (err) {
  usageError(err instanceof Error ? err.message : String(err));
}
const target = values.target ?? process.env.SDN_RUNTIME_TARGET ?? 'localhost:50051';
const token = values.token ?? process.env.SDN_RUNTIME_TOKEN;
const log = (line: string): void => void process.stderr.write(`${new Date().toISOString()} ${line}\n`);

try {
  const acl = await startAcl({ target, blocked, priority, log, ...(token === undefined ? {} : { token }), ...(values.name === undefined ? {} : { name: values.name }) });
  log(`acl connected to ${target} (node ${acl.app.nodeId}), blocking ${blocked.map((p) => `${p.a} <-> ${p.b}`).join(', ')}`);
  const stop = (): void => void acl.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const why = await acl.app.closed;
  if (why !== undefined) {
    log(`stopped: ${why.message}`);
    process.exit(1);
  }
} catch (err) {
  log(`cannot start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(err instanceof Error && 'code' in err && err.code === 'INVALID' ? 2 : 1);
}
