import type { ONFFlowMonitorRequest } from './multipart-types.js';
import { readOxm, writeOxm } from './oxm.js';
import type { Reader } from './reader.js';
import type { OxmField } from './structs.js';
import type { Writer } from './writer.js';

/**
 * ONF extension 187 (flow entry notifications) for OpenFlow 1.3: the body of an
 * OFPMP_EXPERIMENTER request with experimenter ONF and exp_type
 * ONFMP_FLOW_MONITOR is a list of struct onf_flow_monitor_request, each a
 * 16-byte header then `match_len` bytes of OXM TLVs (without ofp_match's type
 * and length) padded to 8. Replies (flow updates) are not modelled: Ryu has no
 * parser for them either, and they stay an opaque experimenter body.
 */

/** ONF's multipart exp_type for flow monitoring. */
export const ONFMP_FLOW_MONITOR = 1870;
/** sizeof(struct onf_flow_monitor_request) without its match. */
export const ONF_FLOW_MONITOR_REQUEST_SIZE = 16;

// enum onf_flow_monitor_flags
export const ONFFMF_INITIAL = 1 << 0;
export const ONFFMF_ADD = 1 << 1;
export const ONFFMF_DELETE = 1 << 2;
export const ONFFMF_MODIFY = 1 << 3;
export const ONFFMF_ACTIONS = 1 << 4;
export const ONFFMF_OWN = 1 << 5;

function pad8(n: number): number {
  return (n + 7) & ~7;
}

function readMonitor(r: Reader): ONFFlowMonitorRequest {
  const id = r.u32('monitor.id');
  const flags = r.u16('monitor.flags');
  const matchLen = r.u16('monitor.match_len');
  const outPort = r.u32('monitor.out_port');
  const tableId = r.u8('monitor.table_id');
  r.pad(3, 'monitor.pad');
  const tlvs = r.sub(matchLen, 'monitor.match_len');
  const match: OxmField[] = [];
  while (tlvs.pos < tlvs.end) match.push(readOxm(tlvs));
  r.pad(pad8(matchLen) - matchLen, 'monitor.match_len');
  return { id, flags, outPort, tableId, match };
}

/** Reads the monitors up to the end of `r` (the experimenter body after exp_type). */
export function readFlowMonitorRequests(r: Reader): ONFFlowMonitorRequest[] {
  const monitors: ONFFlowMonitorRequest[] = [];
  while (r.pos < r.end) monitors.push(readMonitor(r));
  return monitors;
}

function writeMonitor(w: Writer, m: ONFFlowMonitorRequest): void {
  w.struct(m, 'monitor');
  w.u32(m.id, 'monitor.id');
  w.u16(m.flags, 'monitor.flags');
  const lengthAt = w.pos;
  w.u16(0, 'monitor.match_len');
  w.u32(m.outPort, 'monitor.out_port');
  w.u8(m.tableId, 'monitor.table_id');
  w.zeros(3);
  const matchStart = w.pos;
  for (const f of w.list(m.match, 'monitor.match')) writeOxm(w, f);
  w.patchU16(lengthAt, w.pos - matchStart, 'monitor.match_len');
  w.align8(matchStart);
}

export function writeFlowMonitorRequests(w: Writer, monitors: readonly ONFFlowMonitorRequest[]): void {
  for (const m of w.list(monitors, 'monitors')) writeMonitor(w, m);
}
