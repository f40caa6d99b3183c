// Test guest: returns, per batch, the commands of `config.commands` (JSON, with
// byte lists as {"bytes": [...]}), then one barrier per event whose dpid is the
// event as JSON (every string and byte of an event comes back out through the
// glue), or its own dpid with `config.echo` "dpid". glue.test.ts runs it
// through jco's glue and the sped-up one.
let configured = [];
let echoDpid = false;

function revive(_key, value) {
  return value !== null && typeof value === 'object' && Array.isArray(value.bytes) ? new Uint8Array(value.bytes) : value;
}

function replace(_key, value) {
  if (value instanceof Uint8Array) return { bytes: Array.from(value) };
  if (typeof value === 'bigint') return `${value}n`;
  return value === undefined ? null : value;
}

export function initialize(config) {
  const c = JSON.parse(config, revive);
  configured = c.commands;
  echoDpid = c.echo === 'dpid';
}

export function handle(events) {
  const commands = configured.slice();
  for (const e of events) commands.push({ dpid: echoDpid ? e.val.dpid : JSON.stringify(e, replace), body: { tag: 'barrier' } });
  return commands;
}
