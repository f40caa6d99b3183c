/**
 * The OpenFlow codec: pure functions and values, no sockets, timers or clock.
 * README.md in this folder says what lives in each file, the value conventions
 * and the errors; docs/openflow.md lists the messages covered.
 */
export * from './constants.js';
export * from './errors.js';
export * from './of10/index.js';
export type * from './messages.js';
export type * from './multipart-types.js';
export type * from './structs.js';
export type * from './nicira/types.js';
export { isNiciraActionType, NX_EXPERIMENTER_ID, NX_SUBTYPES } from './nicira/index.js';
export { nxmHeaderFromNumber } from './nicira/header.js';
export { immediateSize } from './nicira/learn.js';
export { niciraActionData } from './actions.js';
export { decodeHeader, decodeMessage, encodeMessage, encodeMessageInto, expectWholeMessage, SUPPORTED_VERSIONS } from './codec.js';
export { macAt, readIpv4, readIpv6 } from './addresses.js';
export { OFPPC_PORT_DOWN, OFPPS_LINK_DOWN } from './port.js';
export { matchValue, OFP_MATCH_HEADER_SIZE, readMatch, readOxm, writeOxm } from './oxm.js';
export { OFP_FLOW_MOD_SIZE } from './flow-messages.js';
export { oxmFieldByName, type OxmFieldDesc, type OxmKind } from './oxm-fields.js';
export { formatDpid } from './dpid.js';
export { onfRoleStatus, ONFT_ROLE_STATUS, OFPCRR_CONFIG, OFPCRR_EXPERIMENTER, OFPCRR_MASTER_REQUEST, type RoleStatus } from './role-status.js';
export { Framer } from './framer.js';
export { Reader } from './reader.js';
export { Writer } from './writer.js';
export {
  fromRyuDocument,
  fromRyuJson,
  OfpJsonError,
  parseRyuJson,
  type RyuJson,
  type RyuJsonObject,
  stringifyRyuJson,
  toRyuDocument,
  toRyuJson,
} from './ryu-json/index.js';
