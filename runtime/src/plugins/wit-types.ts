/**
 * The values of wit/plugin.wit as the transpiled glue passes them to and from
 * JavaScript: records with camelCase fields, variants as `{ tag, val }` with the
 * WIT case name as tag, options as the value or `undefined`, `list<u8>` as
 * Uint8Array, enums as their case name. Only the worker builds and reads them.
 */

export type WitOxmValue = { tag: 'uint'; val: number } | { tag: 'big'; val: string } | { tag: 'text'; val: string };

export interface WitOxmField {
  field: string;
  value: WitOxmValue;
  mask: WitOxmValue | undefined;
}

/** `nxm-field`: a field's name or its 32-bit NXM/OXM header. */
export type WitNxmField = { tag: 'name'; val: string } | { tag: 'header'; val: number };

export interface WitNxNat {
  flags: number;
  rangeIpv4Min: string | undefined;
  rangeIpv4Max: string | undefined;
  rangeIpv6Min: string | undefined;
  rangeIpv6Max: string | undefined;
  rangeProtoMin: number | undefined;
  rangeProtoMax: number | undefined;
}

export interface WitNxCt {
  flags: number;
  zoneSrc: WitNxmField | undefined;
  zoneOfsNbits: number;
  recircTable: number;
  alg: number;
  actions: ({ tag: 'set-field'; val: WitOxmField } | { tag: 'nx-nat'; val: WitNxNat })[];
}

export interface WitNxFlowSpecField {
  field: WitNxmField;
  ofs: number;
}

export interface WitNxFlowSpec {
  type: 'match' | 'load' | 'output';
  nBits: number;
  src: { tag: 'field'; val: WitNxFlowSpecField } | { tag: 'value'; val: Uint8Array };
  dst: WitNxFlowSpecField | undefined;
}

export interface WitNxLearn {
  idleTimeout: number;
  hardTimeout: number;
  priority: number;
  cookie: string;
  flags: number;
  tableId: number;
  finIdleTimeout: number;
  finHardTimeout: number;
  specs: WitNxFlowSpec[];
}

export type WitAction =
  | { tag: 'output'; val: { port: number; maxLen: number } }
  | { tag: 'copy-ttl-out' | 'copy-ttl-in' | 'dec-mpls-ttl' | 'pop-vlan' | 'dec-nw-ttl' | 'pop-pbb'; val?: undefined }
  | { tag: 'set-mpls-ttl' | 'push-vlan' | 'push-mpls' | 'pop-mpls' | 'set-queue' | 'group' | 'set-nw-ttl' | 'push-pbb'; val: number }
  | { tag: 'set-field'; val: WitOxmField }
  | { tag: 'experimenter'; val: { experimenter: number; data: Uint8Array } }
  | { tag: 'nx-ct'; val: WitNxCt }
  | { tag: 'nx-ct-clear'; val?: undefined }
  | { tag: 'nx-nat'; val: WitNxNat }
  | { tag: 'nx-resubmit'; val: number }
  | { tag: 'nx-resubmit-table'; val: { inPort: number; tableId: number } }
  | { tag: 'nx-learn'; val: WitNxLearn }
  | { tag: 'nx-reg-load'; val: { ofsNbits: number; dst: WitNxmField; value: string } }
  | { tag: 'nx-reg-move'; val: { nBits: number; srcOfs: number; dstOfs: number; srcField: WitNxmField; dstField: WitNxmField } }
  | { tag: 'nx-conjunction'; val: { clause: number; nClauses: number; id: number } }
  | { tag: 'nx-note'; val: Uint8Array };

export type WitInstruction =
  | { tag: 'goto-table' | 'meter'; val: number }
  | { tag: 'write-metadata'; val: { metadata: string; mask: string } }
  | { tag: 'write-actions' | 'apply-actions'; val: WitAction[] }
  | { tag: 'clear-actions'; val?: undefined };

export type WitFlowModCommand = 'add' | 'modify' | 'modify-strict' | 'delete' | 'delete-strict';

export interface WitFlowMod {
  cookie: string;
  cookieMask: string;
  tableId: number;
  command: WitFlowModCommand;
  idleTimeout: number;
  hardTimeout: number;
  priority: number;
  bufferId: number | undefined;
  outPort: number | undefined;
  outGroup: number | undefined;
  flags: number;
  match: WitOxmField[];
  instructions: WitInstruction[];
}

export interface WitPacketOut {
  bufferId: number | undefined;
  inPort: number | undefined;
  actions: WitAction[];
  data: Uint8Array;
}

export type WitCommandBody =
  | { tag: 'flow-mod'; val: WitFlowMod }
  | { tag: 'packet-out'; val: WitPacketOut }
  | { tag: 'barrier'; val?: undefined }
  | { tag: 'raw'; val: Uint8Array };

export interface WitCommand {
  dpid: string;
  body: WitCommandBody;
}

export interface WitPort {
  portNo: number;
  hwAddr: string;
  name: string;
  config: number;
  state: number;
  currSpeed: number;
  maxSpeed: number;
}

export interface WitEndpoint {
  dpid: string;
  port: number;
}

export interface WitLink {
  src: WitEndpoint;
  dst: WitEndpoint;
  latencyMs: number;
  srcNode: number;
  upSinceMs: bigint;
  lastSeenMs: bigint;
}

export interface WitHost {
  mac: string;
  ips: string[];
  location: WitEndpoint;
  firstSeenMs: bigint;
  lastSeenMs: bigint;
}

export type WitEvent =
  | { tag: 'switch-up'; val: { dpid: string; version: number; nTables: number; ports: WitPort[] } }
  | { tag: 'switch-down'; val: { dpid: string; reason: string } }
  | {
      tag: 'packet-in';
      val: { dpid: string; bufferId: number; totalLen: number; reason: number; tableId: number; cookie: string; inPort: number; match: WitOxmField[]; data: Uint8Array };
    }
  | { tag: 'port-status'; val: { dpid: string; reason: number; desc: WitPort } }
  | {
      tag: 'flow-removed';
      val: { dpid: string; cookie: string; priority: number; reason: number; tableId: number; durationSec: number; packetCount: string; byteCount: string; match: WitOxmField[] };
    }
  | { tag: 'switch-error'; val: { dpid: string; type: number; code: number; data: Uint8Array } }
  | { tag: 'message'; val: { subject: string; payload: Uint8Array } }
  | { tag: 'kv-change'; val: { key: Uint8Array; value: Uint8Array | undefined; revision: string } }
  | { tag: 'link-up'; val: { link: WitLink } }
  | { tag: 'link-down'; val: { link: WitLink; reason: string } }
  | { tag: 'host-added'; val: { host: WitHost } }
  | { tag: 'host-moved'; val: { host: WitHost; from: WitEndpoint } }
  | { tag: 'host-removed'; val: { host: WitHost; reason: string } }
  | { tag: 'role-changed'; val: { dpid: string; role: string; masterNode: string | undefined; generation: string | undefined } };

/** The `host-error` variant; thrown (as a non-Error value) by a host import to return `err`. */
export type WitHostError = { tag: 'denied' | 'invalid' | 'unavailable'; val: string };

export type WitLogLevel = 'debug' | 'info' | 'warn' | 'error';
