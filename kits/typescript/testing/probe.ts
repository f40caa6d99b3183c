// A plugin the kit's tests build from a project made by tools/new.mjs (as
// src/plugin.ts): it exercises the SDK from inside the guest and logs what it saw.
import {
  Port,
  NO_BUFFER,
  NxCtFlags,
  NxNatFlags,
  ethernet,
  flowMod,
  fromUtf8,
  hostError,
  log,
  nowMs,
  nxCt,
  nxNatNested,
  nxResubmitTable,
  output,
  packetOut,
  publish,
  unsigned,
  utf8,
  type Command,
  type Event,
} from './sdk/index.js';

export function initialize(configJson: string): void {
  const config = JSON.parse(configJson) as { fail?: boolean };
  if (config.fail === true) throw new Error('told to fail');
  try {
    publish('probe.hello', 'hi');
    log.error('publish was not refused');
  } catch (err) {
    log.info(`publish refused: ${hostError(err)?.tag}`);
  }
  log.info(`utf8 round trip: ${fromUtf8(utf8('grüße ✓ 𝄞'))}`);
  log.info(`clock works: ${nowMs() > 1_600_000_000_000}`);
}

export function handle(events: Event[]): Command[] {
  const commands: Command[] = [];
  for (const event of events) {
    if (event.tag !== 'packet-in') continue;
    const p = event.val;
    const eth = ethernet(p.data);
    log.info(`packet-in: unbuffered ${p.bufferId === NO_BUFFER}, in_port ${unsigned(p.inPort)}, local ${p.inPort === Port.LOCAL}, ${eth?.src} -> ${eth?.dst} type ${eth?.ethType.toString(16)} vlan ${eth?.vlanId}`);
    commands.push(packetOut(p.dpid, { inPort: p.inPort, data: p.data, actions: [output(0xfffffffd, 128), output(Port.FLOOD)] })); // CONTROLLER given unsigned: the SDK converts it
    // The Nicira builders (world 0.2.0): commit to conntrack zone 5 with source NAT, then resubmit to table 1.
    const ct = nxCt({ flags: NxCtFlags.COMMIT, zoneOfsNbits: 5, actions: [nxNatNested(NxNatFlags.SRC, { rangeIpv4Min: '10.0.0.9' })] });
    commands.push(flowMod(p.dpid, { priority: 7, actions: [ct, nxResubmitTable(1)] }));
  }
  return commands;
}
