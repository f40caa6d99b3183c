import type { Header, OfpMessage } from '../messages.js';
import { NX_EXPERIMENTER_ID, type NXAction } from '../nicira/index.js';
import type { Action10, Match10, Of10Message, PacketQueue10, StatsReplyBody10, StatsRequestBody10 } from '../of10/types.js';
import { STATS_TYPES } from '../of10/stats.js';
import { action } from './actions.js';
import { base64, classedStruct, type Field, ipv4, list, mac, type Spec, struct, text, u16, u32, u64, u8 } from './fields.js';
import { checkDerived, classed, fail, type JsonObject, readClassed, type RyuJson } from './json.js';
import { niciraActionFromRyu, niciraActionToRyu, niciraTypeOfClass } from './nicira.js';
import { frameFromRyu } from './packet.js';
import { phyPort10 } from './structs.js';

/**
 * OpenFlow 1.0 values <-> Ryu's ofproto_v1_0_parser JSON. Ryu's 1.0 classes show
 * no action `type`/`len` and call the experimenter id `vendor`; a 1.0 message
 * class has the 1.3 name (OFPFlowMod), so index.ts picks this table by version.
 */

const match10: Field<Match10> = classedStruct(
  'OFPMatch',
  struct<Match10>({
    wildcards: u32, inPort: u16, dlSrc: mac, dlDst: mac, dlVlan: u16, dlVlanPcp: u8, dlType: u16,
    nwTos: u8, nwProto: u8, nwSrc: ipv4, nwDst: ipv4, tpSrc: u16, tpDst: u16,
  }),
);

type Standard = Exclude<Action10, NXAction>;
type StandardType = Standard['type'];

const ACTION_CLASSES: { readonly [K in StandardType]: { cls: string; spec: Spec<Omit<Extract<Standard, { type: K }>, 'type'>> } } = {
  output: { cls: 'OFPActionOutput', spec: { port: u16, maxLen: u16 } },
  setVlanVid: { cls: 'OFPActionVlanVid', spec: { vlanVid: u16 } },
  setVlanPcp: { cls: 'OFPActionVlanPcp', spec: { vlanPcp: u8 } },
  stripVlan: { cls: 'OFPActionStripVlan', spec: {} },
  setDlSrc: { cls: 'OFPActionSetDlSrc', spec: { dlAddr: mac } },
  setDlDst: { cls: 'OFPActionSetDlDst', spec: { dlAddr: mac } },
  setNwSrc: { cls: 'OFPActionSetNwSrc', spec: { nwAddr: ipv4 } },
  setNwDst: { cls: 'OFPActionSetNwDst', spec: { nwAddr: ipv4 } },
  setNwTos: { cls: 'OFPActionSetNwTos', spec: { tos: u8 } },
  setTpSrc: { cls: 'OFPActionSetTpSrc', spec: { tp: u16 } },
  setTpDst: { cls: 'OFPActionSetTpDst', spec: { tp: u16 } },
  enqueue: { cls: 'OFPActionEnqueue', spec: { port: u16, queueId: u32 } },
  vendor: { cls: 'OFPActionVendor', spec: { vendor: u32, data: base64 } },
};

const TYPE_BY_CLASS = new Map<string, StandardType>((Object.keys(ACTION_CLASSES) as StandardType[]).map((t) => [ACTION_CLASSES[t].cls, t]));

/** 1.3's JSON of a Nicira action, reshaped the way Ryu prints it for 1.0. */
function niciraTo10(a: NXAction): RyuJson {
  const [[cls, body]] = Object.entries(niciraActionToRyu(a, action) as Record<string, Record<string, RyuJson>>) as [[string, Record<string, RyuJson>]];
  const { type: _type, len: _len, experimenter, ...rest } = body;
  return classed(cls, { ...rest, vendor: experimenter! });
}

