"""Protobuf messages from the runtime -> the SDK's values.

Values from the runtime are taken as the runtime decoded them from the switch: no
builder checks run here (a switch may report what our builders would refuse).
"""

from __future__ import annotations

from collections.abc import Iterable

from . import actions as act
from . import _nicira_proto
from . import instructions as ins
from ._proto import events_pb2 as ev
from ._proto import kv_pb2
from ._proto import openflow_pb2 as of
from ._proto import stats_pb2 as st
from ._proto import switches_pb2 as sw
from ._proto import topology_pb2 as topo
from .buckets import Bucket, DropBand, DscpRemarkBand, ExperimenterBand, MeterBand
from .errors import ErrorCode, OpenFlowError, SdnError
from .events import (
    Endpoint,
    Event,
    FlowRemoved,
    Gap,
    Host,
    HostAdded,
    HostMoved,
    HostRemoved,
    KeyValue,
    KvChange,
    KvChangeType,
    Link,
    LinkDown,
    LinkUp,
    NodeDown,
    NodeUp,
    PacketIn,
    PortStatus,
    PubSubMessage,
    RoleChanged,
    SwitchDown,
    SwitchError,
    SwitchUp,
)
from ._unchecked import constructor
from .match import Match, OxmField, OxmValue
from .stats import DescStats, PortDesc, SwitchInfo, SwitchRole

_new_oxm_field = constructor(OxmField)
_new_match = constructor(Match)
_new_packet_in = constructor(PacketIn)

#: Converted packet-in matches by their wire bytes. A switch's packet-ins carry
#: few distinct matches (mostly in_port), and a Match is immutable, so one
#: conversion serves them all; the cache starts over when it reaches its size.
_PACKET_IN_MATCHES: dict[bytes, Match] = {}
_PACKET_IN_MATCHES_SIZE = 4096


def oxm_value(v: of.OxmValue) -> OxmValue:
    kind = v.WhichOneof("kind")
    if kind == "text":
        return v.text
    if kind == "wide":
        return v.wide
    return v.uint


def oxm(f: of.OxmField) -> OxmField:
    if f.field == "opaque":
        return _new_oxm_field("opaque", b"", None, f.opaque_class, f.opaque_field, f.opaque_has_mask, f.opaque_payload)
    return _new_oxm_field(f.field, oxm_value(f.value), oxm_value(f.mask) if f.HasField("mask") else None, 0, 0, False, b"")


def match(m: of.Match) -> Match:
    return _new_match(tuple([oxm(f) for f in m.fields]))


def packet_in_match(m: of.Match) -> Match:
    key = m.SerializeToString()
    found = _PACKET_IN_MATCHES.get(key)
    if found is None:
        if len(_PACKET_IN_MATCHES) >= _PACKET_IN_MATCHES_SIZE:
            _PACKET_IN_MATCHES.clear()
        found = _PACKET_IN_MATCHES[key] = match(m)
    return found


_NO_ARGUMENT: dict[str, act.Action] = {
    "copy_ttl_out": act.CopyTtlOut(),
    "copy_ttl_in": act.CopyTtlIn(),
    "dec_mpls_ttl": act.DecMplsTtl(),
    "pop_vlan": act.PopVlan(),
    "dec_nw_ttl": act.DecNwTtl(),
    "pop_pbb": act.PopPbb(),
}


def action(a: of.Action) -> act.Action:
    kind = a.WhichOneof("kind")
    if kind is None:
        raise SdnError(ErrorCode.INTERNAL, "the runtime sent an action without a kind")
    if kind in _NO_ARGUMENT:
        return _NO_ARGUMENT[kind]
    if kind == "output":
        return act.Output(a.output.port, a.output.max_len)
    if kind == "set_field":
        return act.SetField(oxm(a.set_field))
    if kind == "set_mpls_ttl":
        return act.SetMplsTtl(a.set_mpls_ttl)
    if kind == "push_vlan":
        return act.PushVlan(a.push_vlan.ethertype)
    if kind == "push_mpls":
        return act.PushMpls(a.push_mpls.ethertype)
    if kind == "pop_mpls":
        return act.PopMpls(a.pop_mpls.ethertype)
    if kind == "set_queue":
        return act.SetQueue(a.set_queue)
    if kind == "group":
        return act.Group(a.group)
    if kind == "set_nw_ttl":
        return act.SetNwTtl(a.set_nw_ttl)
    if kind == "push_pbb":
        return act.PushPbb(a.push_pbb.ethertype)
    if kind == "experimenter":
        return act.Experimenter(a.experimenter.experimenter, a.experimenter.data)
    nicira = _nicira_proto.from_proto(kind, a, actions)
    if nicira is None:
        raise SdnError(ErrorCode.INTERNAL, f"the runtime sent an action this SDK does not know: {kind}")
    return nicira


