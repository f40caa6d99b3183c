// Test guest: tells a switch what the plugin saw of it. A switch-up becomes a
// packet-out of an empty frame out of `config.upPort`; a packet-in becomes a
// packet-out of its frame out of `config.outPort`. Tests tell events and versions
// apart by those ports.
let upPort = 1;
let outPort = 2;

export function initialize(config) {
  const c = JSON.parse(config);
  if (typeof c.upPort === 'number') upPort = c.upPort;
  if (typeof c.outPort === 'number') outPort = c.outPort;
}

function packetOut(dpid, inPort, port, data) {
  return { dpid, body: { tag: 'packet-out', val: { bufferId: undefined, inPort, actions: [{ tag: 'output', val: { port, maxLen: 0 } }], data } } };
}

export function handle(events) {
  const commands = [];
  for (const e of events) {
    if (e.tag === 'switch-up') commands.push(packetOut(e.val.dpid, undefined, upPort, new Uint8Array(64)));
    else if (e.tag === 'packet-in') commands.push(packetOut(e.val.dpid, e.val.inPort, outPort, e.val.data));
  }
  return commands;
}
