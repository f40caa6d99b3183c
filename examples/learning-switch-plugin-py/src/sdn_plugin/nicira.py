"""Builders of the Nicira (Open vSwitch) actions of world 0.2.0.

Named as the runtime's SDKs name them (TS `nxCt`, Python `nx_ct`), with their
defaults. Open vSwitch only: another switch answers with an OpenFlow error.
"""
from typing import List, Optional, Sequence, Union

from wit_world.imports.types import (
    Action,
    Action_NxConjunction,
    Action_NxCt,
    Action_NxCtClear,
    Action_NxNat,
    Action_NxNote,
    Action_NxRegLoad,
    Action_NxRegMove,
    Action_NxResubmit,
    Action_NxResubmitTable,
    NxConjunctionAction,
    NxCtAction,
    NxCtNestedAction,
    NxCtNestedAction_NxNat,
    NxCtNestedAction_SetField,
    NxmField,
    NxmField_Header,
    NxmField_Name,
    NxNatAction,
    NxRegLoadAction,
    NxRegMoveAction,
    NxResubmitTableAction,
    OxmField,
)

__all__ = [
    "NX_CT_RECIRC_NONE",
    "NX_RESUBMIT_IN_PORT",
    "NxCtFlags",
    "NxNatFlags",
    "ct_nat",
    "ct_set_field",
    "nx_conjunction",
    "nx_ct",
    "nx_ct_clear",
    "nx_nat",
    "nx_note",
    "nx_reg_load",
    "nx_reg_move",
    "nx_resubmit",
    "nx_resubmit_table",
    "nxm_field",
]

NX_RESUBMIT_IN_PORT = 0xFFF8
"""NXAST_RESUBMIT's in_port that keeps the packet's own (OFPP_IN_PORT in 16 bits)."""
NX_CT_RECIRC_NONE = 255
"""NXAST_CT recirc_table: do not recirculate."""


class NxCtFlags:
    COMMIT = 1
    FORCE = 2


class NxNatFlags:
    SRC = 1
    DST = 2
    PERSISTENT = 4
    PROTO_HASH = 8
    PROTO_RANDOM = 16


def nxm_field(field: Union[str, int]) -> NxmField:
    """A field by name ("reg0", "ct_mark") or by its 32-bit NXM/OXM header."""
    return NxmField_Name(field) if isinstance(field, str) else NxmField_Header(field)


def _nat(flags: int, ipv4_min: Optional[str], ipv4_max: Optional[str], ipv6_min: Optional[str], ipv6_max: Optional[str], proto_min: Optional[int], proto_max: Optional[int]) -> NxNatAction:
    return NxNatAction(flags, ipv4_min, ipv4_max, ipv6_min, ipv6_max, proto_min, proto_max)


def nx_ct(
    *,
    flags: int = 0,
    zone_src: Union[str, int, None] = None,
    zone_ofs_nbits: int = 0,
    recirc_table: int = NX_CT_RECIRC_NONE,
    alg: int = 0,
    actions: Sequence[NxCtNestedAction] = (),
) -> Action:
    """Send the packet to the connection tracker; `actions` (ct_nat, ct_set_field) run on commit."""
    zone = None if zone_src is None else nxm_field(zone_src)
    return Action_NxCt(NxCtAction(flags, zone, zone_ofs_nbits, recirc_table, alg, list(actions)))


def nx_ct_clear() -> Action:
    return Action_NxCtClear()


def nx_nat(flags: int, *, ipv4_min: Optional[str] = None, ipv4_max: Optional[str] = None, ipv6_min: Optional[str] = None, ipv6_max: Optional[str] = None, proto_min: Optional[int] = None, proto_max: Optional[int] = None) -> Action:
    """NAT as an action of its own; inside a ct use `ct_nat`."""
    return Action_NxNat(_nat(flags, ipv4_min, ipv4_max, ipv6_min, ipv6_max, proto_min, proto_max))


def ct_nat(flags: int, *, ipv4_min: Optional[str] = None, ipv4_max: Optional[str] = None, ipv6_min: Optional[str] = None, ipv6_max: Optional[str] = None, proto_min: Optional[int] = None, proto_max: Optional[int] = None) -> NxCtNestedAction:
    """NAT inside `nx_ct(actions=[...])`: `flags` NxNatFlags, the bounds that apply."""
    return NxCtNestedAction_NxNat(_nat(flags, ipv4_min, ipv4_max, ipv6_min, ipv6_max, proto_min, proto_max))


def ct_set_field(field: OxmField) -> NxCtNestedAction:
    """A set-field inside `nx_ct(actions=[...])` (ct_mark, ct_label)."""
    return NxCtNestedAction_SetField(field)


def nx_resubmit(in_port: int = NX_RESUBMIT_IN_PORT) -> Action:
    return Action_NxResubmit(in_port)


def nx_resubmit_table(table_id: int, in_port: int = NX_RESUBMIT_IN_PORT) -> Action:
    return Action_NxResubmitTable(NxResubmitTableAction(in_port, table_id))


def nx_reg_load(dst: Union[str, int], value: int, ofs: int, n_bits: int) -> Action:
    return Action_NxRegLoad(NxRegLoadAction((ofs << 6) | (n_bits - 1), nxm_field(dst), str(value)))


def nx_reg_move(src: Union[str, int], dst: Union[str, int], n_bits: int, src_ofs: int = 0, dst_ofs: int = 0) -> Action:
    return Action_NxRegMove(NxRegMoveAction(n_bits, src_ofs, dst_ofs, nxm_field(src), nxm_field(dst)))


def nx_conjunction(conjunction_id: int, clause: int, n_clauses: int) -> Action:
    return Action_NxConjunction(NxConjunctionAction(clause, n_clauses, conjunction_id))


def nx_note(note: bytes) -> Action:
    return Action_NxNote(note)
