"""What an app asks the runtime to stream to it (the Subscribe message)."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field

from . import _subjects
from ._keys import key_bytes
from ._proto import events_pb2 as ev
from ._values import dpid, uint
from .errors import invalid


class EventKind(enum.IntEnum):
    """Kinds of event a subscription may ask for (EventKind in events.proto)."""

    SWITCH_UP = ev.EVENT_KIND_SWITCH_UP
    SWITCH_DOWN = ev.EVENT_KIND_SWITCH_DOWN
    PACKET_IN = ev.EVENT_KIND_PACKET_IN
    PORT_STATUS = ev.EVENT_KIND_PORT_STATUS
    FLOW_REMOVED = ev.EVENT_KIND_FLOW_REMOVED
    SWITCH_ERROR = ev.EVENT_KIND_SWITCH_ERROR
    PUBSUB = ev.EVENT_KIND_PUBSUB
    KV = ev.EVENT_KIND_KV
    #: Topology events: delivered only to subscriptions that name them.
    LINK_UP = ev.EVENT_KIND_LINK_UP
    LINK_DOWN = ev.EVENT_KIND_LINK_DOWN
    HOST_ADDED = ev.EVENT_KIND_HOST_ADDED
    HOST_MOVED = ev.EVENT_KIND_HOST_MOVED
    HOST_REMOVED = ev.EVENT_KIND_HOST_REMOVED
    #: With mastership: the runtime's role for a switch changed. Only when named.
    ROLE_CHANGED = ev.EVENT_KIND_ROLE_CHANGED
    #: The overlay: another node became reachable / unreachable. Only when named, whatever `dpids`.
    NODE_UP = ev.EVENT_KIND_NODE_UP
    NODE_DOWN = ev.EVENT_KIND_NODE_DOWN


@dataclass(frozen=True, slots=True, kw_only=True)
class PacketInFilter:
    """Which packet-ins to deliver: every non-empty list must contain the packet's
    value (`eth_types` is matched after one VLAN tag)."""

    table_ids: Sequence[int] = ()
    cookies: Sequence[int] = ()
    eth_types: Sequence[int] = ()

    def __post_init__(self) -> None:
        for t in self.table_ids:
            uint("packet_in table_id", t, 8)
        for c in self.cookies:
            uint("packet_in cookie", c, 64)
        for e in self.eth_types:
            uint("packet_in eth_type", e, 16)


@dataclass(frozen=True, slots=True, kw_only=True)
class KvWatch:
    """KV changes to deliver on the event stream: one key, or every key under a
    prefix; replaying changes after `start_revision` first (0: from now on)."""

    key: bytes | str
    prefix: bool = False
    start_revision: int = 0

    def __post_init__(self) -> None:
        key_bytes(self.key)
        uint("start_revision", self.start_revision, 64)


@dataclass(frozen=True, slots=True)
class TableDeclaration:
    """A flow table the app asks for by name: the runtime gives it an id after the
    tables in `after` (this app's or, declared before, another app's). `App.tables`
    has the ids. docs/apps-sharing-a-switch.md."""

    name: str
    after: Sequence[str] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not 1 <= len(self.name) <= 64:
            raise invalid(f"a table name has 1..64 characters, got {self.name!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Subscription:
    """The events an app receives. `kinds` empty: every OpenFlow kind (PUBSUB and
    KV events come from `topics` and `kv_watches`; topology, ROLE_CHANGED,
    NODE_UP and NODE_DOWN only when named). `dpids` empty: every switch (node
    events are no switch's: `dpids` does not filter them).
    `max_batch`: most events per batch (0: the runtime's default, 256)."""

    kinds: Sequence[EventKind] = ()
    dpids: Sequence[int] = ()
    packet_in: PacketInFilter = field(default_factory=PacketInFilter)
    topics: Sequence[str] = ()
    kv_watches: Sequence[KvWatch] = ()
    max_batch: int = 0

    def __post_init__(self) -> None:
        for k in self.kinds:
            EventKind(k)
        for d in self.dpids:
            dpid(d)
        for t in self.topics:
            _subjects.pattern(t)
        uint("max_batch", self.max_batch, 32)

    def to_proto(self, app_name: str, credit: int, tables: Sequence[TableDeclaration] = ()) -> ev.Subscribe:
        return ev.Subscribe(
            app_name=app_name,
            tables=[ev.TableDeclaration(name=t.name, after=list(t.after)) for t in tables],
            kinds=[ev.EventKind.ValueType(int(k)) for k in self.kinds],
            dpids=list(self.dpids),
            packet_in=ev.PacketInFilter(
                table_ids=list(self.packet_in.table_ids),
                cookies=list(self.packet_in.cookies),
                eth_types=list(self.packet_in.eth_types),
            ),
            initial_credit=credit,
            max_batch=self.max_batch,
            topics=list(self.topics),
            kv_watches=[
                ev.KvWatch(key=key_bytes(w.key), prefix=w.prefix, start_revision=w.start_revision) for w in self.kv_watches
            ],
        )
