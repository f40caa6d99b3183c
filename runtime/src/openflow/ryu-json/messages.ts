import { OFP_VERSION_1_0, OFPET_EXPERIMENTER, OFPHET_VERSIONBITMAP } from '../constants.js';
import type { AsyncConfig, FeaturesReply, Header, Hello, HelloElement, MessageOf, OfpMessageType } from '../messages.js';
import { action, actionsLength } from './actions.js';
import { base64, type Field, list, mac, type Spec, struct, type Struct, tuple, u16, u32, u64, u8 } from './fields.js';
import { instruction } from './instructions.js';
import { checkDerived, classed, describeJson, fail, type JsonObject, readArray, readClassed, type RyuJson } from './json.js';
import { match } from './oxm.js';
import { frameFromRyu } from './packet.js';
import { bucket, meterBand, packetQueue, phyPort10, port } from './structs.js';

/**
 * Message bodies other than multipart: one Ryu class per message (OFPFlowMod,
 * OFPSwitchFeatures, ...). Most map field by field (camelCase <-> snake_case);
 * HELLO, ERROR, FEATURES_REPLY and PACKET_OUT have their own code below.
 */

type Fields<T extends OfpMessageType> = Omit<MessageOf<T>, 'type' | 'version' | 'xid'>;

interface PlainMapping<T extends OfpMessageType> {
  readonly cls: string;
  readonly fields: Struct<Fields<T>>;
}

function plain<T extends OfpMessageType>(cls: string, spec: Spec<Fields<T>>, rename: { readonly [K in keyof Fields<T>]?: string } = {}): PlainMapping<T> {
  return { cls, fields: struct<Fields<T>>(spec, rename) };
}

const asyncSpec: Spec<AsyncConfig> = {
  packetInMask: tuple<readonly [number, number]>(u32, 2),
  portStatusMask: tuple<readonly [number, number]>(u32, 2),
  flowRemovedMask: tuple<readonly [number, number]>(u32, 2),
};

export type PlainType =
  | 'Error' | 'EchoRequest' | 'EchoReply' | 'Experimenter' | 'FeaturesRequest'
  | 'GetConfigRequest' | 'GetConfigReply' | 'SetConfig' | 'PacketIn' | 'FlowRemoved' | 'PortStatus'
  | 'FlowMod' | 'GroupMod' | 'PortMod' | 'TableMod' | 'MeterMod' | 'BarrierRequest' | 'BarrierReply'
  | 'QueueGetConfigRequest' | 'QueueGetConfigReply' | 'RoleRequest' | 'RoleReply'
  | 'GetAsyncRequest' | 'GetAsyncReply' | 'SetAsync';

export const PLAIN: { readonly [K in PlainType]: PlainMapping<K> } = {
  Error: plain('OFPErrorMsg', { errorType: u16, code: u16, data: base64 }, { errorType: 'type' }),
  EchoRequest: plain('OFPEchoRequest', { data: base64 }),
  EchoReply: plain('OFPEchoReply', { data: base64 }),
  Experimenter: plain('OFPExperimenter', { experimenter: u32, expType: u32, data: base64 }),
  FeaturesRequest: plain('OFPFeaturesRequest', {}),
  GetConfigRequest: plain('OFPGetConfigRequest', {}),
  GetConfigReply: plain('OFPGetConfigReply', { flags: u16, missSendLen: u16 }),
  SetConfig: plain('OFPSetConfig', { flags: u16, missSendLen: u16 }),
  PacketIn: plain('OFPPacketIn', { bufferId: u32, totalLen: u16, reason: u8, tableId: u8, cookie: u64, match, data: base64 }),
  FlowRemoved: plain('OFPFlowRemoved', {
    cookie: u64, priority: u16, reason: u8, tableId: u8, durationSec: u32, durationNsec: u32,
    idleTimeout: u16, hardTimeout: u16, packetCount: u64, byteCount: u64, match,
  }),
  PortStatus: plain('OFPPortStatus', { reason: u8, desc: port }),
  FlowMod: plain('OFPFlowMod', {
    cookie: u64, cookieMask: u64, tableId: u8, command: u8, idleTimeout: u16, hardTimeout: u16, priority: u16,
    bufferId: u32, outPort: u32, outGroup: u32, flags: u16, match, instructions: list(instruction),
  }),
  GroupMod: plain('OFPGroupMod', { command: u16, groupType: u8, groupId: u32, buckets: list(bucket) }, { groupType: 'type' }),
  PortMod: plain('OFPPortMod', { portNo: u32, hwAddr: mac, config: u32, mask: u32, advertise: u32 }),
  TableMod: plain('OFPTableMod', { tableId: u8, config: u32 }),
  MeterMod: plain('OFPMeterMod', { command: u16, flags: u16, meterId: u32, bands: list(meterBand) }),
  BarrierRequest: plain('OFPBarrierRequest', {}),
  BarrierReply: plain('OFPBarrierReply', {}),
  QueueGetConfigRequest: plain('OFPQueueGetConfigRequest', { port: u32 }),
  QueueGetConfigReply: plain('OFPQueueGetConfigReply', { port: u32, queues: list(packetQueue) }),
  RoleRequest: plain('OFPRoleRequest', { role: u32, generationId: u64 }),
  RoleReply: plain('OFPRoleReply', { role: u32, generationId: u64 }),
  GetAsyncRequest: plain('OFPGetAsyncRequest', {}),
  GetAsyncReply: plain('OFPGetAsyncReply', asyncSpec),
  SetAsync: plain('OFPSetAsync', asyncSpec),
};

