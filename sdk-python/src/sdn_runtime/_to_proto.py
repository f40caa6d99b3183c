"""Builder values -> protobuf messages. The values were checked when built, so
these functions only translate."""

from __future__ import annotations

from collections.abc import Iterable

from google.protobuf.internal.containers import RepeatedCompositeFieldContainer

from . import actions as act
from . import _nicira_proto
from . import instructions as ins
from ._proto import openflow_pb2 as of
from .buckets import Bucket, DropBand, DscpRemarkBand, ExperimenterBand, MeterBand
from .match import Match, OxmField, OxmValue

_NOTHING = of.Nothing()


def _fill_value(out: of.OxmValue, v: OxmValue) -> None:
    if isinstance(v, str):
        out.text = v
    elif isinstance(v, bytes):
        out.wide = v
    else:
        out.uint = v


def oxm_value(v: OxmValue) -> of.OxmValue:
    out = of.OxmValue()
    _fill_value(out, v)
    return out


def fill_oxm(out: of.OxmField, f: OxmField) -> None:
    """Sets `out` (a fresh message) to `f`, in place: building nested messages with
    keyword arguments copies each one (a 3-field match took 6 us, this 2.4 us)."""
    if f.field == "opaque":
        out.field = "opaque"
        out.opaque_class = f.opaque_class
        out.opaque_field = f.opaque_field
        out.opaque_has_mask = f.opaque_has_mask
        out.opaque_payload = f.opaque_payload
        return
    out.field = f.field
    _fill_value(out.value, f.value)
    if f.mask is not None:
        _fill_value(out.mask, f.mask)


def oxm(f: OxmField) -> of.OxmField:
    out = of.OxmField()
    fill_oxm(out, f)
    return out


def fill_match(out: of.Match, m: Match) -> None:
    """Sets `out` (a fresh message, present afterwards even when empty) to `m`."""
    out.SetInParent()
    add = out.fields.add
    for f in m.fields:
        fill_oxm(add(), f)


def match(m: Match) -> of.Match:
    out = of.Match()
    fill_match(out, m)
    return out


def fill_actions(out: RepeatedCompositeFieldContainer[of.Action], items: Iterable[act.Action]) -> None:
    """Appends `items` to `out`; outputs (the common action) are set in place."""
    for a in items:
        if type(a) is act.Output:
            o = out.add().output
            o.port = a.port
            o.max_len = a.max_len
        else:
            out.append(action(a))


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
        case _:
            return _nicira_proto.to_proto(a, action)


def actions(items: Iterable[act.Action]) -> list[of.Action]:
    return [action(a) for a in items]


def fill_instruction(out: of.Instruction, i: ins.Instruction) -> None:
    """Sets `out` (a fresh message) to `i`; action lists in place."""
    if type(i) is ins.ApplyActions:
        out.apply_actions.SetInParent()
        fill_actions(out.apply_actions.actions, i.actions)
    elif type(i) is ins.WriteActions:
        out.write_actions.SetInParent()
        fill_actions(out.write_actions.actions, i.actions)
    else:
        out.CopyFrom(instruction(i))


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
