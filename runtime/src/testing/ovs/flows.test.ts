import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDumpFlows, parseFlowLine } from './flows.js';

// Printed by ovs-ofctl 3.1 (`-O OpenFlow13 dump-flows`) on this machine.
const OUTPUT = `OFPST_FLOW reply (OF1.3) (xid=0x2):
 cookie=0x0, duration=1.039s, table=0, n_packets=8, n_bytes=612, actions=NORMAL
 cookie=0x0, duration=0.055s, table=0, n_packets=0, n_bytes=0, priority=0 actions=drop
 cookie=0x0, duration=0.007s, table=0, n_packets=0, n_bytes=0, reset_counts no_packet_counts priority=7,tcp,tp_dst=80 actions=drop
 cookie=0xabc, duration=0.069s, table=1, n_packets=0, n_bytes=0, idle_timeout=60, hard_timeout=120, send_flow_rem priority=10,in_port=1,dl_dst=00:00:00:00:00:02 actions=output:2,set_field:00:00:00:00:00:01->eth_src
`;

describe('parseDumpFlows', () => {
  it('reads table, priority, match, actions, counters and cookie of each flow', () => {
    const [normal, drop, flags, full] = parseDumpFlows(OUTPUT);
    assert.deepEqual({ ...normal, stats: undefined }, {
      table: 0, priority: 32768, match: '', actions: 'NORMAL', cookie: 0n,
      nPackets: 8n, nBytes: 612n, durationSec: 1.039, stats: undefined,
    });
    assert.deepEqual([drop?.priority, drop?.match, drop?.actions], [0, '', 'drop']);
    assert.deepEqual([flags?.priority, flags?.match], [7, 'tcp,tp_dst=80']);
    assert.equal(flags?.stats.reset_counts, '');
    assert.equal(full?.table, 1);
    assert.equal(full?.priority, 10);
    assert.equal(full?.match, 'in_port=1,dl_dst=00:00:00:00:00:02');
    assert.equal(full?.actions, 'output:2,set_field:00:00:00:00:00:01->eth_src');
    assert.equal(full?.cookie, 0xabcn);
    assert.deepEqual(full?.stats, {
      cookie: '0xabc', duration: '0.069s', table: '1', n_packets: '0', n_bytes: '0',
      idle_timeout: '60', hard_timeout: '120', send_flow_rem: '', priority: '10',
    });
  });

  it('returns no flows for an empty table', () => {
    assert.deepEqual(parseDumpFlows('OFPST_FLOW reply (OF1.3) (xid=0x2):\n'), []);
  });

  it('rejects a line it cannot read instead of dropping it', () => {
    assert.throws(() => parseDumpFlows(' cookie=0x0, duration=1s, table=0\n'), { code: 'OVS_HARNESS', message: /without actions/ });
    assert.throws(() => parseFlowLine(' cookie=0x0, table=0, n_packets=1, n_bytes=1, actions=drop'), { message: /duration/ });
    assert.throws(() => parseFlowLine(' cookie=zz, duration=1s, n_packets=1, n_bytes=1, actions=drop'), { message: /cookie/ });
  });
});
