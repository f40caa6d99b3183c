import type { OfpMessage, PacketIn, PacketOut } from '../openflow/index.js';
import type { FakeSwitch } from './fake-switch.js';

/** An OpenFlow 1.3 PACKET_IN of `data` arriving on `inPort` (no buffer). */
export function packetInOn(inPort: number, data: Uint8Array): PacketIn {
  return { type: 'PacketIn', version: 4, xid: 0, bufferId: 0xffffffff, totalLen: data.length, reason: 0, tableId: 0, cookie: 0n, match: [{ field: 'in_port', value: inPort }], data };
}

/** True for a PACKET_OUT of an LLDP frame out of `port`: a topology probe. */
export function isProbeOut(m: OfpMessage, port: number): m is PacketOut {
  return m.type === 'PacketOut' && m.actions.some((a) => a.type === 'output' && a.port === port) && m.data.length > 14 && m.data[12] === 0x88 && m.data[13] === 0xcc;
}

/**
 * A cable between two fake switches, one direction: waits (bounded) for the next
 * probe `from` is told to send out of `port` and hands it to `to` as a packet-in
 * on `toPort`.
 */
export async function relayProbe(from: FakeSwitch, port: number, to: FakeSwitch, toPort: number, timeoutMs = 5000): Promise<void> {
  const out = (await from.waitFor((m) => isProbeOut(m, port), timeoutMs)) as PacketOut;
  to.send(packetInOn(toPort, out.data));
}
