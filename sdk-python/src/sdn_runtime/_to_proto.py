"""Builder values -> protobuf messages. The values were checked when built, so
these functions only translate."""

from __future__ import annotations

from collections.abc import Iterable

from . import actions as act
from . import instructions as ins
from ._proto import openflow_pb2 as of
from .buckets import Bucket, DropBand, DscpRemarkBand, ExperimenterBand, MeterBand
from .match import Match, OxmField, OxmValue

_NOTHING = of.Nothing()


def oxm_value(v: OxmValue) -> of.OxmValue:
    if isinstance(v, bytes):
        return of.OxmValue(wide=v)
    if isinstance(v, str):
        return of.OxmValue(text=v)
    return of.OxmValue(uint=v)


def oxm(f: OxmField) -> of.OxmField:
    if f.field == "opaque":
        return of.OxmField(
            field="opaque",
            opaque_class=f.opaque_class,
            opaque_field=f.opaque_field,
            opaque_has_mask=f.opaque_has_mask,
            opaque_payload=f.opaque_payload,
        )
    out = of.OxmField(field=f.field, value=oxm_value(f.value))
    if f.mask is not None:
        out.mask.CopyFrom(oxm_value(f.mask))
    return out


def match(m: Match) -> of.Match:
    return of.Match(fields=[oxm(f) for f in m.fields])


def action(a: act.Action) -> of.Action:
    match a:
        case act.Output(port=port, max_len=max_len):
            return of.Action(output=of.OutputAction(port=port, max_len=max_len))
        case act.SetField(field=field):
            return of.Action(set_field=oxm(field))
        case act.CopyTtlOut():
            return of.Action(copy_ttl_out=_NOTHING)
        case act.CopyTtlIn():
            return of.Action(copy_ttl_in=_NOTHING)
        case act.SetMplsTtl(ttl=ttl):
            return of.Action(set_mpls_ttl=ttl)
        case act.DecMplsTtl():
            return of.Action(dec_mpls_ttl=_NOTHING)
        case act.PushVlan(ethertype=e):
            return of.Action(push_vlan=of.EthertypeAction(ethertype=e))
        case act.PopVlan():
            return of.Action(pop_vlan=_NOTHING)
        case act.PushMpls(ethertype=e):
            return of.Action(push_mpls=of.EthertypeAction(ethertype=e))
        case act.PopMpls(ethertype=e):
            return of.Action(pop_mpls=of.EthertypeAction(ethertype=e))
        case act.SetQueue(queue_id=q):
            return of.Action(set_queue=q)
        case act.Group(group_id=g):
            return of.Action(group=g)
        case act.SetNwTtl(ttl=ttl):
            return of.Action(set_nw_ttl=ttl)
        case act.DecNwTtl():
            return of.Action(dec_nw_ttl=_NOTHING)
        case act.PushPbb(ethertype=e):
            return of.Action(push_pbb=of.EthertypeAction(ethertype=e))
        case act.PopPbb():
            return of.Action(pop_pbb=_NOTHING)
        case act.Experimenter(experimenter=e, data=data):
            return of.Action(experimenter=of.ExperimenterBody(experimenter=e, data=data))


def actions(items: Iterable[act.Action]) -> list[of.Action]:
    return [action(a) for a in items]


def instruction(i: ins.Instruction) -> of.Instruction:
    match i:
        case ins.ApplyActions(actions=items):
            return of.Instruction(apply_actions=of.ActionList(actions=actions(items)))
        case ins.WriteActions(actions=items):
            return of.Instruction(write_actions=of.ActionList(actions=actions(items)))
        case ins.GotoTable(table_id=t):
            return of.Instruction(goto_table=t)
        case ins.WriteMetadata(metadata=m, metadata_mask=mask):
            return of.Instruction(write_metadata=of.WriteMetadata(metadata=m, metadata_mask=mask))
        case ins.ClearActions():
            return of.Instruction(clear_actions=_NOTHING)
        case ins.Meter(meter_id=m):
            return of.Instruction(meter=m)
        case ins.Experimenter(experimenter=e, data=data):
            return of.Instruction(experimenter=of.ExperimenterBody(experimenter=e, data=data))


def bucket(b: Bucket) -> of.Bucket:
    out = of.Bucket(weight=b.weight, actions=actions(b.actions))
    if b.watch_port is not None:
        out.watch_port = b.watch_port
    if b.watch_group is not None:
        out.watch_group = b.watch_group
    return out


def band(b: MeterBand) -> of.MeterBand:
    match b:
        case DropBand(rate=rate, burst_size=burst):
            return of.MeterBand(type=of.MeterBand.TYPE_DROP, rate=rate, burst_size=burst)
        case DscpRemarkBand(rate=rate, burst_size=burst, prec_level=prec):
            return of.MeterBand(type=of.MeterBand.TYPE_DSCP_REMARK, rate=rate, burst_size=burst, prec_level=prec)
        case ExperimenterBand(rate=rate, burst_size=burst, experimenter=e, data=data):
            return of.MeterBand(
                type=of.MeterBand.TYPE_EXPERIMENTER,
                rate=rate,
                burst_size=burst,
                experimenter=of.ExperimenterBody(experimenter=e, data=data),
            )