const action10: Field<Action10> = {
  to(a) {
    const mapping = (ACTION_CLASSES as Record<string, { cls: string; spec: Spec<object> } | undefined>)[a.type];
    if (mapping === undefined) return niciraTo10(a as NXAction);
    const out: Record<string, RyuJson> = {};
    struct<object>(mapping.spec).write(a, out);
    return classed(mapping.cls, out);
  },
  from(j, path) {
    const { name, body } = readClassed(j, path);
    const nx = niciraTypeOfClass(name);
    if (nx !== undefined) {
      checkDerived(body, 'vendor', NX_EXPERIMENTER_ID);
      const reshaped = readClassed(classed(name, { ...withoutVendor(body), experimenter: NX_EXPERIMENTER_ID }), path).body;
      return niciraActionFromRyu(nx, reshaped, path, action) as Action10;
    }
    const type = TYPE_BY_CLASS.get(name);
    if (type === undefined) return fail(path, `unknown OpenFlow 1.0 action class ${name}`);
    const a = { type, ...struct<object>(ACTION_CLASSES[type].spec as Spec<object>).read(body) } as Action10;
    body.done();
    return a;
  },
};

function withoutVendor(body: JsonObject): Record<string, RyuJson> {
  const { vendor: _vendor, ...rest } = body.value;
  return rest;
}

const actions10 = list(action10);

const frame: Field<Uint8Array> = {
  to: (v) => base64.to(v),
  from: (j, path) => (typeof j === 'object' && j !== null ? frameFromRyu(j, path) : base64.from(j, path)),
};

const flowRequest = { match: match10, tableId: u8, outPort: u16 };

const REQUEST_CLASSES: { readonly [K in StatsRequestBody10['type']]: { cls: string; spec: Spec<Omit<Extract<StatsRequestBody10, { type: K }>, 'type'>> } } = {
  desc: { cls: 'OFPDescStatsRequest', spec: {} },
  flow: { cls: 'OFPFlowStatsRequest', spec: flowRequest },
  aggregate: { cls: 'OFPAggregateStatsRequest', spec: flowRequest },
  table: { cls: 'OFPTableStatsRequest', spec: {} },
  port: { cls: 'OFPPortStatsRequest', spec: { portNo: u16 } },
  queue: { cls: 'OFPQueueStatsRequest', spec: { portNo: u16, queueId: u32 } },
  vendor: { cls: 'OFPVendorStatsRequest', spec: { vendor: u32, data: base64 } },
};

const portCounters = {
  portNo: u16, rxPackets: u64, txPackets: u64, rxBytes: u64, txBytes: u64, rxDropped: u64, txDropped: u64,
  rxErrors: u64, txErrors: u64, rxFrameErr: u64, rxOverErr: u64, rxCrcErr: u64, collisions: u64,
};

const REPLY_CLASSES: { readonly [K in StatsReplyBody10['type']]: { cls: string; spec: Spec<Omit<Extract<StatsReplyBody10, { type: K }>, 'type'>> } } = {
  desc: { cls: 'OFPDescStatsReply', spec: { mfrDesc: text, hwDesc: text, swDesc: text, serialNum: text, dpDesc: text } },
  flow: {
    cls: 'OFPFlowStatsReply',
    spec: {
      stats: list(classedStruct('OFPFlowStats', struct({
        tableId: u8, match: match10, durationSec: u32, durationNsec: u32, priority: u16, idleTimeout: u16,
        hardTimeout: u16, cookie: u64, packetCount: u64, byteCount: u64, actions: actions10,
      }))),
    },
  },
  aggregate: { cls: 'OFPAggregateStatsReply', spec: { packetCount: u64, byteCount: u64, flowCount: u32 } },
  table: {
    cls: 'OFPTableStatsReply',
    spec: {
      stats: list(classedStruct('OFPTableStats', struct({
        tableId: u8, name: text, wildcards: u32, maxEntries: u32, activeCount: u32, lookupCount: u64, matchedCount: u64,
      }))),
    },
  },
  port: { cls: 'OFPPortStatsReply', spec: { stats: list(classedStruct('OFPPortStats', struct(portCounters))) } },
  queue: {
    cls: 'OFPQueueStatsReply',
    spec: { stats: list(classedStruct('OFPQueueStats', struct({ portNo: u16, queueId: u32, txBytes: u64, txPackets: u64, txErrors: u64 }))) },
  },
  vendor: { cls: 'OFPVendorStatsReply', spec: { vendor: u32, data: base64 } },
};