def actions(items: Iterable[of.Action]) -> tuple[act.Action, ...]:
    return tuple(action(a) for a in items)


def instruction(i: of.Instruction) -> ins.Instruction:
    kind = i.WhichOneof("kind")
    if kind == "apply_actions":
        return ins.ApplyActions(actions(i.apply_actions.actions))
    if kind == "write_actions":
        return ins.WriteActions(actions(i.write_actions.actions))
    if kind == "goto_table":
        return ins.GotoTable(i.goto_table)
    if kind == "write_metadata":
        return ins.WriteMetadata(i.write_metadata.metadata, i.write_metadata.metadata_mask)
    if kind == "clear_actions":
        return ins.ClearActions()
    if kind == "meter":
        return ins.Meter(i.meter)
    if kind == "experimenter":
        return ins.Experimenter(i.experimenter.experimenter, i.experimenter.data)
    raise SdnError(ErrorCode.INTERNAL, "the runtime sent an instruction without a kind")


def bucket(b: of.Bucket) -> Bucket:
    return Bucket(
        actions=actions(b.actions),
        weight=b.weight,
        watch_port=b.watch_port if b.HasField("watch_port") else None,
        watch_group=b.watch_group if b.HasField("watch_group") else None,
    )


def band(b: of.MeterBand) -> MeterBand:
    if b.type == of.MeterBand.TYPE_DSCP_REMARK:
        return DscpRemarkBand(b.rate, b.prec_level, b.burst_size)
    if b.type == of.MeterBand.TYPE_EXPERIMENTER:
        return ExperimenterBand(b.rate, b.experimenter.experimenter, b.experimenter.data, b.burst_size)
    return DropBand(b.rate, b.burst_size)


def port(p: of.Port) -> PortDesc:
    return PortDesc(
        port_no=p.port_no,
        hw_addr=p.hw_addr,
        name=p.name,
        config=p.config,
        state=p.state,
        curr=p.curr,
        advertised=p.advertised,
        supported=p.supported,
        peer=p.peer,
        curr_speed=p.curr_speed,
        max_speed=p.max_speed,
    )


def desc(d: st.DescStats) -> DescStats:
    return DescStats(mfr_desc=d.mfr_desc, hw_desc=d.hw_desc, sw_desc=d.sw_desc, serial_num=d.serial_num, dp_desc=d.dp_desc)


def switch_info(s: sw.SwitchInfo) -> SwitchInfo:
    return SwitchInfo(
        dpid=s.dpid,
        dpid_hex=s.dpid_hex,
        version=s.version,
        remote=s.remote,
        n_buffers=s.n_buffers,
        n_tables=s.n_tables,
        capabilities=s.capabilities,
        desc=desc(s.desc),
        ports=tuple(port(p) for p in s.ports),
        connected_at_ms=s.connected_at_ms,
        # A runtime older than mastership sends no role: it is every switch's only controller.
        role=SwitchRole.MASTER if s.role == sw.SWITCH_ROLE_UNSPECIFIED else switch_role(s.role),
        master_node=s.master_node,
        generation=s.generation,
    )


def openflow_error(e: of.OpenFlowError) -> OpenFlowError:
    return OpenFlowError(
        type=e.type, code=e.code, experimenter=e.experimenter, exp_type=e.exp_type, data=e.data, description=e.description
    )


def key_value(kv: kv_pb2.KeyValue) -> KeyValue:
    return KeyValue(
        key=kv.key, value=kv.value, create_revision=kv.create_revision, mod_revision=kv.mod_revision, version=kv.version
    )


def kv_change(e: kv_pb2.KvEvent, time_ms: int = 0) -> KvChange:
    kind = KvChangeType.DELETE if e.type == kv_pb2.KvEvent.TYPE_DELETE else KvChangeType.PUT
    return KvChange(type=kind, kv=key_value(e.kv), time_ms=time_ms)


def endpoint(e: topo.Endpoint) -> Endpoint:
    return Endpoint(dpid=e.dpid, port=e.port)


def link(k: topo.Link) -> Link:
    return Link(
        src=endpoint(k.src),
        dst=endpoint(k.dst),
        latency_ms=k.latency_ms,
        src_node=k.src_node,
        up_since_ms=k.up_since_ms,
        last_seen_ms=k.last_seen_ms,
    )


def host(h: topo.Host) -> Host:
    return Host(mac=h.mac, ips=tuple(h.ips), location=endpoint(h.location), first_seen_ms=h.first_seen_ms, last_seen_ms=h.last_seen_ms)


