import { OFP_VERSION_1_0, OFP_VERSION_1_3, OFP_VERSION_1_4, OFP_VERSION_1_5, OFP_VERSION_NAMES } from '../constants.js';
import type { Header, MultipartReply, MultipartRequest, OfpMessage, OfpMessageType } from '../messages.js';
import type { MultipartReplyBody, MultipartRequestBody } from '../multipart-types.js';
import { base64, type Struct, u16, u32, u8 } from './fields.js';
import { checkDerived, classed, fail, type JsonObject, readClassed, type RyuJson, type RyuJsonObject } from './json.js';
import {
  errorExperimenterToRyu,
  errorFromRyu,
  featuresFromRyu,
  featuresToRyu,
  helloFromRyu,
  helloToRyu,
  packetOutFromRyu,
  packetOutToRyu,
  PLAIN,
  type PlainType,
} from './messages.js';
import { type KnownMultipartType, MULTIPART_TYPES, REPLIES, REQUESTS } from './multipart.js';
import { flowMonitorFromRyu, flowMonitorToRyu, ONF_FLOW_MONITOR_CLASS } from './onf.js';
import { of10ToRyu, READERS_10 } from './of10.js';

/**
 * OpenFlow message values <-> Ryu's `to_jsondict` form, the JSON that Ryu and
 * os-ken print and read (`{"OFPFlowMod": {...}}`). Pure functions. See README.md
 * in this folder for the mapping rules and the places where we differ from Ryu.
 */

export { OfpJsonError } from './errors.js';
export { parseRyuJson, stringifyRyuJson, type RyuJson, type RyuJsonObject } from './json.js';

/** Message types modelled for versions other than 1.0 and 1.3 (what version negotiation needs), as in codec.ts. */
const NEGOTIATION_TYPES: ReadonlySet<OfpMessageType> = new Set<OfpMessageType>([
  'Hello', 'Error', 'ErrorExperimenter', 'EchoRequest', 'EchoReply', 'FeaturesRequest', 'FeaturesReply', 'Unknown',
]);

/** The 1.3 tags a 1.0 message also uses (same shape); every other 1.0 message has a 1.0 tag (of10/types.ts). */
const SHARED_WITH_10: ReadonlySet<OfpMessageType> = new Set<OfpMessageType>([
  'GetConfigRequest', 'GetConfigReply', 'SetConfig', 'BarrierRequest', 'BarrierReply', 'PortMod', 'QueueGetConfigRequest',
]);

const OF10_TAGS: ReadonlySet<OfpMessageType> = new Set<OfpMessageType>([
  'PacketIn10', 'PacketOut10', 'FlowMod10', 'FlowRemoved10', 'PortStatus10', 'Vendor', 'QueueGetConfigReply10', 'StatsRequest', 'StatsReply',
]);

function modelled(version: number, type: OfpMessageType): boolean {
  if (OF10_TAGS.has(type)) return version === OFP_VERSION_1_0;
  if (version === OFP_VERSION_1_3) return true;
  if (version === OFP_VERSION_1_0) return (NEGOTIATION_TYPES.has(type) || SHARED_WITH_10.has(type)) && type !== 'ErrorExperimenter';
  if (version === OFP_VERSION_1_4 || version === OFP_VERSION_1_5) return NEGOTIATION_TYPES.has(type);
  return type === 'Unknown';
}

function multipartNumber(body: MultipartRequestBody | MultipartReplyBody): number {
  if (body.type === 'onfFlowMonitor') return MULTIPART_TYPES.experimenter;
  return body.type === 'unknown' ? body.multipartType : MULTIPART_TYPES[body.type];
}

function multipartToRyu(m: MultipartRequest | MultipartReply): RyuJson {
  const out: Record<string, RyuJson> = { flags: m.flags, type: multipartNumber(m.body) };
  if (m.body.type === 'onfFlowMonitor') {
    flowMonitorToRyu(m.body.monitors, out);
    return classed(ONF_FLOW_MONITOR_CLASS, out);
  }
  if (m.body.type === 'unknown') {
    out['data'] = base64.to(m.body.data);
    return classed(m.type === 'MultipartRequest' ? 'OFPMultipartRequestUnknown' : 'OFPMultipartReplyUnknown', out);
  }
  const mapping = (m.type === 'MultipartRequest' ? REQUESTS : REPLIES)[m.body.type] as { cls: string; fields: Struct<unknown> };
  mapping.fields.write(m.body, out);
  return classed(mapping.cls, out);
}

