import { readMac, writeMac } from './addresses.js';
import { defineCodec, headerOnlyCodec, type MessageCodec } from './codec-registry.js';
import {
  OFP_VERSION_1_0,
  OFPET_EXPERIMENTER,
  OFPHET_VERSIONBITMAP,
  OFPT_BARRIER_REPLY,
  OFPT_BARRIER_REQUEST,
  OFPT_ECHO_REPLY,
  OFPT_ECHO_REQUEST,
  OFPT_ERROR,
  OFPT_EXPERIMENTER,
  OFPT_FEATURES_REPLY,
  OFPT_FEATURES_REQUEST,
  OFPT_GET_ASYNC_REQUEST,
  OFPT_GET_CONFIG_REPLY,
  OFPT_GET_CONFIG_REQUEST,
  OFPT_HELLO,
  OFPT_SET_CONFIG,
} from './constants.js';
import type {
  ErrorExperimenterMsg,
  ErrorMsg,
  FeaturesReply,
  Header,
  Hello,
  HelloElement,
  HelloElementVersionBitmap,
  OfpMessage,
} from './messages.js';
import type { Reader } from './reader.js';
import type { PhyPort10 } from './structs.js';
import type { Writer } from './writer.js';

/**
 * The messages every OpenFlow version shares in shape (HELLO, ERROR, ECHO,
 * EXPERIMENTER, FEATURES, switch config, barrier): what version negotiation and a
 * clean refusal need, plus the header-only requests of 1.3.
 */

/** sizeof(struct ofp_hello_elem_header). */
export const OFP_HELLO_ELEM_HEADER_SIZE = 4;
/** sizeof(struct ofp_switch_features) in 1.3 (header included). */
export const OFP_SWITCH_FEATURES_SIZE = 32;
/** sizeof(struct ofp_phy_port) in 1.0. */
export const OFP_PHY_PORT_10_SIZE = 48;
/** OFP_MAX_PORT_NAME_LEN. */
export const OFP_MAX_PORT_NAME_LEN = 16;

// ---------------------------------------------------------------- HELLO

function decodeHello(r: Reader, h: Header): Hello {
  const elements: HelloElement[] = [];
  while (r.remaining() > 0) {
    const start = r.pos;
    const elementType = r.u16('elements.type');
    const length = r.u16('elements.length');
    if (length < OFP_HELLO_ELEM_HEADER_SIZE) r.fail('elements.length', `${length} is below the element header size 4`, start + 2);
    const body = r.sub(length - OFP_HELLO_ELEM_HEADER_SIZE, 'elements.length');
    if (elementType === OFPHET_VERSIONBITMAP) {
      if (body.remaining() % 4 !== 0) body.fail('elements.bitmaps', 'bitmap length is not a multiple of 4');
      const words = body.remaining() / 4;
      const versions: number[] = [];
      for (let word = 0; word < words; word++) {
        const bits = body.u32('elements.bitmaps');
        for (let bit = 0; bit < 32; bit++) if ((bits >>> bit) & 1) versions.push(word * 32 + bit);
      }
      elements.push({ type: 'versionBitmap', versions, bitmapWords: words });
    } else {
      elements.push({ type: 'opaque', elementType, data: body.rest() });
    }
    // Elements are padded to 8 bytes; the last one may omit its padding.
    const padding = (8 - (length % 8)) % 8;
    if (r.remaining() > 0) r.pad(Math.min(padding, r.remaining()), 'elements.pad');
  }
  return { type: 'Hello', version: h.version, xid: h.xid, elements };
}

/** The most bitmap words whose element length still fits 16 bits. */
const MAX_BITMAP_WORDS = Math.floor((0xffff - OFP_HELLO_ELEM_HEADER_SIZE) / 4);

function writeVersionBitmap(w: Writer, element: HelloElementVersionBitmap): void {
  const versions = w.list(element.versions, 'elements.versions');
  let highest = -1;
  for (const v of versions) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) w.fail('elements.versions', `${String(v)} is not a version number`);
    if (v > highest) highest = v;
  }
  const words = element.bitmapWords ?? Math.floor(Math.max(highest, 0) / 32) + 1;
  if (typeof words !== 'number' || !Number.isInteger(words) || words < 0 || words > MAX_BITMAP_WORDS) {
    w.fail('elements.length', `bitmapWords ${String(words)} is not a word count from 0 to ${MAX_BITMAP_WORDS}`);
  }
  if (highest >= words * 32) w.fail('elements.versions', `version ${highest} does not fit ${words} bitmap words`);
  w.u16(OFPHET_VERSIONBITMAP, 'elements.type');
  w.u16(OFP_HELLO_ELEM_HEADER_SIZE + words * 4, 'elements.length');
  // The bits are set in place, in one pass over the versions (a received bitmap can
  // list half a million of them); a scratch array would cost an allocation and a fill.
  const at = w.pos;
  w.zeros(words * 4);
  const b = w.buf;
  for (const v of versions) b[at + (v >>> 5) * 4 + 3 - ((v & 31) >>> 3)]! |= 1 << (v & 7);
}

