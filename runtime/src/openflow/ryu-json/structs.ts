import { OFP_BUCKET_SIZE } from '../group.js';
import { OFP_METER_BAND_SIZE, OFPMBT_DROP, OFPMBT_DSCP_REMARK, OFPMBT_EXPERIMENTER } from '../meter.js';
import { OFP_PACKET_QUEUE_SIZE, OFP_QUEUE_PROP_RATE_SIZE, OFPQT_EXPERIMENTER, OFPQT_MAX_RATE, OFPQT_MIN_RATE } from '../queue.js';
import type { Bucket, MeterBand, PacketQueue, PhyPort10, Port, QueueProperty } from '../structs.js';
import { action, actionsLength } from './actions.js';
import { base64, byteList, classedStruct, type Field, list, mac, struct, text, u16, u32, u8 } from './fields.js';
import { checkDerived, classed, fail, readClassed, type RyuJson } from './json.js';

/** Ports (OFPPort, OFPPhyPort), buckets (OFPBucket), meter bands and queues. */

export const port: Field<Port> = classedStruct(
  'OFPPort',
  struct<Port>({
    portNo: u32, hwAddr: mac, name: text, config: u32, state: u32, curr: u32,
    advertised: u32, supported: u32, peer: u32, currSpeed: u32, maxSpeed: u32,
  }),
);

export const phyPort10: Field<PhyPort10> = classedStruct(
  'OFPPhyPort',
  struct<PhyPort10>({
    portNo: u16, hwAddr: mac, name: text, config: u32, state: u32, curr: u32,
    advertised: u32, supported: u32, peer: u32,
  }),
);

// ---------------------------------------------------------------- buckets

export function bucketLength(b: Bucket): number {
  return OFP_BUCKET_SIZE + actionsLength(b.actions);
}

export const bucket: Field<Bucket> = classedStruct(
  'OFPBucket',
  struct<Bucket>({ weight: u16, watchPort: u32, watchGroup: u32, actions: list(action) }),
  (b) => ({ len: bucketLength(b) }),
);

// ---------------------------------------------------------------- meter bands

export function bandLength(b: MeterBand): number {
  return b.type === 'experimenter' ? (OFP_METER_BAND_SIZE + b.data.length + 7) & ~7 : OFP_METER_BAND_SIZE;
}

/**
 * OFPMeterBandDrop / OFPMeterBandDscpRemark / OFPMeterBandExperimenter. Ryu's
 * experimenter band has no body; ours keeps the bytes after the experimenter
 * id, written as `data` (base64) only when there are any.
 */
export const meterBand: Field<MeterBand> = {
  to(b) {
    const common = { rate: b.rate, burst_size: b.burstSize, len: bandLength(b) };
    switch (b.type) {
      case 'drop':
        return classed('OFPMeterBandDrop', { ...common, type: OFPMBT_DROP });
      case 'dscpRemark':
        return classed('OFPMeterBandDscpRemark', { ...common, type: OFPMBT_DSCP_REMARK, prec_level: b.precLevel });
      case 'experimenter': {
        const body: Record<string, RyuJson> = { ...common, type: OFPMBT_EXPERIMENTER, experimenter: b.experimenter };
        if (b.data.length > 0) body['data'] = base64.to(b.data);
        return classed('OFPMeterBandExperimenter', body);
      }
    }
  },
  from(j, path) {
    const { name, body } = readClassed(j, path);
    const rate = u32.from(body.get('rate'), body.at('rate'));
    const burstSize = u32.from(body.get('burst_size'), body.at('burst_size'));
    let b: MeterBand;
    let type: number;
    if (name === 'OFPMeterBandDrop') {
      b = { type: 'drop', rate, burstSize };
      type = OFPMBT_DROP;
    } else if (name === 'OFPMeterBandDscpRemark') {
      b = { type: 'dscpRemark', rate, burstSize, precLevel: u8.from(body.get('prec_level'), body.at('prec_level')) };
      type = OFPMBT_DSCP_REMARK;
    } else if (name === 'OFPMeterBandExperimenter') {
      const experimenter = u32.from(body.get('experimenter'), body.at('experimenter'));
      const data = body.has('data') ? base64.from(body.get('data'), body.at('data')) : Buffer.alloc(0);
      b = { type: 'experimenter', rate, burstSize, experimenter, data };
      type = OFPMBT_EXPERIMENTER;
    } else {
      return fail(path, `unknown meter band class ${name}`);
    }
    checkDerived(body, 'type', type);
    checkDerived(body, 'len', bandLength(b));
    body.done();
    return b;
  },
};

// ---------------------------------------------------------------- queues

export function queuePropertyLength(p: QueueProperty): number {
  // Experimenter: header 8, experimenter 4, pad 4, then the data unpadded (as switches and Ryu send it).
  return p.type === 'experimenter' ? 16 + p.data.length : OFP_QUEUE_PROP_RATE_SIZE;
}

export const queueProperty: Field<QueueProperty> = {
  to(p) {
    const len = queuePropertyLength(p);
    switch (p.type) {
      case 'minRate':
        return classed('OFPQueuePropMinRate', { rate: p.rate, len, property: OFPQT_MIN_RATE });
      case 'maxRate':
        return classed('OFPQueuePropMaxRate', { rate: p.rate, len, property: OFPQT_MAX_RATE });
      case 'experimenter':
        return classed('OFPQueuePropExperimenter', { experimenter: p.experimenter, data: byteList.to(p.data), len, property: OFPQT_EXPERIMENTER });
    }
  },
  from(j, path) {
    const { name, body } = readClassed(j, path);
    let p: QueueProperty;
    let property: number;
    if (name === 'OFPQueuePropMinRate' || name === 'OFPQueuePropMaxRate') {
      const rate = u16.from(body.get('rate'), body.at('rate'));
      p = name === 'OFPQueuePropMinRate' ? { type: 'minRate', rate } : { type: 'maxRate', rate };
      property = name === 'OFPQueuePropMinRate' ? OFPQT_MIN_RATE : OFPQT_MAX_RATE;
    } else if (name === 'OFPQueuePropExperimenter') {
      p = {
        type: 'experimenter',
        experimenter: u32.from(body.get('experimenter'), body.at('experimenter')),
        data: byteList.from(body.get('data'), body.at('data')),
      };
      property = OFPQT_EXPERIMENTER;
    } else {
      return fail(path, `unknown queue property class ${name}`);
    }
    checkDerived(body, 'property', property);
    checkDerived(body, 'len', queuePropertyLength(p));
    body.done();
    return p;
  },
};

export function packetQueueLength(q: PacketQueue): number {
  return OFP_PACKET_QUEUE_SIZE + q.properties.reduce((sum, p) => sum + queuePropertyLength(p), 0);
}

export const packetQueue: Field<PacketQueue> = classedStruct(
  'OFPPacketQueue',
  struct<PacketQueue>({ queueId: u32, port: u32, properties: list(queueProperty) }),
  (q) => ({ len: packetQueueLength(q) }),
);
