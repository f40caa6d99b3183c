"""A plugin the kit's tests build from a project made by new.py (as src/app.py):
it exercises the SDK from inside the guest and logs what it saw."""
from typing import Any, List

from sdn_plugin import (
    NO_BUFFER,
    Command,
    Event,
    Event_PacketIn,
    NxCtFlags,
    NxNatFlags,
    Plugin,
    Port,
    ct_nat,
    ethernet,
    export,
    flow_mod,
    host_error,
    log,
    now_ms,
    nx_ct,
    nx_resubmit_table,
    output,
    packet_out,
    publish,
)


class Probe(Plugin):
    def initialize(self, config: Any) -> None:
        if config.get("fail"):
            raise ValueError("told to fail")
        print("printed", "line")
        try:
            publish("probe.hello", "hi")
            log.error("publish was not refused")
        except Exception as exc:
            log.info(f"publish refused: {type(host_error(exc)).__name__}")
        log.info(f"clock works: {now_ms() > 1_600_000_000_000}")

    def handle(self, events: List[Event]) -> List[Command]:
        commands: List[Command] = []
        for event in events:
            if not isinstance(event, Event_PacketIn):
                continue
            p = event.value
            eth = ethernet(p.data)
            if int.from_bytes(p.data[18:22], "big") == 13:
                raise RuntimeError("unlucky 13")
            log.info(f"packet-in: unbuffered {p.buffer_id == NO_BUFFER}, in_port {p.in_port}, local {p.in_port == Port.LOCAL}, {eth.src} -> {eth.dst} type {eth.eth_type:x} vlan {eth.vlan_id}")
            commands.append(packet_out(p.dpid, in_port=p.in_port, data=p.data, actions=[output(Port.CONTROLLER, 128), output(Port.FLOOD)]))
            # The Nicira builders (world 0.2.0): commit to conntrack zone 5 with source NAT, then resubmit to table 1.
            ct = nx_ct(flags=NxCtFlags.COMMIT, zone_ofs_nbits=5, actions=[ct_nat(NxNatFlags.SRC, ipv4_min="10.0.0.9")])
            commands.append(flow_mod(p.dpid, priority=7, actions=[ct, nx_resubmit_table(1)]))
        return commands


WitWorld = export(Probe)
