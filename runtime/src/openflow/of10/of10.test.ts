import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeMessage, encodeMessage } from '../codec.js';
import { OFP_VERSION_1_0 } from '../constants.js';
import { OfpDecodeError, OfpEncodeError } from '../errors.js';
import type { MessageBody, OfpMessage } from '../messages.js';
import { Writer } from '../writer.js';
import {
  OFP_ACTION_DL_ADDR_10_SIZE,
  OFP_ACTION_ENQUEUE_10_SIZE,
  OFP_ACTION_OUTPUT_10_SIZE,
  OFP_AGGREGATE_STATS_REPLY_10_SIZE,
  OFP_FLOW_MOD_10_SIZE,
  OFP_FLOW_REMOVED_10_SIZE,
  OFP_FLOW_STATS_10_SIZE,
  OFP_FLOW_STATS_REQUEST_10_SIZE,
  OFP_MATCH_10_SIZE,
  OFP_PACKET_IN_10_SIZE,
  OFP_PACKET_OUT_10_SIZE,
  OFP_PACKET_QUEUE_10_SIZE,
  OFP_PORT_MOD_10_SIZE,
  OFP_PORT_STATS_10_SIZE,
  OFP_PORT_STATS_REQUEST_10_SIZE,
  OFP_PORT_STATUS_10_SIZE,
  OFP_QUEUE_GET_CONFIG_REPLY_10_SIZE,
  OFP_QUEUE_GET_CONFIG_REQUEST_10_SIZE,
  OFP_QUEUE_PROP_MIN_RATE_10_SIZE,
  OFP_QUEUE_STATS_10_SIZE,
  OFP_QUEUE_STATS_REQUEST_10_SIZE,
  OFP_STATS_MSG_10_SIZE,
  OFP_TABLE_STATS_10_SIZE,
  OFP_VENDOR_HEADER_10_SIZE,
  OFPFW_ALL,
} from './constants.js';
import { writeActions10 } from './actions.js';
import { writeMatch10 } from './match.js';
import type { Action10, Match10 } from './types.js';

const MATCH: Match10 = {
  wildcards: OFPFW_ALL, inPort: 0, dlSrc: '00:00:00:00:00:00', dlDst: '00:00:00:00:00:00', dlVlan: 0, dlVlanPcp: 0,
  dlType: 0, nwTos: 0, nwProto: 0, nwSrc: '0.0.0.0', nwDst: '0.0.0.0', tpSrc: 0, tpDst: 0,
};
const PORT = { portNo: 1, hwAddr: '00:00:00:00:00:01', name: 'p1', config: 0, state: 0, curr: 0, advertised: 0, supported: 0, peer: 0 };
const FLOW_STATS = {
  tableId: 0, match: MATCH, durationSec: 0, durationNsec: 0, priority: 0, idleTimeout: 0, hardTimeout: 0,
  cookie: 0n, packetCount: 0n, byteCount: 0n, actions: [],
};

function size(body: MessageBody): number {
  return encodeMessage({ ...body, version: OFP_VERSION_1_0, xid: 0 } as OfpMessage).length;
}

function actionSize(a: Action10): number {
  const w = new Writer();
  writeActions10(w, [a]);
  return w.pos;
}

