import type { ONFFlowMonitorRequest } from '../multipart-types.js';
import { ONFMP_FLOW_MONITOR } from '../onf-flow-monitor.js';
import { matchWireLength, OFP_MATCH_HEADER_SIZE } from '../oxm.js';
import { ONF_EXPERIMENTER_ID } from '../oxm-fields.js';
import { classedStruct, list, struct, u16, u32, u8 } from './fields.js';
import { checkDerived, type JsonObject, type RyuJson } from './json.js';
import { match } from './oxm.js';

/**
 * ONF's flow-monitor request (extension 187) as Ryu's
 * `ONFFlowMonitorStatsRequest {flags, type, experimenter, exp_type, body:
 * [ONFFlowMonitorRequest {id, flags, match, match_len, out_port, table_id}]}`.
 * `match_len` (the OXM bytes, without ofp_match's 4-byte header) is derived.
 */

export const ONF_FLOW_MONITOR_CLASS = 'ONFFlowMonitorStatsRequest';

const monitor = classedStruct(
  'ONFFlowMonitorRequest',
  struct<ONFFlowMonitorRequest>({ id: u32, flags: u16, outPort: u32, tableId: u8, match }),
  (m) => ({ match_len: matchWireLength(m.match) - OFP_MATCH_HEADER_SIZE }),
);

const monitors = list(monitor);

/** The body keys after `flags` and `type`. */
export function flowMonitorToRyu(list: readonly ONFFlowMonitorRequest[], out: Record<string, RyuJson>): void {
  out['experimenter'] = ONF_EXPERIMENTER_ID;
  out['exp_type'] = ONFMP_FLOW_MONITOR;
  out['body'] = monitors.to(list);
}

export function flowMonitorFromRyu(o: JsonObject): readonly ONFFlowMonitorRequest[] {
  checkDerived(o, 'experimenter', ONF_EXPERIMENTER_ID);
  checkDerived(o, 'exp_type', ONFMP_FLOW_MONITOR);
  return monitors.from(o.get('body'), o.at('body'));
}