const queue10: Field<PacketQueue10> = classedStruct(
  'OFPPacketQueue',
  struct<PacketQueue10>({
    queueId: u32,
    properties: list({
      to: (p) => classed('OFPQueuePropMinRate', { rate: p.rate }),
      from: (j, path) => {
        const { name, body } = readClassed(j, path);
        if (name !== 'OFPQueuePropMinRate') fail(path, `unknown OpenFlow 1.0 queue property class ${name}`);
        const rate = u16.from(body.get('rate'), body.at('rate'));
        body.done();
        return { type: 'minRate' as const, rate };
      },
    }),
  }),
);

type Tag = Of10Message['type'];
const MESSAGES: { readonly [K in Exclude<Tag, 'StatsRequest' | 'StatsReply'>]: { cls: string; spec: Spec<Omit<Extract<Of10Message, { type: K }>, 'type' | 'version' | 'xid'>> } } = {
  PacketIn10: { cls: 'OFPPacketIn', spec: { bufferId: u32, totalLen: u16, inPort: u16, reason: u8, data: base64 } },
  PacketOut10: { cls: 'OFPPacketOut', spec: { bufferId: u32, inPort: u16, actions: actions10, data: frame } },
  FlowMod10: {
    cls: 'OFPFlowMod',
    spec: {
      match: match10, cookie: u64, command: u16, idleTimeout: u16, hardTimeout: u16, priority: u16,
      bufferId: u32, outPort: u16, flags: u16, actions: actions10,
    },
  },
  FlowRemoved10: {
    cls: 'OFPFlowRemoved',
    spec: {
      match: match10, cookie: u64, priority: u16, reason: u8, durationSec: u32, durationNsec: u32,
      idleTimeout: u16, packetCount: u64, byteCount: u64,
    },
  },
  PortStatus10: { cls: 'OFPPortStatus', spec: { reason: u8, desc: phyPort10 } },
  Vendor: { cls: 'OFPVendor', spec: { vendor: u32, data: base64 } },
  QueueGetConfigReply10: { cls: 'OFPQueueGetConfigReply', spec: { port: u16, queues: list(queue10) } },
};

/** Ryu's JSON of a 1.0-only message value. */
export function of10ToRyu(msg: Of10Message): RyuJson {
  const out: Record<string, RyuJson> = {};
  if (msg.type === 'StatsRequest' || msg.type === 'StatsReply') {
    const table = msg.type === 'StatsRequest' ? REQUEST_CLASSES : REPLY_CLASSES;
    const mapping = (table as Record<string, { cls: string; spec: Spec<object> }>)[msg.body.type]!;
    out['flags'] = msg.flags;
    out['type'] = STATS_TYPES[msg.body.type];
    struct<object>(mapping.spec).write(msg.body, out);
    return classed(mapping.cls, out);
  }
  const mapping = MESSAGES[msg.type] as { cls: string; spec: Spec<object> };
  struct<object>(mapping.spec).write(msg, out);
  return classed(mapping.cls, out);
}

type Reader10 = (body: JsonObject, h: Header) => OfpMessage;

/** Ryu class -> reader, for messages whose 1.0 class means another value than in 1.3. */
export const READERS_10: ReadonlyMap<string, Reader10> = (() => {
  const readers = new Map<string, Reader10>();
  for (const type of Object.keys(MESSAGES) as (keyof typeof MESSAGES)[]) {
    const mapping = MESSAGES[type] as { cls: string; spec: Spec<object> };
    readers.set(mapping.cls, (o, h) => ({ type, version: h.version, xid: h.xid, ...struct<object>(mapping.spec).read(o) }) as OfpMessage);
  }
  for (const [type, table] of [['StatsRequest', REQUEST_CLASSES], ['StatsReply', REPLY_CLASSES]] as const) {
    for (const [bodyType, mapping] of Object.entries(table) as [StatsRequestBody10['type'], { cls: string; spec: Spec<object> }][]) {
      readers.set(mapping.cls, (o, h) => {
        const flags = u16.from(o.get('flags'), o.at('flags'));
        checkDerived(o, 'type', STATS_TYPES[bodyType]);
        const body = { type: bodyType, ...struct<object>(mapping.spec).read(o) };
        return { type, version: h.version, xid: h.xid, flags, body } as OfpMessage;
      });
    }
  }
  return readers;
})();
