"""Nicira actions between the SDK's values (`_nicira`) and the API's protobuf (the
`nx_*` cases of Action). From the runtime, values are built without checks, as
`_from_proto` builds everything the switch reported."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from . import _nicira as nx
from ._proto import openflow_pb2 as of
from ._unchecked import constructor

if TYPE_CHECKING:
    from .actions import Action

_SPEC_TYPES = {"match": of.NxFlowSpec.TYPE_MATCH, "load": of.NxFlowSpec.TYPE_LOAD, "output": of.NxFlowSpec.TYPE_OUTPUT}
_SPEC_NAMES = {v: k for k, v in _SPEC_TYPES.items()}


def _header(h: nx.NxmField) -> of.NxmField:
    if h == "":
        return of.NxmField()
    return of.NxmField(name=h) if isinstance(h, str) else of.NxmField(header=h)


def _header_from(f: of.NxmField) -> nx.NxmField:
    kind = f.WhichOneof("kind")
    if kind == "name":
        return f.name
    return f.header if kind == "header" else ""


def _immediate_size(n_bits: int) -> int:
    return (n_bits + 15) // 16 * 2


def _spec(s: nx.NxFlowSpec) -> of.NxFlowSpec:
    out = of.NxFlowSpec(type=_SPEC_TYPES[s.type], n_bits=s.n_bits)
    if isinstance(s.src, int):
        out.src_value = s.src.to_bytes(_immediate_size(s.n_bits), "big")
    else:
        out.src_field.CopyFrom(of.NxFlowSpecField(field=_header(s.src.field), ofs=s.src.ofs))
    if s.dst is not None:
        out.dst.CopyFrom(of.NxFlowSpecField(field=_header(s.dst.field), ofs=s.dst.ofs))
    return out


def to_proto(a: nx.NiciraAction, action: Callable[[Action], of.Action]) -> of.Action:
    """The proto form of a checked Nicira action; `action` converts ct's nested actions."""
    match a:
        case nx.NxCt():
            return of.Action(nx_ct=of.NxCtAction(
                flags=a.flags, zone_src=_header(a.zone_src), zone_ofs_nbits=a.zone_ofs_nbits,
                recirc_table=a.recirc_table, alg=a.alg, actions=[action(x) for x in a.actions],
            ))
        case nx.NxCtClear():
            return of.Action(nx_ct_clear=of.Nothing())
        case nx.NxNat():
            bounds = {k: getattr(a, k) for k in (
                "range_ipv4_min", "range_ipv4_max", "range_ipv6_min", "range_ipv6_max", "range_proto_min", "range_proto_max",
            ) if getattr(a, k) is not None}
            return of.Action(nx_nat=of.NxNatAction(flags=a.flags, **bounds))
        case nx.NxResubmit():
            return of.Action(nx_resubmit=a.in_port)
        case nx.NxResubmitTable():
            return of.Action(nx_resubmit_table=of.NxResubmitTableAction(in_port=a.in_port, table_id=a.table_id))
        case nx.NxLearn():
            return of.Action(nx_learn=of.NxLearnAction(
                idle_timeout=a.idle_timeout, hard_timeout=a.hard_timeout, priority=a.priority, cookie=a.cookie,
                flags=a.flags, table_id=a.table_id, fin_idle_timeout=a.fin_idle_timeout,
                fin_hard_timeout=a.fin_hard_timeout, specs=[_spec(s) for s in a.specs],
            ))
        case nx.NxRegLoad():
            return of.Action(nx_reg_load=of.NxRegLoadAction(ofs_nbits=a.ofs_nbits, dst=_header(a.dst), value=a.value))
        case nx.NxRegMove():
            return of.Action(nx_reg_move=of.NxRegMoveAction(
                n_bits=a.n_bits, src_ofs=a.src_ofs, dst_ofs=a.dst_ofs,
                src_field=_header(a.src_field), dst_field=_header(a.dst_field),
            ))
        case nx.NxConjunction():
            return of.Action(nx_conjunction=of.NxConjunctionAction(clause=a.clause, n_clauses=a.n_clauses, id=a.id))
        case nx.NxNote():
            return of.Action(nx_note=a.note)


_ct = constructor(nx.NxCt)
_nat = constructor(nx.NxNat)
_resubmit = constructor(nx.NxResubmit)
_resubmit_table = constructor(nx.NxResubmitTable)
_learn = constructor(nx.NxLearn)
_reg_load = constructor(nx.NxRegLoad)
_reg_move = constructor(nx.NxRegMove)
_conjunction = constructor(nx.NxConjunction)
_note = constructor(nx.NxNote)
_spec_make = constructor(nx.NxFlowSpec)
_spec_field = constructor(nx.NxFlowSpecField)
_CT_CLEAR = nx.NxCtClear()


def _spec_from(s: of.NxFlowSpec) -> nx.NxFlowSpec:
    src: nx.NxFlowSpecField | int
    if s.WhichOneof("src") == "src_field":
        src = _spec_field(_header_from(s.src_field.field), s.src_field.ofs)
    else:
        src = int.from_bytes(s.src_value, "big")
    dst = _spec_field(_header_from(s.dst.field), s.dst.ofs) if s.HasField("dst") else None
    return _spec_make(_SPEC_NAMES.get(s.type, "match"), src, s.n_bits, dst)


def _optional(msg: Any, name: str) -> Any:
    return getattr(msg, name) if msg.HasField(name) else None


def from_proto(kind: str, a: of.Action, actions: Callable[[Iterable[of.Action]], tuple[Action, ...]]) -> nx.NiciraAction | None:
    """The SDK value of the proto's Nicira case `kind`, or None when `kind` is not one."""
    if kind == "nx_ct":
        ct = a.nx_ct
        return _ct(ct.flags, _header_from(ct.zone_src), ct.zone_ofs_nbits, ct.recirc_table, ct.alg, actions(ct.actions))
    if kind == "nx_ct_clear":
        return _CT_CLEAR
    if kind == "nx_nat":
        nat = a.nx_nat
        return _nat(nat.flags, *(_optional(nat, k) for k in (
            "range_ipv4_min", "range_ipv4_max", "range_ipv6_min", "range_ipv6_max", "range_proto_min", "range_proto_max",
        )))
    if kind == "nx_resubmit":
        return _resubmit(a.nx_resubmit)
    if kind == "nx_resubmit_table":
        return _resubmit_table(a.nx_resubmit_table.table_id, a.nx_resubmit_table.in_port)
    if kind == "nx_learn":
        learn = a.nx_learn
        return _learn(
            learn.table_id, tuple(_spec_from(s) for s in learn.specs), learn.idle_timeout, learn.hard_timeout,
            learn.priority, learn.cookie, learn.flags, learn.fin_idle_timeout, learn.fin_hard_timeout,
        )
    if kind == "nx_reg_load":
        load = a.nx_reg_load
        return _reg_load(_header_from(load.dst), load.value, load.ofs_nbits)
    if kind == "nx_reg_move":
        move = a.nx_reg_move
        return _reg_move(_header_from(move.src_field), _header_from(move.dst_field), move.n_bits, move.src_ofs, move.dst_ofs)
    if kind == "nx_conjunction":
        conj = a.nx_conjunction
        return _conjunction(conj.id, conj.clause, conj.n_clauses)
    if kind == "nx_note":
        return _note(a.nx_note)
    return None
