import { readMac, writeMac } from './addresses.js';
import { defineCodec, type MessageCodec } from './codec-registry.js';
import { OFPT_GROUP_MOD, OFPT_METER_MOD, OFPT_PORT_MOD, OFPT_TABLE_MOD } from './constants.js';
import { readBuckets, writeBuckets } from './group.js';
import { readBands, writeBands } from './meter.js';

/**
 * The state-changing messages other than FLOW_MOD: GROUP_MOD (7.3.4.2),
 * PORT_MOD (7.3.4.3), TABLE_MOD (7.3.3) and METER_MOD (7.3.4.4).
 */

/** sizeof(struct ofp_group_mod) without buckets, header included. */
export const OFP_GROUP_MOD_SIZE = 16;
/** sizeof(struct ofp_port_mod), header included. */
export const OFP_PORT_MOD_SIZE = 40;
/** sizeof(struct ofp_table_mod), header included. */
export const OFP_TABLE_MOD_SIZE = 16;
/** sizeof(struct ofp_meter_mod) without bands, header included. */
export const OFP_METER_MOD_SIZE = 16;

export const modCodecs: readonly MessageCodec[] = [
  defineCodec(
    OFPT_GROUP_MOD,
    'GroupMod',
    (r, h) => {
      const command = r.u16('command');
      const groupType = r.u8('type');
      r.pad(1);
      const groupId = r.u32('group_id');
      return { type: 'GroupMod', version: h.version, xid: h.xid, command, groupType, groupId, buckets: readBuckets(r) };
    },
    (w, m) => {
      w.u16(m.command, 'command');
      w.u8(m.groupType, 'type');
      w.zeros(1);
      w.u32(m.groupId, 'group_id');
      writeBuckets(w, m.buckets);
    },
  ),
  defineCodec(
    OFPT_PORT_MOD,
    'PortMod',
    (r, h) => {
      const portNo = r.u32('port_no');
      r.pad(4);
      const hwAddr = readMac(r, 'hw_addr');
      r.pad(2);
      const config = r.u32('config');
      const mask = r.u32('mask');
      const advertise = r.u32('advertise');
      r.pad(4);
      return { type: 'PortMod', version: h.version, xid: h.xid, portNo, hwAddr, config, mask, advertise };
    },
    (w, m) => {
      w.u32(m.portNo, 'port_no');
      w.zeros(4);
      writeMac(w, m.hwAddr, 'hw_addr');
      w.zeros(2);
      w.u32(m.config, 'config');
      w.u32(m.mask, 'mask');
      w.u32(m.advertise, 'advertise');
      w.zeros(4);
    },
  ),
  defineCodec(
    OFPT_TABLE_MOD,
    'TableMod',
    (r, h) => {
      const tableId = r.u8('table_id');
      r.pad(3);
      return { type: 'TableMod', version: h.version, xid: h.xid, tableId, config: r.u32('config') };
    },
    (w, m) => {
      w.u8(m.tableId, 'table_id');
      w.zeros(3);
      w.u32(m.config, 'config');
    },
  ),
  defineCodec(
    OFPT_METER_MOD,
    'MeterMod',
    (r, h) => {
      const command = r.u16('command');
      const flags = r.u16('flags');
      const meterId = r.u32('meter_id');
      return { type: 'MeterMod', version: h.version, xid: h.xid, command, flags, meterId, bands: readBands(r) };
    },
    (w, m) => {
      w.u16(m.command, 'command');
      w.u16(m.flags, 'flags');
      w.u32(m.meterId, 'meter_id');
      writeBands(w, m.bands);
    },
  ),
];
