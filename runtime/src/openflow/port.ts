import { readMac, writeMac } from './addresses.js';
import type { Reader } from './reader.js';
import type { Port } from './structs.js';
import type { Writer } from './writer.js';

/** struct ofp_port (OpenFlow 1.3.5 7.2.1). */

/** sizeof(struct ofp_port). */
export const OFP_PORT_SIZE = 64;
/** OFP_MAX_PORT_NAME_LEN. */
export const OFP_MAX_PORT_NAME_LEN = 16;

// 7.2.1 enum ofp_port_config
export const OFPPC_PORT_DOWN = 1 << 0;
export const OFPPC_NO_RECV = 1 << 2;
export const OFPPC_NO_FWD = 1 << 5;
export const OFPPC_NO_PACKET_IN = 1 << 6;

// 7.2.1 enum ofp_port_state
export const OFPPS_LINK_DOWN = 1 << 0;
export const OFPPS_BLOCKED = 1 << 1;
export const OFPPS_LIVE = 1 << 2;

export function readPort(r: Reader): Port {
  r.need(OFP_PORT_SIZE, 'port');
  const portNo = r.u32('port.port_no');
  r.pad(4);
  const hwAddr = readMac(r, 'port.hw_addr');
  r.pad(2);
  const name = r.fixedString(OFP_MAX_PORT_NAME_LEN, 'port.name');
  return {
    portNo,
    hwAddr,
    name,
    config: r.u32('port.config'),
    state: r.u32('port.state'),
    curr: r.u32('port.curr'),
    advertised: r.u32('port.advertised'),
    supported: r.u32('port.supported'),
    peer: r.u32('port.peer'),
    currSpeed: r.u32('port.curr_speed'),
    maxSpeed: r.u32('port.max_speed'),
  };
}

export function writePort(w: Writer, p: Port): void {
  w.struct(p, 'port');
  w.u32(p.portNo, 'port.port_no');
  w.zeros(4);
  writeMac(w, p.hwAddr, 'port.hw_addr');
  w.zeros(2);
  w.fixedString(p.name, OFP_MAX_PORT_NAME_LEN, 'port.name');
  w.u32(p.config, 'port.config');
  w.u32(p.state, 'port.state');
  w.u32(p.curr, 'port.curr');
  w.u32(p.advertised, 'port.advertised');
  w.u32(p.supported, 'port.supported');
  w.u32(p.peer, 'port.peer');
  w.u32(p.currSpeed, 'port.curr_speed');
  w.u32(p.maxSpeed, 'port.max_speed');
}
