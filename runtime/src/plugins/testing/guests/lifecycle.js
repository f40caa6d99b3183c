// Test guest: tells a switch what the plugin saw of it. A switch-up becomes a
// packet-out of an empty frame out of `config.upPort`; a packet-in becomes a
// packet-out of its frame out of `config.outPort`. Tests tell events and versions
// apart by those ports. A packet-in whose frame carries `config.trapSeq` (bytes
// 14-17) traps, so tests can see what a fresh instance gets.
let upPort = 1;
let outPort = 2;
let trapSeq = -1;

export function initialize(config) {
  const c = JSON.parse(config);
  if (typeof c.upPort === 'number') upPort = c.upPort;
  if (typeof c.outPort === 'number') outPort = c.outPort;
  if (typeof c.trapSeq === 'number') trapSeq = c.trapSeq;
}

function packetOut(dpid, inPort, port, data) {
  return { dpid, body: { tag: 'packet-out', val: { bufferId: undefined, inPort, actions: [{ tag: 'output', val: { port, maxLen: 0 } }], data } } };
}

export function handle(events) {
  const commands = [];
  for (const e of events) {
    if (e.tag === 'switch-up') commands.push(packetOut(e.val.dpid, undefined, upPort, new Uint8Array(64)));
    else if (e.tag === 'packet-in' && new DataView(e.val.data.buffer, e.val.data.byteOffset).getUint32(14) === trapSeq) throw new Error('trap requested');
    else if (e.tag === 'packet-in') commands.push(packetOut(e.val.dpid, e.val.inPort, outPort, e.val.data));
  }
  return commands;
}
