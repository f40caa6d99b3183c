"""The learning switch of os-ken's simple_switch_13, as a plugin.

On switch-up a table-miss flow sends unmatched packets to the controller; on
packet-in the source MAC is learned on its in_port, a known destination gets a
flow (in_port, eth_dst, eth_src; idle timeout) and the packet is sent on, an
unknown one is flooded.
"""
from typing import Any, Dict, List

from sdn_plugin import (
    CONTROLLER_MAX_LEN_NO_BUFFER,
    NO_BUFFER,
    Command,
    EthType,
    Event,
    Event_PacketIn,
    Event_SwitchDown,
    Event_SwitchUp,
    PacketIn,
    Plugin,
    Port,
    ethernet,
    export,
    flow_mod,
    log,
    output,
    oxm,
    packet_out,
)


def _setting(config: Dict[str, Any], key: str, default: int) -> int:
    value = config.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 0xFFFF:
        raise ValueError(f"config.{key} must be an integer from 0 to 65535, got {value!r}")
    return value


class LearningSwitch(Plugin):
    def initialize(self, config: Any) -> None:
        config = config or {}
        self.idle_timeout = _setting(config, "idleTimeout", 60)
        self.priority = _setting(config, "priority", 1)
        # Per switch: MAC -> the port it was last seen on (os-ken's mac_to_port).
        self.mac_to_port: Dict[str, Dict[str, int]] = {}
        log.info(f"learning switch ready (idle timeout {self.idle_timeout} s, priority {self.priority})")

    def handle(self, events: List[Event]) -> List[Command]:
        commands: List[Command] = []
        for event in events:
            if isinstance(event, Event_SwitchUp):
                self.mac_to_port[event.value.dpid] = {}
                miss = output(Port.CONTROLLER, CONTROLLER_MAX_LEN_NO_BUFFER)
                commands.append(flow_mod(event.value.dpid, priority=0, actions=[miss]))
            elif isinstance(event, Event_SwitchDown):
                self.mac_to_port.pop(event.value.dpid, None)
            elif isinstance(event, Event_PacketIn):
                self.packet_in(event.value, commands)
        return commands

    def packet_in(self, p: PacketIn, commands: List[Command]) -> None:
        eth = ethernet(p.data)
        if eth is None or eth.eth_type == EthType.LLDP:
            return
        table = self.mac_to_port.setdefault(p.dpid, {})
        table[eth.src] = p.in_port
        known = table.get(eth.dst)
        actions = [output(Port.FLOOD if known is None else known)]
        if known is not None:
            match = [oxm.in_port(p.in_port), oxm.eth_dst(eth.dst), oxm.eth_src(eth.src)]
            if p.buffer_id != NO_BUFFER:
                # A buffered packet goes out with the flow that now matches it (as simple_switch_13 does).
                commands.append(flow_mod(p.dpid, priority=self.priority, match=match, actions=actions, idle_timeout=self.idle_timeout, buffer_id=p.buffer_id))
                return
            commands.append(flow_mod(p.dpid, priority=self.priority, match=match, actions=actions, idle_timeout=self.idle_timeout))
        commands.append(packet_out(p.dpid, in_port=p.in_port, buffer_id=p.buffer_id, data=p.data, actions=actions))


WitWorld = export(LearningSwitch)
