import type { Reader } from './reader.js';
import type { PacketQueue, QueueProperty } from './structs.js';
import type { Writer } from './writer.js';

/** Queue descriptions and properties (OpenFlow 1.3.5 7.2.2). */

// 7.2.2 enum ofp_queue_properties
export const OFPQT_MIN_RATE = 1;
export const OFPQT_MAX_RATE = 2;
export const OFPQT_EXPERIMENTER = 0xffff;

/** sizeof(struct ofp_packet_queue) without properties. */
export const OFP_PACKET_QUEUE_SIZE = 16;
/** sizeof(struct ofp_queue_prop_min_rate) and _max_rate. */
export const OFP_QUEUE_PROP_RATE_SIZE = 16;

function readProperties(r: Reader): QueueProperty[] {
  const props: QueueProperty[] = [];
  while (r.pos < r.end) {
    const start = r.pos;
    const property = r.u16('queue.property');
    const len = r.u16('queue.property.len');
    // The spec pads these to 8 bytes only by example; switches (and Ryu) send
    // experimenter properties of any length, so only the minimum is enforced.
    if (len < 8) r.fail('queue.property.len', `${len} is below the property header size 8`, start + 2);
    const p = r.sub(len - 4, 'queue.property.len');
    p.pad(4);
    if (property === OFPQT_EXPERIMENTER) {
      const experimenter = p.u32('queue.property.experimenter');
      p.pad(4);
      props.push({ type: 'experimenter', experimenter, data: p.rest() });
      continue;
    }
    if (len !== OFP_QUEUE_PROP_RATE_SIZE) r.fail('queue.property.len', `property ${property} must be 16 bytes, header says ${len}`, start + 2);
    const rate = p.u16('queue.property.rate');
    if (property === OFPQT_MIN_RATE) props.push({ type: 'minRate', rate });
    else if (property === OFPQT_MAX_RATE) props.push({ type: 'maxRate', rate });
    else r.fail('queue.property', `unknown queue property ${property}`, start);
  }
  return props;
}

function writeProperties(w: Writer, props: readonly QueueProperty[]): void {
  for (const prop of w.list(props, 'queue.properties')) {
    w.struct(prop, 'queue.property');
    const start = w.pos;
    const type = prop.type === 'minRate' ? OFPQT_MIN_RATE : prop.type === 'maxRate' ? OFPQT_MAX_RATE : prop.type === 'experimenter' ? OFPQT_EXPERIMENTER : -1;
    if (type < 0) w.fail('queue.property', `unknown queue property "${String((prop as { type: unknown }).type)}"`);
    w.u16(type, 'queue.property');
    w.u16(0, 'queue.property.len');
    w.zeros(4);
    if (prop.type === 'experimenter') {
      w.u32(prop.experimenter, 'queue.property.experimenter');
      w.zeros(4);
      w.bytes(prop.data, 'queue.property.data');
    } else {
      w.u16(prop.rate, 'queue.property.rate');
      w.zeros(6);
    }
    w.patchU16(start + 2, w.pos - start, 'queue.property.len');
  }
}

/** Reads struct ofp_packet_queue entries until the end of `r`. */
export function readPacketQueues(r: Reader): PacketQueue[] {
  const queues: PacketQueue[] = [];
  while (r.pos < r.end) {
    const start = r.pos;
    const queueId = r.u32('queue.queue_id');
    const port = r.u32('queue.port');
    const len = r.u16('queue.len');
    if (len < OFP_PACKET_QUEUE_SIZE) r.fail('queue.len', `${len} is below the queue size 16`, start + 8);
    r.pad(6);
    queues.push({ queueId, port, properties: readProperties(r.sub(len - OFP_PACKET_QUEUE_SIZE, 'queue.len')) });
  }
  return queues;
}

export function writePacketQueues(w: Writer, queues: readonly PacketQueue[]): void {
  for (const q of w.list(queues, 'queues')) {
    w.struct(q, 'queue');
    const start = w.pos;
    w.u32(q.queueId, 'queue.queue_id');
    w.u32(q.port, 'queue.port');
    w.u16(0, 'queue.len');
    w.zeros(6);
    writeProperties(w, q.properties);
    w.patchU16(start + 8, w.pos - start, 'queue.len');
  }
}
