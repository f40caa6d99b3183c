import { OvsHarnessError } from './errors.js';

/**
 * One line of `ovs-ofctl -O OpenFlow13 dump-flows`, split into the parts tests
 * assert on. `match` and `actions` stay in ovs-ofctl's own text form
 * (`in_port=1,dl_dst=00:00:00:00:00:02`, `output:2`): OVS normalises what it
 * prints, so comparing that text is stable. Counters are u64, hence bigint.
 */
export interface FlowEntry {
  readonly table: number;
  /** 32768 (OFP_DEFAULT_PRIORITY) when ovs-ofctl leaves it out, as it does for that value. */
  readonly priority: number;
  /** Match fields joined with ',', '' for match-all. */
  readonly match: string;
  readonly actions: string;
  readonly cookie: bigint;
  readonly nPackets: bigint;
  readonly nBytes: bigint;
  /** Seconds since the flow was installed, with ovs-ofctl's millisecond resolution. */
  readonly durationSec: number;
  /** Every `key=value` / flag before the match, as printed (timeouts, idle_age, send_flow_rem ...). */
  readonly stats: Readonly<Record<string, string>>;
}

const DEFAULT_PRIORITY = 32768;

// The fields ovs-ofctl prints ahead of the match (ofputil_flow_stats_format):
// anything else before " actions=" is a match field.
const STAT_KEYS = new Set([
  'cookie', 'duration', 'table', 'n_packets', 'n_bytes', 'idle_timeout', 'hard_timeout',
  'idle_age', 'hard_age', 'importance', 'send_flow_rem', 'check_overlap', 'reset_counts',
  'no_packet_counts', 'no_byte_counts', 'priority',
]);

/**
 * Parses the whole output of dump-flows (the `OFPST_FLOW reply` header lines, one
 * per reply message, and blank lines are skipped).
 * @throws OvsHarnessError quoting a line it cannot read, rather than dropping it.
 */
export function parseDumpFlows(text: string): FlowEntry[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '' && !/^\w+_FLOW reply/.test(line))
    .map(parseFlowLine);
}

export function parseFlowLine(line: string): FlowEntry {
  const at = line.indexOf(' actions=');
  if (at < 0) throw new OvsHarnessError(`dump-flows line without actions: ${JSON.stringify(line)}`);
  const actions = line.slice(at + ' actions='.length).trim();
  const stats: Record<string, string> = {};
  const match: string[] = [];
  // Stats end with ', ', flags (send_flow_rem ...) with ' ', match fields with ','.
  for (const token of line.slice(0, at).split(/[\s,]+/).filter((t) => t !== '')) {
    const eq = token.indexOf('=');
    const key = eq < 0 ? token : token.slice(0, eq);
    if (STAT_KEYS.has(key)) stats[key] = eq < 0 ? '' : token.slice(eq + 1);
    else match.push(token);
  }
  const integer = (key: string, fallback?: bigint): bigint => {
    const value = stats[key];
    if (value === undefined && fallback !== undefined) return fallback;
    if (value === undefined || !/^(0x[0-9a-f]+|\d+)$/i.test(value)) {
      throw new OvsHarnessError(`dump-flows line has no readable ${key}: ${JSON.stringify(line)}`);
    }
    return BigInt(value);
  };
  const duration = /^(\d+(?:\.\d+)?)s$/.exec(stats.duration ?? '');
  if (duration === null) throw new OvsHarnessError(`dump-flows line has no readable duration: ${JSON.stringify(line)}`);
  return {
    table: Number(integer('table', 0n)),
    priority: Number(integer('priority', BigInt(DEFAULT_PRIORITY))),
    match: match.join(','),
    actions,
    cookie: integer('cookie'),
    nPackets: integer('n_packets'),
    nBytes: integer('n_bytes'),
    durationSec: Number(duration[1]),
    stats,
  };
}