_SWITCH_ROLES = {sw.SWITCH_ROLE_MASTER: SwitchRole.MASTER, sw.SWITCH_ROLE_SLAVE: SwitchRole.SLAVE, sw.SWITCH_ROLE_NONE: SwitchRole.NONE}


def switch_role(role: sw.SwitchRole.ValueType) -> SwitchRole:
    """The role of a RoleChanged event or a SwitchInfo; an unknown value is the runtime's error."""
    try:
        return _SWITCH_ROLES[role]
    except KeyError:
        raise SdnError(ErrorCode.INTERNAL, f"the runtime sent a role change with role {role}") from None


def event(e: ev.Event) -> Event | None:
    """The SDK value for one event; None for a body this SDK does not know (a newer runtime)."""
    kind = e.WhichOneof("body")
    if kind == "packet_in":
        p = e.packet_in
        # Fields in PacketIn's declaration order.
        return _new_packet_in(e.dpid, p.in_port, p.data, p.buffer_id, p.total_len, p.reason, p.table_id, p.cookie, packet_in_match(p.match), e.seq, e.time_ms)
    if kind == "switch_up":
        return SwitchUp(dpid=e.dpid, switch=switch_info(e.switch_up.switch), seq=e.seq, time_ms=e.time_ms, snapshot=e.switch_up.snapshot)
    if kind == "switch_down":
        d = e.switch_down
        return SwitchDown(dpid=e.dpid, reason=d.reason, detail=d.detail, seq=e.seq, time_ms=e.time_ms)
    if kind == "port_status":
        s = e.port_status
        return PortStatus(dpid=e.dpid, reason=s.reason, desc=port(s.desc), seq=e.seq, time_ms=e.time_ms)
    if kind == "flow_removed":
        r = e.flow_removed
        return FlowRemoved(
            dpid=e.dpid,
            cookie=r.cookie,
            priority=r.priority,
            reason=r.reason,
            table_id=r.table_id,
            duration_sec=r.duration_sec,
            duration_nsec=r.duration_nsec,
            idle_timeout=r.idle_timeout,
            hard_timeout=r.hard_timeout,
            packet_count=r.packet_count,
            byte_count=r.byte_count,
            match=match(r.match),
            seq=e.seq,
            time_ms=e.time_ms,
        )
    if kind == "switch_error":
        return SwitchError(dpid=e.dpid, error=openflow_error(e.switch_error), seq=e.seq, time_ms=e.time_ms)
    if kind == "pubsub":
        m = e.pubsub
        return PubSubMessage(subject=m.subject, payload=m.payload, headers=dict(m.headers), time_ms=e.time_ms)
    if kind == "kv":
        return kv_change(e.kv, e.time_ms)
    if kind == "link_up":
        return LinkUp(dpid=e.dpid, link=link(e.link_up.link), seq=e.seq, time_ms=e.time_ms)
    if kind == "link_down":
        return LinkDown(dpid=e.dpid, link=link(e.link_down.link), reason=e.link_down.reason, seq=e.seq, time_ms=e.time_ms)
    if kind == "host_added":
        return HostAdded(dpid=e.dpid, host=host(e.host_added.host), seq=e.seq, time_ms=e.time_ms)
    if kind == "host_moved":
        hm = e.host_moved
        # `from` is a Python keyword: the generated field is reached by name.
        return HostMoved(dpid=e.dpid, host=host(hm.host), moved_from=endpoint(getattr(hm, "from")), seq=e.seq, time_ms=e.time_ms)
    if kind == "host_removed":
        return HostRemoved(dpid=e.dpid, host=host(e.host_removed.host), reason=e.host_removed.reason, seq=e.seq, time_ms=e.time_ms)
    if kind == "role_changed":
        rc = e.role_changed
        return RoleChanged(dpid=e.dpid, role=switch_role(rc.role), master_node=rc.master_node, generation=rc.generation, seq=e.seq, time_ms=e.time_ms)
    if kind == "node_up":
        nu = e.node_up
        return NodeUp(node_id=nu.node_id, aliases=tuple(nu.aliases), cost_ms=nu.cost_ms, seq=e.seq, time_ms=e.time_ms)
    if kind == "node_down":
        nd = e.node_down
        return NodeDown(node_id=nd.node_id, aliases=tuple(nd.aliases), reason=nd.reason, detail=nd.detail, seq=e.seq, time_ms=e.time_ms)
    if kind == "gap":
        g = e.gap
        return Gap(from_seq=g.from_seq, to_seq=g.to_seq, packet_ins_shed=g.packet_ins_shed, time_ms=e.time_ms)
    return None