describe('OpenFlow 1.0 struct sizes (1.0.0 spec, as os-ken names them)', () => {
  it('ofp_match and the actions', () => {
    const w = new Writer();
    writeMatch10(w, MATCH);
    assert.equal(w.pos, OFP_MATCH_10_SIZE);
    assert.equal(actionSize({ type: 'output', port: 1, maxLen: 0 }), OFP_ACTION_OUTPUT_10_SIZE);
    assert.equal(actionSize({ type: 'setDlSrc', dlAddr: '00:00:00:00:00:01' }), OFP_ACTION_DL_ADDR_10_SIZE);
    assert.equal(actionSize({ type: 'enqueue', port: 1, queueId: 2 }), OFP_ACTION_ENQUEUE_10_SIZE);
  });

  it('messages with empty variable parts', () => {
    assert.equal(size({ type: 'PacketIn10', bufferId: 0, totalLen: 0, inPort: 0, reason: 0, data: Buffer.alloc(0) }), OFP_PACKET_IN_10_SIZE);
    assert.equal(size({ type: 'PacketOut10', bufferId: 0, inPort: 0, actions: [], data: Buffer.alloc(0) }), OFP_PACKET_OUT_10_SIZE);
    assert.equal(
      size({ type: 'FlowMod10', match: MATCH, cookie: 0n, command: 0, idleTimeout: 0, hardTimeout: 0, priority: 0, bufferId: 0, outPort: 0, flags: 0, actions: [] }),
      OFP_FLOW_MOD_10_SIZE,
    );
    assert.equal(
      size({ type: 'FlowRemoved10', match: MATCH, cookie: 0n, priority: 0, reason: 0, durationSec: 0, durationNsec: 0, idleTimeout: 0, packetCount: 0n, byteCount: 0n }),
      OFP_FLOW_REMOVED_10_SIZE,
    );
    assert.equal(size({ type: 'PortStatus10', reason: 0, desc: PORT }), OFP_PORT_STATUS_10_SIZE);
    assert.equal(size({ type: 'PortMod', portNo: 1, hwAddr: PORT.hwAddr, config: 0, mask: 0, advertise: 0 }), OFP_PORT_MOD_10_SIZE);
    assert.equal(size({ type: 'Vendor', vendor: 1, data: Buffer.alloc(0) }), OFP_VENDOR_HEADER_10_SIZE);
    assert.equal(size({ type: 'QueueGetConfigRequest', port: 1 }), OFP_QUEUE_GET_CONFIG_REQUEST_10_SIZE);
    assert.equal(size({ type: 'QueueGetConfigReply10', port: 1, queues: [] }), OFP_QUEUE_GET_CONFIG_REPLY_10_SIZE);
    assert.equal(
      size({ type: 'QueueGetConfigReply10', port: 1, queues: [{ queueId: 1, properties: [{ type: 'minRate', rate: 5 }] }] }),
      OFP_QUEUE_GET_CONFIG_REPLY_10_SIZE + OFP_PACKET_QUEUE_10_SIZE + OFP_QUEUE_PROP_MIN_RATE_10_SIZE,
    );
  });

  it('stats bodies', () => {
    const req = (body: object): number => size({ type: 'StatsRequest', flags: 0, body } as MessageBody) - OFP_STATS_MSG_10_SIZE;
    const rep = (body: object): number => size({ type: 'StatsReply', flags: 0, body } as MessageBody) - OFP_STATS_MSG_10_SIZE;
    assert.equal(req({ type: 'desc' }), 0);
    assert.equal(req({ type: 'flow', match: MATCH, tableId: 0xff, outPort: 0xffff }), OFP_FLOW_STATS_REQUEST_10_SIZE);
    assert.equal(req({ type: 'port', portNo: 1 }), OFP_PORT_STATS_REQUEST_10_SIZE);
    assert.equal(req({ type: 'queue', portNo: 1, queueId: 1 }), OFP_QUEUE_STATS_REQUEST_10_SIZE);
    assert.equal(rep({ type: 'flow', stats: [FLOW_STATS] }), OFP_FLOW_STATS_10_SIZE);
    assert.equal(rep({ type: 'aggregate', packetCount: 0n, byteCount: 0n, flowCount: 0 }), OFP_AGGREGATE_STATS_REPLY_10_SIZE);
    assert.equal(
      rep({ type: 'table', stats: [{ tableId: 0, name: 't', wildcards: 0, maxEntries: 0, activeCount: 0, lookupCount: 0n, matchedCount: 0n }] }),
      OFP_TABLE_STATS_10_SIZE,
    );
    const counters = Object.fromEntries(
      ['rxPackets', 'txPackets', 'rxBytes', 'txBytes', 'rxDropped', 'txDropped', 'rxErrors', 'txErrors', 'rxFrameErr', 'rxOverErr', 'rxCrcErr', 'collisions'].map((k) => [k, 0n]),
    );
    assert.equal(rep({ type: 'port', stats: [{ portNo: 1, ...counters }] }), OFP_PORT_STATS_10_SIZE);
    assert.equal(rep({ type: 'queue', stats: [{ portNo: 1, queueId: 1, txBytes: 0n, txPackets: 0n, txErrors: 0n }] }), OFP_QUEUE_STATS_10_SIZE);
  });
});

describe('OpenFlow 1.0 refusals', () => {
  it('a 1.3-only message or action on 1.0 is an encode error naming it', () => {
    assert.throws(() => encodeMessage({ type: 'GroupMod', version: 1, xid: 0, command: 0, groupType: 0, groupId: 1, buckets: [] }), (err: unknown) => {
      assert.ok(err instanceof OfpEncodeError);
      assert.match(err.message, /GroupMod is not supported for OpenFlow 1\.0/);
      return true;
    });
    const flowMod = { type: 'FlowMod10', version: 1, xid: 0, match: MATCH, cookie: 0n, command: 0, idleTimeout: 0, hardTimeout: 0, priority: 0, bufferId: 0, outPort: 0, flags: 0 } as const;
    assert.throws(() => encodeMessage({ ...flowMod, actions: [{ type: 'group', groupId: 1 } as unknown as Action10] }), /"group" is not an OpenFlow 1\.0 action/);
  });

  it('an unknown action type or stats type is a decode error at its offset', () => {
    const flowMod = Buffer.from(encodeMessage({
      type: 'FlowMod10', version: 1, xid: 0, match: MATCH, cookie: 0n, command: 0, idleTimeout: 0, hardTimeout: 0, priority: 0, bufferId: 0, outPort: 0, flags: 0,
      actions: [{ type: 'stripVlan' }],
    }));
    flowMod.writeUInt16BE(12, OFP_FLOW_MOD_10_SIZE);
    assert.throws(() => decodeMessage(flowMod), (err: unknown) => err instanceof OfpDecodeError && err.field === 'action.type' && err.offset === OFP_FLOW_MOD_10_SIZE);
    const stats = Buffer.from(encodeMessage({ type: 'StatsRequest', version: 1, xid: 0, flags: 0, body: { type: 'desc' } }));
    stats.writeUInt16BE(6, 8);
    assert.throws(() => decodeMessage(stats), (err: unknown) => err instanceof OfpDecodeError && err.field === 'type' && err.offset === 8);
  });
});