/**
 * Ryu's to_jsondict of `msg`: `{ "<RyuClass>": { ...attributes } }`, without
 * the header (version, xid). Derived fields Ryu shows (len, length, type
 * numbers, actions_len) are computed from the value. u64 values above 2^53 are
 * bigint; write the result with `stringifyRyuJson`.
 *
 * @throws OfpJsonError only for a value no codec produces (an OXM field name
 *   the codec does not know).
 */
export function toRyuJson(msg: OfpMessage): RyuJson {
  switch (msg.type) {
    case 'Hello':
      return classed('OFPHello', helloToRyu(msg));
    case 'ErrorExperimenter':
      return classed('OFPErrorMsg', errorExperimenterToRyu(msg));
    case 'FeaturesReply':
      return classed('OFPSwitchFeatures', featuresToRyu(msg));
    case 'PacketOut':
      return classed('OFPPacketOut', packetOutToRyu(msg));
    case 'MultipartRequest':
    case 'MultipartReply':
      return multipartToRyu(msg);
    case 'Unknown':
      return classed('OFPMessageUnknown', { msg_type: msg.msgType, data: base64.to(msg.body) });
    case 'PacketIn10':
    case 'PacketOut10':
    case 'FlowMod10':
    case 'FlowRemoved10':
    case 'PortStatus10':
    case 'Vendor':
    case 'QueueGetConfigReply10':
    case 'StatsRequest':
    case 'StatsReply':
      return of10ToRyu(msg);
    default: {
      const mapping = PLAIN[msg.type] as { cls: string; fields: Struct<unknown> };
      const out: Record<string, RyuJson> = {};
      mapping.fields.write(msg, out);
      return classed(mapping.cls, out);
    }
  }
}

type Reader = (body: JsonObject, h: Header) => OfpMessage;

function multipartReader(type: 'MultipartRequest' | 'MultipartReply', bodyType: KnownMultipartType | 'unknown'): Reader {
  return (o, h) => {
    const flags = u16.from(o.get('flags'), o.at('flags'));
    let body: MultipartRequestBody | MultipartReplyBody;
    if (bodyType === 'unknown') {
      body = { type: 'unknown', multipartType: u16.from(o.get('type'), o.at('type')), data: base64.from(o.get('data'), o.at('data')) };
    } else {
      const mapping = (type === 'MultipartRequest' ? REQUESTS : REPLIES)[bodyType] as { fields: Struct<object> };
      body = { type: bodyType, ...mapping.fields.read(o) } as MultipartRequestBody | MultipartReplyBody;
      checkDerived(o, 'type', MULTIPART_TYPES[bodyType]);
    }
    return { type, version: h.version, xid: h.xid, flags, body } as MultipartRequest | MultipartReply;
  };
}