// ---------------------------------------------------------------- HELLO

function bitmapWords(versions: readonly number[], words: number | undefined): number {
  return words ?? Math.floor(versions.reduce((a, b) => Math.max(a, b), 0) / 32) + 1;
}

/**
 * OFPHelloElemVersionBitmap; an element of another type, which Ryu skips, is
 * written as `OFPHelloElemUnknown {type, length, data}` so nothing is lost.
 */
const helloElement: Field<HelloElement> = {
  to(e) {
    if (e.type === 'versionBitmap') {
      return classed('OFPHelloElemVersionBitmap', { type: OFPHET_VERSIONBITMAP, length: 4 + 4 * bitmapWords(e.versions, e.bitmapWords), versions: [...e.versions] });
    }
    return classed('OFPHelloElemUnknown', { type: e.elementType, length: 4 + e.data.length, data: base64.to(e.data) });
  },
  from(j, path) {
    const { name, body } = readClassed(j, path);
    let e: HelloElement;
    if (name === 'OFPHelloElemVersionBitmap') {
      checkDerived(body, 'type', OFPHET_VERSIONBITMAP);
      const versions = list(u8).from(body.get('versions'), body.at('versions'));
      // `length` is not only derived: it says how many bitmap words the sender wrote.
      const length = body.opt('length');
      if (length === undefined) {
        e = { type: 'versionBitmap', versions };
      } else {
        const words = (u16.from(length, body.at('length')) - 4) / 4;
        if (!Number.isInteger(words) || words < 1 || words * 32 <= Math.max(0, ...versions)) {
          fail(body.at('length'), `${describeJson(length)} is not 4 plus 4 bytes per bitmap word holding versions ${versions.join(', ')}`);
        }
        e = { type: 'versionBitmap', versions, bitmapWords: words };
      }
    } else if (name === 'OFPHelloElemUnknown') {
      const data = base64.from(body.get('data'), body.at('data'));
      e = { type: 'opaque', elementType: u16.from(body.get('type'), body.at('type')), data };
      checkDerived(body, 'length', 4 + data.length);
    } else {
      return fail(path, `unknown hello element class ${name}`);
    }
    body.done();
    return e;
  },
};

export function helloToRyu(m: Hello): Record<string, RyuJson> {
  // Ryu's OpenFlow 1.0 OFPHello has no elements attribute.
  if (m.version === OFP_VERSION_1_0 && m.elements.length === 0) return {};
  return { elements: m.elements.map((e) => helloElement.to(e)) };
}

export function helloFromRyu(o: JsonObject, h: Header): Hello {
  const elements = o.has('elements') ? readArray(o.get('elements'), o.at('elements')).map((e) => helloElement.from(e.value, e.path)) : [];
  return { type: 'Hello', version: h.version, xid: h.xid, elements };
}

// ---------------------------------------------------------------- ERROR (experimenter)

export function errorFromRyu(o: JsonObject, h: Header): MessageOf<'Error'> | MessageOf<'ErrorExperimenter'> {
  const type = u16.from(o.get('type'), o.at('type'));
  if (type !== OFPET_EXPERIMENTER || h.version === OFP_VERSION_1_0) {
    const code = u16.from(o.get('code'), o.at('code'));
    return { type: 'Error', version: h.version, xid: h.xid, errorType: type, code, data: base64.from(o.get('data'), o.at('data')) };
  }
  const code = o.opt('code');
  if (code !== undefined && code !== null) fail(o.at('code'), `an experimenter error (type 65535) has no code, got ${describeJson(code)}`);
  return {
    type: 'ErrorExperimenter',
    version: h.version,
    xid: h.xid,
    expType: u16.from(o.get('exp_type'), o.at('exp_type')),
    experimenter: u32.from(o.get('experimenter'), o.at('experimenter')),
    data: base64.from(o.get('data'), o.at('data')),
  };
}

