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

export type WitAction =
  | { tag: 'output'; val: { port: number; maxLen: number } }
  | { tag: 'copy-ttl-out' | 'copy-ttl-in' | 'dec-mpls-ttl' | 'pop-vlan' | 'dec-nw-ttl' | 'pop-pbb'; val?: undefined }
  | { tag: 'set-mpls-ttl' | 'push-vlan' | 'push-mpls' | 'pop-mpls' | 'set-queue' | 'group' | 'set-nw-ttl' | 'push-pbb'; val: number }
  | { tag: 'set-field'; val: WitOxmField }
  | { tag: 'experimenter'; val: { experimenter: number; data: Uint8Array } };

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
  | { tag: 'kv-change'; val: { key: Uint8Array; value: Uint8Array | undefined; revision: string } };

/** The `host-error` variant; thrown (as a non-Error value) by a host import to return `err`. */
export type WitHostError = { tag: 'denied' | 'invalid' | 'unavailable'; val: string };

export type WitLogLevel = 'debug' | 'info' | 'warn' | 'error';