function encodeHello(w: Writer, msg: Hello): void {
  for (const element of w.list(msg.elements, 'elements')) {
    w.struct(element, 'elements');
    const start = w.pos;
    if (element.type === 'versionBitmap') {
      writeVersionBitmap(w, element);
    } else if (element.type === 'opaque') {
      w.u16(element.elementType, 'elements.type');
      const data = w.expectBytes(element.data, 'elements.data');
      w.u16(OFP_HELLO_ELEM_HEADER_SIZE + data.length, 'elements.length');
      w.bytes(data, 'elements.data');
    } else {
      w.fail('elements.type', `unknown HELLO element "${String((element as { type: unknown }).type)}"`);
    }
    w.align8(start);
  }
}

// ---------------------------------------------------------------- ERROR

function decodeError(r: Reader, h: Header): ErrorMsg | ErrorExperimenterMsg {
  const errorType = r.u16('type');
  if (errorType === OFPET_EXPERIMENTER && h.version !== OFP_VERSION_1_0) {
    const expType = r.u16('exp_type');
    const experimenter = r.u32('experimenter');
    return { type: 'ErrorExperimenter', version: h.version, xid: h.xid, expType, experimenter, data: r.rest() };
  }
  const code = r.u16('code');
  return { type: 'Error', version: h.version, xid: h.xid, errorType, code, data: r.rest() };
}

function encodeError(w: Writer, msg: OfpMessage, version: number): void {
  if (msg.type === 'ErrorExperimenter') {
    // 1.0 reads type 0xffff as a plain error type with a code, not exp_type + experimenter.
    if (version === OFP_VERSION_1_0) w.fail('type', 'OpenFlow 1.0 has no experimenter error');
    w.u16(OFPET_EXPERIMENTER, 'type');
    w.u16(msg.expType, 'exp_type');
    w.u32(msg.experimenter, 'experimenter');
  } else if (msg.type === 'Error') {
    w.u16(msg.errorType, 'type');
    w.u16(msg.code, 'code');
  }
  w.bytes((msg as ErrorMsg | ErrorExperimenterMsg).data, 'data');
}

const errorCodec: MessageCodec = {
  msgType: OFPT_ERROR,
  types: ['Error', 'ErrorExperimenter'],
  decode: decodeError,
  encode: encodeError,
};

// ---------------------------------------------------------------- FEATURES

export function readPhyPort10(r: Reader): PhyPort10 {
  const portNo = r.u16('ports.port_no');
  const hwAddr = readMac(r, 'ports.hw_addr');
  const name = r.fixedString(OFP_MAX_PORT_NAME_LEN, 'ports.name');
  return {
    portNo,
    hwAddr,
    name,
    config: r.u32('ports.config'),
    state: r.u32('ports.state'),
    curr: r.u32('ports.curr'),
    advertised: r.u32('ports.advertised'),
    supported: r.u32('ports.supported'),
    peer: r.u32('ports.peer'),
  };
}

export function writePhyPort10(w: Writer, p: PhyPort10): void {
  w.u16(p.portNo, 'ports.port_no');
  writeMac(w, p.hwAddr, 'ports.hw_addr');
  w.fixedString(p.name, OFP_MAX_PORT_NAME_LEN, 'ports.name');
  w.u32(p.config, 'ports.config');
  w.u32(p.state, 'ports.state');
  w.u32(p.curr, 'ports.curr');
  w.u32(p.advertised, 'ports.advertised');
  w.u32(p.supported, 'ports.supported');
  w.u32(p.peer, 'ports.peer');
}

function decodeFeaturesReply(r: Reader, h: Header): FeaturesReply {
  const datapathId = r.u64('datapath_id');
  const nBuffers = r.u32('n_buffers');
  const nTables = r.u8('n_tables');
  if (h.version === OFP_VERSION_1_0) {
    r.pad(3);
    const capabilities = r.u32('capabilities');
    const actions = r.u32('actions');
    if (r.remaining() % OFP_PHY_PORT_10_SIZE !== 0) r.fail('ports', `${r.remaining()} bytes is not a whole number of 48-byte ports`);
    const ports: PhyPort10[] = [];
    while (r.remaining() > 0) ports.push(readPhyPort10(r));
    return { type: 'FeaturesReply', version: h.version, xid: h.xid, datapathId, nBuffers, nTables, auxiliaryId: 0, capabilities, reserved: 0, actions, ports };
  }
  const auxiliaryId = r.u8('auxiliary_id');
  r.pad(2);
  const capabilities = r.u32('capabilities');
  const reserved = r.u32('reserved');
  return { type: 'FeaturesReply', version: h.version, xid: h.xid, datapathId, nBuffers, nTables, auxiliaryId, capabilities, reserved };
}