/** Ryu class name -> the message type it becomes and how to read its body. */
const READERS: ReadonlyMap<string, { type: OfpMessageType; read: Reader }> = (() => {
  const readers = new Map<string, { type: OfpMessageType; read: Reader }>();
  for (const type of Object.keys(PLAIN) as PlainType[]) {
    const mapping = PLAIN[type] as { cls: string; fields: Struct<object> };
    readers.set(mapping.cls, { type, read: (o, h) => ({ type, version: h.version, xid: h.xid, ...mapping.fields.read(o) }) as OfpMessage });
  }
  // OFPErrorMsg is either 'Error' or 'ErrorExperimenter', decided by its type field.
  readers.set('OFPErrorMsg', { type: 'Error', read: errorFromRyu });
  readers.set('OFPHello', { type: 'Hello', read: helloFromRyu });
  readers.set('OFPSwitchFeatures', { type: 'FeaturesReply', read: featuresFromRyu });
  readers.set('OFPPacketOut', { type: 'PacketOut', read: packetOutFromRyu });
  for (const bodyType of Object.keys(MULTIPART_TYPES) as KnownMultipartType[]) {
    readers.set(REQUESTS[bodyType].cls, { type: 'MultipartRequest', read: multipartReader('MultipartRequest', bodyType) });
    readers.set(REPLIES[bodyType].cls, { type: 'MultipartReply', read: multipartReader('MultipartReply', bodyType) });
  }
  readers.set(ONF_FLOW_MONITOR_CLASS, {
    type: 'MultipartRequest',
    read: (o, h) => {
      const flags = u16.from(o.get('flags'), o.at('flags'));
      checkDerived(o, 'type', MULTIPART_TYPES.experimenter);
      return { type: 'MultipartRequest', version: h.version, xid: h.xid, flags, body: { type: 'onfFlowMonitor', monitors: flowMonitorFromRyu(o) } };
    },
  });
  readers.set('OFPMultipartRequestUnknown', { type: 'MultipartRequest', read: multipartReader('MultipartRequest', 'unknown') });
  readers.set('OFPMultipartReplyUnknown', { type: 'MultipartReply', read: multipartReader('MultipartReply', 'unknown') });
  readers.set('OFPMessageUnknown', {
    type: 'Unknown',
    read: (o, h) => ({ type: 'Unknown', version: h.version, xid: h.xid, msgType: u8.from(o.get('msg_type'), o.at('msg_type')), body: base64.from(o.get('data'), o.at('data')) }),
  });
  return readers;
})();

/**
 * The message value of Ryu's to_jsondict form `json`, with the header fields
 * from `header`. Derived fields (len, length, type numbers) may be left out;
 * when present they must match. Keys are checked: a missing or unexpected key is
 * an error.
 *
 * @throws OfpJsonError naming the JSON path of what is wrong, e.g.
 *   `$.OFPFlowMod.match.OFPMatch.oxm_fields[2].OXMTlv.value`.
 */
export function fromRyuJson(json: RyuJson, header: Header, path = '$'): OfpMessage {
  const { name, body } = readClassed(json, path);
  const reader10 = header.version === OFP_VERSION_1_0 ? READERS_10.get(name) : undefined;
  if (reader10 !== undefined) {
    const msg = reader10(body, { version: OFP_VERSION_1_0, xid: u32.from(header.xid, `${path} (header xid)`) });
    body.done();
    return msg;
  }
  const reader = READERS.get(name);
  if (reader === undefined) {
    if (name.startsWith('ONF') || name.startsWith('NX')) {
      fail(path, `${name} is an experimenter message Ryu decodes further; this codec keeps experimenter bodies opaque (use OFPExperimenter or OFPExperimenterStatsRequest/Reply with base64 data)`);
    }
    fail(path, `unknown message class ${name}`);
  }
  const version = u8.from(header.version, `${path} (header version)`);
  const xid = u32.from(header.xid, `${path} (header xid)`);
  if (!modelled(version, reader.type)) {
    const v = OFP_VERSION_NAMES[version] ?? `0x${version.toString(16)}`;
    fail(path, `${name} is not modelled for OpenFlow ${v}; give it as OFPMessageUnknown {msg_type, data}`);
  }
  const msg = reader.read(body, { version, xid });
  body.done();
  return msg;
}

/**
 * The form `sdn-runtime ofp decode` prints: Ryu's to_jsondict plus the header,
 * `{"version": 4, "xid": 7, "OFPHello": {...}}`.
 */
export function toRyuDocument(msg: OfpMessage): RyuJsonObject {
  return { version: msg.version, xid: msg.xid, ...(toRyuJson(msg) as RyuJsonObject) };
}

/**
 * Reads a document in either form: with `version`/`xid` keys, or Ryu's bare
 * to_jsondict (as in Ryu's test files), taking the header from `defaults`.
 *
 * @throws OfpJsonError naming the JSON path of what is wrong.
 */
export function fromRyuDocument(doc: RyuJson, defaults: Header, path = '$'): OfpMessage {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) fail(path, 'expected a JSON object like {"OFPHello": {...}}');
  const { version, xid, ...rest } = doc as RyuJsonObject;
  return fromRyuJson(rest, {
    version: version === undefined ? defaults.version : u8.from(version, `${path}.version`),
    xid: xid === undefined ? defaults.xid : u32.from(xid, `${path}.xid`),
  }, path);
}