export function errorExperimenterToRyu(m: MessageOf<'ErrorExperimenter'>): Record<string, RyuJson> {
  return { type: OFPET_EXPERIMENTER, code: null, exp_type: m.expType, experimenter: m.experimenter, data: base64.to(m.data) };
}

// ---------------------------------------------------------------- FEATURES_REPLY

/**
 * OFPSwitchFeatures. Ryu drops the 1.3 `reserved` field; we write it only when
 * it is not 0. OpenFlow 1.0 replies carry `actions` and `ports`, a dict keyed
 * by port number (so JSON cannot keep the wire order of the ports).
 */
export function featuresToRyu(m: FeaturesReply): Record<string, RyuJson> {
  const body: Record<string, RyuJson> = {
    datapath_id: u64.to(m.datapathId),
    n_buffers: m.nBuffers,
    n_tables: m.nTables,
    capabilities: m.capabilities,
  };
  if (m.version === OFP_VERSION_1_0) {
    body['actions'] = m.actions ?? 0;
    const ports: Record<string, RyuJson> = {};
    for (const p of m.ports ?? []) ports[String(p.portNo)] = phyPort10.to(p);
    body['ports'] = ports;
    return body;
  }
  body['auxiliary_id'] = m.auxiliaryId;
  if (m.reserved !== 0) body['reserved'] = m.reserved;
  return body;
}

export function featuresFromRyu(o: JsonObject, h: Header): FeaturesReply {
  const common = {
    type: 'FeaturesReply' as const,
    version: h.version,
    xid: h.xid,
    datapathId: u64.from(o.get('datapath_id'), o.at('datapath_id')),
    nBuffers: u32.from(o.get('n_buffers'), o.at('n_buffers')),
    nTables: u8.from(o.get('n_tables'), o.at('n_tables')),
    capabilities: u32.from(o.get('capabilities'), o.at('capabilities')),
  };
  if (h.version !== OFP_VERSION_1_0) {
    const auxiliaryId = u8.from(o.get('auxiliary_id'), o.at('auxiliary_id'));
    const reserved = o.has('reserved') ? u32.from(o.get('reserved'), o.at('reserved')) : 0;
    return { ...common, auxiliaryId, reserved };
  }
  const actions = u32.from(o.get('actions'), o.at('actions'));
  const portsObject = o.get('ports');
  const portsPath = o.at('ports');
  if (typeof portsObject !== 'object' || portsObject === null || Array.isArray(portsObject)) {
    fail(portsPath, `expected an object of ports keyed by port number, got ${describeJson(portsObject)}`);
  }
  const ports = Object.entries(portsObject as Record<string, RyuJson>).map(([key, value]) => {
    const path = `${portsPath}[${JSON.stringify(key)}]`;
    const p = phyPort10.from(value, path);
    if (key !== String(p.portNo)) fail(path, `key "${key}" differs from the port's port_no ${p.portNo}`);
    return p;
  });
  return { ...common, auxiliaryId: 0, reserved: 0, actions, ports };
}

// ---------------------------------------------------------------- PACKET_OUT

export function packetOutToRyu(m: MessageOf<'PacketOut'>): Record<string, RyuJson> {
  return {
    buffer_id: m.bufferId,
    in_port: m.inPort,
    actions_len: actionsLength(m.actions),
    actions: m.actions.map((a) => action.to(a)),
    data: base64.to(m.data),
  };
}

export function packetOutFromRyu(o: JsonObject, h: Header): MessageOf<'PacketOut'> {
  const data = o.get('data');
  const m: MessageOf<'PacketOut'> = {
    type: 'PacketOut',
    version: h.version,
    xid: h.xid,
    bufferId: u32.from(o.get('buffer_id'), o.at('buffer_id')),
    inPort: u32.from(o.get('in_port'), o.at('in_port')),
    actions: readArray(o.get('actions'), o.at('actions')).map((e) => action.from(e.value, e.path)),
    data: typeof data === 'object' && data !== null ? frameFromRyu(data, o.at('data')) : base64.from(data, o.at('data')),
  };
  checkDerived(o, 'actions_len', actionsLength(m.actions));
  return m;
}
