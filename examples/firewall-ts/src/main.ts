#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { DEFAULT_COOKIE, DEFAULT_ZONE, firewallFlowMods, startFirewall } from './firewall.js';

const USAGE = `usage: node dist/main.js [--target host:port] [--token TOKEN] (--inside-port N | --inside-net CIDR)... [--zone Z]
A stateful firewall on Open vSwitch conntrack: connections opened from the inside
are allowed both ways, connections opened from anywhere else are dropped; ARP and
non-IP traffic is flooded.
  --target       the runtime's gRPC address (default $SDN_RUNTIME_TARGET or localhost:50051)
  --token        the app's token (default $SDN_RUNTIME_TOKEN; needs events:read and flows:write)
  --inside-port  a switch port inside hosts are on (repeatable; default $FIREWALL_INSIDE_PORTS, comma-separated)
  --inside-net   an inside source address or prefix, IPv4 or IPv6 (repeatable; default $FIREWALL_INSIDE_NETS, comma-separated)
  --zone         the conntrack zone, 0..65535 (default $FIREWALL_ZONE or ${DEFAULT_ZONE})
At least one --inside-port or --inside-net is required.
`;

const fail = (message: string): never => {
  process.stderr.write(`${message}\n${USAGE}`);
  process.exit(2);
};

const { values } = parseArgs({
  options: {
    target: { type: 'string' },
    token: { type: 'string' },
    'inside-port': { type: 'string', multiple: true },
    'inside-net': { type: 'string', multiple: true },
    zone: { type: 'string' },
    help: { type: 'boolean' },
  },
  strict: true,
});
if (values.help === true) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const list = (flag: string[] | undefined, env: string | undefined): string[] => flag ?? (env ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
const whole = (text: string, max: number, what: string): number => {
  const n = Number(text);
  return Number.isInteger(n) && n >= 0 && n <= max && text.trim() !== '' ? n : fail(`${what} takes a whole number 0..${max}, got ${JSON.stringify(text)}`);
};
const insidePorts = list(values['inside-port'], process.env.FIREWALL_INSIDE_PORTS).map((p) => whole(p, 0xffffff00, '--inside-port'));
const insideNets = list(values['inside-net'], process.env.FIREWALL_INSIDE_NETS);
if (insidePorts.length === 0 && insideNets.length === 0) fail('say which side is inside: --inside-port or --inside-net');
const zone = whole(values.zone ?? process.env.FIREWALL_ZONE ?? String(DEFAULT_ZONE), 0xffff, '--zone');
try {
  firewallFlowMods({ insidePorts, insideNets, zone, cookie: DEFAULT_COOKIE });
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}
const target = values.target ?? process.env.SDN_RUNTIME_TARGET ?? 'localhost:50051';
const token = values.token ?? process.env.SDN_RUNTIME_TOKEN;
const log = (line: string): void => void process.stderr.write(`${new Date().toISOString()} ${line}\n`);

try {
  const fw = await startFirewall({ target, insidePorts, insideNets, zone, log, ...(token === undefined ? {} : { token }) });
  log(`firewall connected to ${target} (node ${fw.app.nodeId}): inside ports [${insidePorts.join(', ')}], inside nets [${insideNets.join(', ')}], zone ${zone}`);
  const stop = (): void => void fw.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const why = await fw.app.closed;
  if (why !== undefined) {
    log(`stopped: ${why.message}`);
    process.exit(1);
  }
} catch (err) {
  log(`cannot start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
