// Test guest of world 0.2.0: logs every topology event it gets, and answers a
// switch-up with a flow-mod of Nicira actions (ct with nat, resubmit).
import { log } from 'sdn:plugin/log@0.2.0';

const NX_CT_F_COMMIT = 1;
const NX_NAT_F_SRC = 1;
const OFPP_IN_PORT_16 = 0xfff8;
const none = undefined;

const endpoint = (e) => `${e.dpid}/${e.port}`;

export function initialize(_config) {}

export function handle(events) {
  const commands = [];
  for (const e of events) {
    if (e.tag === 'host-added') log('info', `host-added ${e.val.host.mac} at ${endpoint(e.val.host.location)} first seen ${Number(e.val.host.firstSeenMs) > 1.6e12 ? 'in epoch ms' : e.val.host.firstSeenMs}`);
    else if (e.tag === 'link-up') log('info', `link-up ${endpoint(e.val.link.src)} -> ${endpoint(e.val.link.dst)}`);
    else if (e.tag === 'switch-up') {
      const nat = { flags: NX_NAT_F_SRC, rangeIpv4Min: '10.0.0.9', rangeIpv4Max: none, rangeIpv6Min: none, rangeIpv6Max: none, rangeProtoMin: 1024, rangeProtoMax: none };
      const ct = { flags: NX_CT_F_COMMIT, zoneSrc: none, zoneOfsNbits: 5, recircTable: 255, alg: 0, actions: [{ tag: 'nx-nat', val: nat }] };
      commands.push({
        dpid: e.val.dpid,
        body: {
          tag: 'flow-mod',
          val: {
            cookie: '0', cookieMask: '0', tableId: 0, command: 'add', idleTimeout: 0, hardTimeout: 0, priority: 10,
            bufferId: none, outPort: none, outGroup: none, flags: 0,
            match: [{ field: 'eth_type', value: { tag: 'uint', val: 0x800 }, mask: none }],
            instructions: [{ tag: 'apply-actions', val: [{ tag: 'nx-ct', val: ct }, { tag: 'nx-resubmit-table', val: { inPort: OFPP_IN_PORT_16, tableId: 1 } }] }],
          },
        },
      });
    }
  }
  return commands;
}
