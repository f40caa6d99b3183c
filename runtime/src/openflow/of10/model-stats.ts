import { OFPG_ANY } from '../constants.js';
import { OfpEncodeError } from '../errors.js';
import type { MultipartReply, MultipartRequest, OfpMessage } from '../messages.js';
import type { FlowStats, MultipartReplyBody, MultipartRequestBody } from '../multipart-types.js';
import { isNiciraActionType } from '../nicira/index.js';
import type { Action } from '../structs.js';
import type { Action10, FlowStatsRequest10, StatsReply, StatsRequest, StatsRequestBody10 } from './types.js';

/**
 * Stats in the 1.3 model on a 1.0 session: an app's MULTIPART_REQUEST of a type
 * 1.0 has becomes a STATS_REQUEST, and the STATS_REPLY comes back as a
 * MULTIPART_REPLY of the type asked for (fields 1.0 lacks are 0). The port and
 * match mapping is model.ts's, handed in to keep one place for it.
 */

export interface Mapping {
  portUp(port: number): number;
  portDown(port: number, type: string, field: string): number;
  matchUp: (m: FlowStatsRequest10['match']) => FlowStats['match'];
  matchDown: (m: FlowStats['match'], type: string) => FlowStatsRequest10['match'];
}

const TYPE = 'MultipartRequest';

function refuse(field: string, why: string): never {
  throw new OfpEncodeError(TYPE, field, why);
}

function flowRequestDown(b: Extract<MultipartRequestBody, { type: 'flow' | 'aggregate' }>, map: Mapping): FlowStatsRequest10 {
  if (b.cookieMask !== 0n) refuse('body.cookie_mask', 'OpenFlow 1.0 cannot select flows by cookie');
  if (b.outGroup !== OFPG_ANY && b.outGroup !== 0) refuse('body.out_group', 'OpenFlow 1.0 has no groups');
  return { match: map.matchDown(b.match, TYPE), tableId: b.tableId, outPort: map.portDown(b.outPort, TYPE, 'body.out_port') };
}

export function statsRequestDown(m: Omit<MultipartRequest, 'version' | 'xid'>, map: Mapping): Omit<StatsRequest, 'version' | 'xid'> {
  const b = m.body;
  if (typeof b !== 'object' || b === null) refuse('body', 'not an object');
  let body: StatsRequestBody10;
  switch (b.type) {
    case 'desc':
    case 'table':
      body = { type: b.type };
      break;
    case 'flow':
    case 'aggregate':
      body = { type: b.type, ...flowRequestDown(b, map) };
      break;
    case 'portStats':
      body = { type: 'port', portNo: map.portDown(b.portNo, TYPE, 'body.port_no') };
      break;
    case 'queue':
      body = { type: 'queue', portNo: map.portDown(b.portNo, TYPE, 'body.port_no'), queueId: b.queueId };
      break;
    default:
      return refuse('body.type', `the ${String(b.type)} multipart request has no OpenFlow 1.0 stats type (1.0 ports come with the switch's features)`);
  }
  return { type: 'StatsRequest', flags: m.flags, body };
}

function actionUp(a: Action10, map: Mapping): Action[] {
  switch (a.type) {
    case 'output': return [{ type: 'output', port: map.portUp(a.port), maxLen: a.maxLen }];
    case 'setVlanVid': return [{ type: 'setField', field: { field: 'vlan_vid', value: a.vlanVid | 0x1000 } }];
    case 'setVlanPcp': return [{ type: 'setField', field: { field: 'vlan_pcp', value: a.vlanPcp } }];
    case 'stripVlan': return [{ type: 'popVlan' }];
    case 'setDlSrc': return [{ type: 'setField', field: { field: 'eth_src', value: a.dlAddr } }];
    case 'setDlDst': return [{ type: 'setField', field: { field: 'eth_dst', value: a.dlAddr } }];
    case 'setNwSrc': return [{ type: 'setField', field: { field: 'ipv4_src', value: a.nwAddr } }];
    case 'setNwDst': return [{ type: 'setField', field: { field: 'ipv4_dst', value: a.nwAddr } }];
    case 'setNwTos': return [{ type: 'setField', field: { field: 'ip_dscp', value: a.tos >> 2 } }];
    case 'setTpSrc': return [{ type: 'setField', field: { field: 'tcp_src', value: a.tp } }];
    case 'setTpDst': return [{ type: 'setField', field: { field: 'tcp_dst', value: a.tp } }];
    case 'enqueue': return [{ type: 'setQueue', queueId: a.queueId }, { type: 'output', port: map.portUp(a.port), maxLen: 0 }];
    case 'vendor': return [{ type: 'experimenter', experimenter: a.vendor, data: a.data }];
    default: return isNiciraActionType(a.type) ? [a as Action] : [];
  }
}

function replyBodyUp(r: StatsReply, map: Mapping): MultipartReplyBody | undefined {
  const b = r.body;
  switch (b.type) {
    case 'desc':
    case 'aggregate':
      return b;
    case 'flow':
      return {
        type: 'flow',
        stats: b.stats.map((s) => {
          const actions = s.actions.flatMap((a) => actionUp(a, map));
          return {
            tableId: s.tableId, durationSec: s.durationSec, durationNsec: s.durationNsec, priority: s.priority, idleTimeout: s.idleTimeout,
            hardTimeout: s.hardTimeout, flags: 0, cookie: s.cookie, packetCount: s.packetCount, byteCount: s.byteCount,
            match: map.matchUp(s.match), instructions: actions.length === 0 ? [] : [{ type: 'applyActions', actions }],
          };
        }),
      };
    case 'table':
      return { type: 'table', stats: b.stats.map((s) => ({ tableId: s.tableId, activeCount: s.activeCount, lookupCount: s.lookupCount, matchedCount: s.matchedCount })) };
    case 'port':
      return { type: 'portStats', stats: b.stats.map((s) => ({ ...s, portNo: map.portUp(s.portNo), durationSec: 0, durationNsec: 0 })) };
    case 'queue':
      return { type: 'queue', stats: b.stats.map((s) => ({ ...s, portNo: map.portUp(s.portNo), durationSec: 0, durationNsec: 0 })) };
    default:
      return undefined;
  }
}

/** A STATS_REPLY as the MULTIPART_REPLY of the 1.3 model; a vendor reply stays as it is. */
export function statsReplyUp(r: StatsReply, map: Mapping): OfpMessage {
  const body = replyBodyUp(r, map);
  if (body === undefined) return r;
  return { type: 'MultipartReply', version: r.version, xid: r.xid, flags: r.flags, body } satisfies MultipartReply;
}
