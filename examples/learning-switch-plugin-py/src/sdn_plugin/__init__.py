"""The sdn-runtime plugin SDK for Python (componentize-py).

WIT types come from the bindings componentize-py generates (`wit_world.imports.types`);
this package adds the plugin base class, OpenFlow constants and builders, frame
parsing and the host calls. Import everything from here.
"""
from wit_world.imports.types import (
    Command,
    Event,
    Event_FlowRemoved,
    Event_HostAdded,
    Event_HostMoved,
    Event_HostRemoved,
    Event_KvChange,
    Event_LinkDown,
    Event_LinkUp,
    Event_Message,
    Event_PacketIn,
    Event_PortStatus,
    Event_RoleChanged,
    Event_SwitchDown,
    Event_SwitchError,
    Event_SwitchUp,
    FlowModCommand,
    HostError,
    OxmField,
    PacketIn,
)

from .ethernet import EthernetHeader, ethernet, is_multicast, mac_at
from .host import host_error, kv_delete, kv_get, kv_put, log, now_ms, publish, send
from .openflow import *  # noqa: F401,F403 (its __all__ is the OpenFlow surface)
from .openflow import __all__ as _openflow_all
from .nicira import *  # noqa: F401,F403 (its __all__ is the Nicira surface)
from .nicira import __all__ as _nicira_all
from .plugin import Plugin, export

__all__ = [
    "Command",
    "Event",
    "Event_FlowRemoved",
    "Event_HostAdded",
    "Event_HostMoved",
    "Event_HostRemoved",
    "Event_KvChange",
    "Event_LinkDown",
    "Event_LinkUp",
    "Event_Message",
    "Event_PacketIn",
    "Event_PortStatus",
    "Event_RoleChanged",
    "Event_SwitchDown",
    "Event_SwitchError",
    "Event_SwitchUp",
    "EthernetHeader",
    "FlowModCommand",
    "HostError",
    "OxmField",
    "PacketIn",
    "Plugin",
    "ethernet",
    "export",
    "host_error",
    "is_multicast",
    "kv_delete",
    "kv_get",
    "kv_put",
    "log",
    "mac_at",
    "now_ms",
    "publish",
    "send",
    *_openflow_all,
    *_nicira_all,
]