function encodeFeaturesReply(w: Writer, msg: FeaturesReply, version: number): void {
  w.u64(msg.datapathId, 'datapath_id');
  w.u32(msg.nBuffers, 'n_buffers');
  w.u8(msg.nTables, 'n_tables');
  if (version === OFP_VERSION_1_0) {
    // 1.0 has no such fields: a value in them would be dropped without a word.
    if (msg.auxiliaryId !== 0) w.fail('auxiliary_id', `${String(msg.auxiliaryId)}: OpenFlow 1.0 has no auxiliary id, it must be 0`);
    if (msg.reserved !== 0) w.fail('reserved', `${String(msg.reserved)}: OpenFlow 1.0 has no reserved field, it must be 0`);
    w.zeros(3);
    w.u32(msg.capabilities, 'capabilities');
    w.u32(msg.actions ?? 0, 'actions');
    for (const port of w.list(msg.ports ?? [], 'ports')) writePhyPort10(w, w.struct(port, 'ports'));
    return;
  }
  if (msg.actions !== undefined) w.fail('actions', 'only OpenFlow 1.0 has an action bitmap here');
  if (msg.ports !== undefined) w.fail('ports', 'only OpenFlow 1.0 lists ports here (1.3: OFPMP_PORT_DESC)');
  w.u8(msg.auxiliaryId, 'auxiliary_id');
  w.zeros(2);
  w.u32(msg.capabilities, 'capabilities');
  w.u32(msg.reserved, 'reserved');
}

// ---------------------------------------------------------------- codecs

/** HELLO, ERROR, ECHO and FEATURES: the messages every supported version decodes. */
export const versionNeutralCodecs: readonly MessageCodec[] = [
  defineCodec(OFPT_HELLO, 'Hello', decodeHello, encodeHello),
  errorCodec,
  defineCodec(
    OFPT_ECHO_REQUEST,
    'EchoRequest',
    (r, h) => ({ type: 'EchoRequest', version: h.version, xid: h.xid, data: r.rest() }),
    (w, m) => w.bytes(m.data, 'data'),
  ),
  defineCodec(
    OFPT_ECHO_REPLY,
    'EchoReply',
    (r, h) => ({ type: 'EchoReply', version: h.version, xid: h.xid, data: r.rest() }),
    (w, m) => w.bytes(m.data, 'data'),
  ),
  headerOnlyCodec(OFPT_FEATURES_REQUEST, 'FeaturesRequest'),
  defineCodec(OFPT_FEATURES_REPLY, 'FeaturesReply', decodeFeaturesReply, encodeFeaturesReply),
];

/** The other OpenFlow 1.3 messages whose body is fixed or empty. */
export const basicCodecs13: readonly MessageCodec[] = [
  defineCodec(
    OFPT_EXPERIMENTER,
    'Experimenter',
    (r, h) => {
      const experimenter = r.u32('experimenter');
      const expType = r.u32('exp_type');
      return { type: 'Experimenter', version: h.version, xid: h.xid, experimenter, expType, data: r.rest() };
    },
    (w, m) => {
      w.u32(m.experimenter, 'experimenter');
      w.u32(m.expType, 'exp_type');
      w.bytes(m.data, 'data');
    },
  ),
  headerOnlyCodec(OFPT_GET_CONFIG_REQUEST, 'GetConfigRequest'),
  defineCodec(
    OFPT_GET_CONFIG_REPLY,
    'GetConfigReply',
    (r, h) => ({ type: 'GetConfigReply', version: h.version, xid: h.xid, flags: r.u16('flags'), missSendLen: r.u16('miss_send_len') }),
    (w, m) => {
      w.u16(m.flags, 'flags');
      w.u16(m.missSendLen, 'miss_send_len');
    },
  ),
  defineCodec(
    OFPT_SET_CONFIG,
    'SetConfig',
    (r, h) => ({ type: 'SetConfig', version: h.version, xid: h.xid, flags: r.u16('flags'), missSendLen: r.u16('miss_send_len') }),
    (w, m) => {
      w.u16(m.flags, 'flags');
      w.u16(m.missSendLen, 'miss_send_len');
    },
  ),
  headerOnlyCodec(OFPT_BARRIER_REQUEST, 'BarrierRequest'),
  headerOnlyCodec(OFPT_BARRIER_REPLY, 'BarrierReply'),
  headerOnlyCodec(OFPT_GET_ASYNC_REQUEST, 'GetAsyncRequest'),
];
