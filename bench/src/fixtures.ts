import {
  OFP_NO_BUFFER,
  OFP_VERSION_1_3,
  OFPFC_ADD,
  OFPG_ANY,
  OFPP_ANY,
  OFPR_NO_MATCH,
  type Action,
  type Instruction,
  type OfpMessage,
  type OxmTlv,
} from '../../runtime/dist/openflow/index.js';

/**
 * The messages both sides of the codec benchmark handle, with their wire bytes
 * written out from the OpenFlow 1.3.5 struct layouts. Each side checks its own
 * encoder against these bytes (and its decoder against these values) before it
 * times anything, so both provably do the same work on the same bytes.
 *
 * Values are built per message from small literals (the helpers below), the way an
 * app would with builder functions. Why not one nested literal: V8 allocates an
 * object literal inline only up to a nesting depth of 3; a deeper one (a FlowMod
 * with instructions -> actions is depth 5) is copied by a runtime call that cost
 * ~330 ns per FlowMod here, more than the encoding we mean to measure.
 */

/** The xid of every reference message; the timed loops use the loop index instead. */
export const XID = 0x12345678;

/** Bytes from hex text; whitespace separates fields, `#` starts a comment to the end of the line. */
function hex(text: string): Buffer {
  return Buffer.from(text.replace(/#[^\n]*/g, '').replace(/\s+/g, ''), 'hex');
}

/** A 64-byte Ethernet frame (00:..:01 -> 00:..:02, IPv4 ethertype) with 50 counting bytes. */
export const FRAME = Buffer.concat([hex('000000000002 000000000001 0800'), Buffer.from(Array.from({ length: 50 }, (_, i) => i))]);

/** Ids shared with bench/peers/osken_codec.py. */
export type EncodeId = 'hello' | 'hello_bitmap' | 'flow_mod' | 'flow_mod_ct' | 'packet_out';

export interface EncodeFixture {
  readonly id: EncodeId;
  readonly label: string;
  readonly bytes: Buffer;
  /** A fresh message value, as an app builds one per message. */
  readonly build: (xid: number) => OfpMessage;
}

const MAC_1 = '00:00:00:00:00:01';
const MAC_2 = '00:00:00:00:00:02';

function oxm(field: string, value: number | string): OxmTlv {
  return { field, value };
}

function output(port: number): Action {
  return { type: 'output', port, maxLen: 0 };
}

function applyActions(actions: readonly Action[]): Instruction {
  return { type: 'applyActions', actions };
}

export const ENCODE_FIXTURES: readonly EncodeFixture[] = [
  {
    id: 'hello',
    label: 'Hello encode, header only (8 B)',
    bytes: hex('04 00 0008 12345678'),
    build: (xid) => ({ type: 'Hello', version: OFP_VERSION_1_3, xid, elements: [] }),
  },
  {
    id: 'hello_bitmap',
    label: 'Hello encode, bitmap [1.3] (16 B)',
    // ofp_hello_elem_versionbitmap: type 1, length 8, bitmap with bit 4 (0x04) set.
    bytes: hex('04 00 0010 12345678  0001 0008 00000010'),
    build: (xid) => {
      const bitmap = { type: 'versionBitmap', versions: [OFP_VERSION_1_3] } as const;
      return { type: 'Hello', version: OFP_VERSION_1_3, xid, elements: [bitmap] };
    },
  },
  {
    id: 'flow_mod',
    label: 'FlowMod encode, 3 OXM + output (104 B)',
    bytes: hex(`
      04 0e 0068 12345678
      0000000000000000 0000000000000000     # cookie, cookie_mask
      00 00 0000 0000 0001                  # table_id, command ADD, idle, hard, priority 1
      ffffffff ffffffff ffffffff 0000 0000  # buffer_id, out_port ANY, out_group ANY, flags, pad
      0001 0020                             # match OXM, length 32
      80000004 00000001                     # in_port 1
      80000606 000000000002                 # eth_dst
      80000806 000000000001                 # eth_src
      0004 0018 00000000                    # APPLY_ACTIONS, length 24
      0000 0010 00000002 0000 000000000000  # OUTPUT port 2, max_len 0
    `),
    build: (xid) => {
      const match = [oxm('in_port', 1), oxm('eth_dst', MAC_2), oxm('eth_src', MAC_1)];
      const instructions = [applyActions([output(2)])];
      return {
        type: 'FlowMod',
        version: OFP_VERSION_1_3,
        xid,
        cookie: 0n,
        cookieMask: 0n,
        tableId: 0,
        command: OFPFC_ADD,
        idleTimeout: 0,
        hardTimeout: 0,
        priority: 1,
        bufferId: OFP_NO_BUFFER,
        outPort: OFPP_ANY,
        outGroup: OFPG_ANY,
        flags: 0,
        match,
        instructions,
      };
    },
  },
  {
    id: 'flow_mod_ct',
    label: 'FlowMod encode, ip + ct(commit, nat) + resubmit (136 B)',
    bytes: hex(`
      04 0e 0088 12345678
      0000000000000000 0000000000000000     # cookie, cookie_mask
      00 00 0000 0000 0064                  # table_id, command ADD, idle, hard, priority 100
      ffffffff ffffffff ffffffff 0000 0000  # buffer_id, out_port ANY, out_group ANY, flags, pad
      0001 000a 80000a02 0800 000000000000  # match: eth_type IPv4, padded to 16
      0004 0048 00000000                    # APPLY_ACTIONS, length 72
      ffff 0030 00002320 0023               # NXAST_CT, length 48
      0001 00000000 0001 ff 000000 0000     # flags COMMIT, zone_src none, zone 1, recirc_table none, pad, alg
      ffff 0018 00002320 0024               # nested NXAST_NAT, length 24
      0000 0001 0003 0a000001 0a000009      # pad, flags SRC, range present ipv4 min|max, 10.0.0.1-10.0.0.9
      ffff 0010 00002320 000e               # NXAST_RESUBMIT_TABLE, length 16
      fff8 01 000000                        # in_port IN_PORT, table 1, pad
    `),
    build: (xid) => {
      const nat: Action = { type: 'nxNat', flags: 1, rangeIpv4Min: '10.0.0.1', rangeIpv4Max: '10.0.0.9' };
      const ct: Action = { type: 'nxCt', flags: 1, zoneSrc: '', zoneOfsNbits: 1, recircTable: 255, alg: 0, actions: [nat] };
      const resubmit: Action = { type: 'nxResubmitTable', inPort: 0xfff8, tableId: 1 };
      return {
        type: 'FlowMod',
        version: OFP_VERSION_1_3,
        xid,
        cookie: 0n,
        cookieMask: 0n,
        tableId: 0,
        command: OFPFC_ADD,
        idleTimeout: 0,
        hardTimeout: 0,
        priority: 100,
        bufferId: OFP_NO_BUFFER,
        outPort: OFPP_ANY,
        outGroup: OFPG_ANY,
        flags: 0,
        match: [oxm('eth_type', 0x0800)],
        instructions: [applyActions([ct, resubmit])],
      };
    },
  },
  {
    id: 'packet_out',
    label: 'PacketOut encode, output + 64 B frame (104 B)',
    // buffer_id NO_BUFFER, in_port 1, actions_len 16, pad 6, OUTPUT port 2 max_len 0, frame.
    bytes: Buffer.concat([hex('04 0d 0068 12345678  ffffffff 00000001 0010 000000000000  0000 0010 00000002 0000 000000000000'), FRAME]),
    build: (xid) => ({
      type: 'PacketOut',
      version: OFP_VERSION_1_3,
      xid,
      bufferId: OFP_NO_BUFFER,
      inPort: 1,
      actions: [output(2)],
      data: FRAME,
    }),
  },
];

/**
 * A PACKET_IN as a switch sends a table miss: buffer_id NO_BUFFER, total_len 64,
 * reason NO_MATCH, table 0, cookie 0, match [in_port 1] padded to 16, pad 2, frame.
 */
export const PACKET_IN_BYTES = Buffer.concat([
  hex('04 0a 006a 12345678  ffffffff 0040 00 00 0000000000000000  0001 000c 80000004 00000001 00000000  0000'),
  FRAME,
]);

/** The fields whose value is not the expected one, as one line; undefined when all are. */
function wrongFields(fields: readonly (readonly [string, unknown, unknown])[]): string | undefined {
  const wrong = fields.filter(([, got, want]) => got !== want);
  return wrong.length === 0 ? undefined : wrong.map(([name, got, want]) => `${name} is ${String(got)}, expected ${String(want)}`).join('; ');
}

/** An OpenFlow 1.0 PACKET_IN (ofp_packet_in): buffer_id NO_BUFFER, total_len 64, in_port 1, reason NO_MATCH, pad, frame. */
export const PACKET_IN_10_BYTES = Buffer.concat([hex('01 0a 0052 12345678  ffffffff 0040 0001 00 00'), FRAME]);

/** Why `msg` is not what a correct decoder makes of PACKET_IN_10_BYTES, or undefined when it is. */
export function packetIn10Problem(msg: OfpMessage): string | undefined {
  if (msg.type !== 'PacketIn10') return `decodeMessage gave a ${msg.type} value, not a PacketIn10`;
  const fields: [string, unknown, unknown][] = [
    ['xid', msg.xid, XID],
    ['bufferId', msg.bufferId, OFP_NO_BUFFER],
    ['totalLen', msg.totalLen, 64],
    ['inPort', msg.inPort, 1],
    ['reason', msg.reason, OFPR_NO_MATCH],
    ['data', Buffer.from(msg.data).equals(FRAME), true],
  ];
  return wrongFields(fields);
}

/** Why `msg` is not what a correct decoder makes of PACKET_IN_BYTES, or undefined when it is. */
export function packetInProblem(msg: OfpMessage): string | undefined {
  if (msg.type !== 'PacketIn') return `decodeMessage gave a ${msg.type} value, not a PacketIn`;
  const [field, ...more] = msg.match;
  const fields: [string, unknown, unknown][] = [
    ['xid', msg.xid, XID],
    ['bufferId', msg.bufferId, OFP_NO_BUFFER],
    ['totalLen', msg.totalLen, 64],
    ['reason', msg.reason, OFPR_NO_MATCH],
    ['tableId', msg.tableId, 0],
    ['cookie', msg.cookie, 0n],
    ['match.length', more.length + (field === undefined ? 0 : 1), 1],
    ['match[0]', field && 'value' in field ? `${field.field}=${String(field.value)}/${String(field.mask)}` : field, 'in_port=1/undefined'],
    ['data', Buffer.from(msg.data).equals(FRAME), true],
  ];
  return wrongFields(fields);
}
