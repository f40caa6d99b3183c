// Test guest: answers every packet-in with a packet-out of the same frame, out of
// `config.outPort` (default FLOOD). Tests tell versions apart by that port.
// With `config.logCookies`, it logs the cookie of every packet-in it is shown.
import { log } from 'sdn:plugin/log@0.2.0';

// componentize-qjs 0.4.5 saturates a u32 above 2^31 - 1 given as a positive number; the int32 form (| 0) lowers exactly.
const OFPP_FLOOD = 0xfffffffb | 0;
let outPort = OFPP_FLOOD;
let logCookies = false;

export function initialize(config) {
  const c = JSON.parse(config);
  if (typeof c.outPort === 'number') outPort = c.outPort;
  logCookies = c.logCookies === true;
  log('info', `echo ready, out port ${outPort}`);
}

export function handle(events) {
  const commands = [];
  for (const e of events) {
    if (e.tag !== 'packet-in') continue;
    const p = e.val;
    if (logCookies) log('info', `cookie ${p.cookie}`);
    commands.push({
      dpid: p.dpid,
      body: { tag: 'packet-out', val: { bufferId: undefined, inPort: p.inPort, actions: [{ tag: 'output', val: { port: outPort, maxLen: 0 } }], data: p.data } },
    });
  }
  return commands;
}
