"""A hub: every switch that comes up gets a table-miss flow to the controller,
and every packet it sends up is flooded out of all its other ports."""
from typing import Any, List

from sdn_plugin import (
    CONTROLLER_MAX_LEN_NO_BUFFER,
    Command,
    Event,
    Event_PacketIn,
    Event_SwitchUp,
    Plugin,
    Port,
    export,
    flow_mod,
    log,
    output,
    packet_out,
)


class Hub(Plugin):
    def initialize(self, config: Any) -> None:
        self.miss_priority = int((config or {}).get("missPriority", 0))
        log.info(f"hub ready (table-miss priority {self.miss_priority})")

    def handle(self, events: List[Event]) -> List[Command]:
        commands: List[Command] = []
        for event in events:
            if isinstance(event, Event_SwitchUp):
                miss = output(Port.CONTROLLER, CONTROLLER_MAX_LEN_NO_BUFFER)
                commands.append(flow_mod(event.value.dpid, priority=self.miss_priority, actions=[miss]))
            elif isinstance(event, Event_PacketIn):
                p = event.value
                commands.append(packet_out(p.dpid, in_port=p.in_port, buffer_id=p.buffer_id, data=p.data, actions=[output(Port.FLOOD)]))
        return commands


WitWorld = export(Hub)
