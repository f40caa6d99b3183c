#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { startLearningSwitch } from './learning-switch.js';

const USAGE = `usage: node dist/main.js [--target host:port] [--token TOKEN] [--idle-timeout SECONDS]
  --target        the runtime's gRPC address (default $SDN_RUNTIME_TARGET or localhost:50051)
  --token         the app's token (default $SDN_RUNTIME_TOKEN)
  --idle-timeout  idle timeout of learned flows in seconds (default 60)
`;

const { values } = parseArgs({
  options: { target: { type: 'string' }, token: { type: 'string' }, 'idle-timeout': { type: 'string' }, help: { type: 'boolean' } },
  strict: true,
});
if (values.help === true) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const idle = Number(values['idle-timeout'] ?? '60');
if (!Number.isInteger(idle) || idle < 0 || idle > 0xffff) {
  process.stderr.write(`--idle-timeout takes whole seconds 0..65535\n${USAGE}`);
  process.exit(2);
}
const target = values.target ?? process.env.SDN_RUNTIME_TARGET ?? 'localhost:50051';
const token = values.token ?? process.env.SDN_RUNTIME_TOKEN;
const log = (line: string): void => void process.stderr.write(`${new Date().toISOString()} ${line}\n`);

try {
  const ls = await startLearningSwitch({ target, idleTimeoutSec: idle, log, ...(token === undefined ? {} : { token }) });
  log(`learning switch connected to ${target} (node ${ls.app.nodeId})`);
  const stop = (): void => void ls.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const why = await ls.app.closed;
  if (why !== undefined) {
    log(`stopped: ${why.message}`);
    process.exit(1);
  }
} catch (err) {
  log(`cannot start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
