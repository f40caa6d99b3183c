"""Nicira (Open vSwitch) actions apps can build: ct, ct_clear, nat, resubmit, learn,
reg_load, reg_move, conjunction, note. Re-exported by `actions`.

Names and meanings are Ryu's (NXActionCT, ...) and the runtime's
(runtime/src/openflow/nicira/README.md). A field named inside an action is its
name ("reg0", "eth_dst_nxm"), a 32-bit NXM header, or "" for none; the runtime
checks names against its table and every bound the wire has.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from ._values import ipv4, ipv6, uint
from .errors import invalid

if TYPE_CHECKING:
    from .actions import Action

#: NXAST_RESUBMIT's in_port meaning "the packet's own" (OFPP_IN_PORT in 16 bits).
RESUBMIT_IN_PORT = 0xFFF8
#: NXAST_CT recirc_table meaning "do not recirculate".
CT_RECIRC_NONE = 255

NxmField = str | int


def _field(name: str, value: object) -> NxmField:
    if isinstance(value, str):
        return value
    return uint(name, value, 32)


@dataclass(frozen=True, slots=True)
class NxFlowSpecField:
    """`field[ofs..]` in a learn spec."""

    field: NxmField
    ofs: int = 0

    def __post_init__(self) -> None:
        _field("learn spec field", self.field)
        uint("learn spec ofs", self.ofs, 16)


@dataclass(frozen=True, slots=True)
class NxFlowSpec:
    """One learn spec: `n_bits` (1..1023) from a field or an immediate int, matched
    on ("match"), loaded into `dst` ("load"), or output to ("output", no dst)."""

    type: Literal["match", "load", "output"]
    src: NxFlowSpecField | int
    n_bits: int
    dst: NxFlowSpecField | None = None

    def __post_init__(self) -> None:
        if self.type not in ("match", "load", "output"):
            raise invalid(f"learn spec type must be match, load or output, got {self.type!r}")
        if not 1 <= uint("learn spec n_bits", self.n_bits, 16) <= 1023:
            raise invalid(f"learn spec n_bits {self.n_bits} is out of range 1..1023")
        if isinstance(self.src, int) and self.src < 0:
            raise invalid(f"learn spec immediate {self.src} is negative")
        if (self.dst is None) != (self.type == "output"):
            raise invalid("a learn spec has a dst unless it is an output spec")


@dataclass(frozen=True, slots=True)
class NxCt:
    """NXAST_CT: track the connection in a zone (`zone_src` "" and `zone_ofs_nbits`
    the zone, or a field's bits), recirculate to `recirc_table` (255: no), and on
    commit (flags bit 0) run `actions` (NxNat, set_field of ct_mark/ct_label)."""

    flags: int = 0
    zone_src: NxmField = ""
    zone_ofs_nbits: int = 0
    recirc_table: int = CT_RECIRC_NONE
    alg: int = 0
    actions: tuple[Action, ...] = ()

    def __post_init__(self) -> None:
        uint("ct flags", self.flags, 16)
        _field("ct zone_src", self.zone_src)
        uint("ct zone_ofs_nbits", self.zone_ofs_nbits, 16)
        uint("ct recirc_table", self.recirc_table, 8)
        uint("ct alg", self.alg, 16)
        object.__setattr__(self, "actions", tuple(self.actions))


@dataclass(frozen=True, slots=True)
class NxCtClear:
    """NXAST_CT_CLEAR."""


@dataclass(frozen=True, slots=True)
class NxNat:
    """NXAST_NAT (inside NxCt.actions); a bound left None is not sent."""

    flags: int = 0
    range_ipv4_min: str | None = None
    range_ipv4_max: str | None = None
    range_ipv6_min: str | None = None
    range_ipv6_max: str | None = None
    range_proto_min: int | None = None
    range_proto_max: int | None = None

    def __post_init__(self) -> None:
        uint("nat flags", self.flags, 16)
        for name in ("range_ipv4_min", "range_ipv4_max"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, ipv4(f"nat {name}", getattr(self, name)))
        for name in ("range_ipv6_min", "range_ipv6_max"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, ipv6(f"nat {name}", getattr(self, name)))
        for name in ("range_proto_min", "range_proto_max"):
            if getattr(self, name) is not None:
                uint(f"nat {name}", getattr(self, name), 16)


@dataclass(frozen=True, slots=True)
class NxResubmit:
    """NXAST_RESUBMIT: resubmit to the current table with `in_port`."""

    in_port: int = RESUBMIT_IN_PORT

    def __post_init__(self) -> None:
        uint("resubmit in_port", self.in_port, 16)


@dataclass(frozen=True, slots=True)
class NxResubmitTable:
    """NXAST_RESUBMIT_TABLE: resubmit to `table_id` (255: the current one) with `in_port`."""

    table_id: int
    in_port: int = RESUBMIT_IN_PORT

    def __post_init__(self) -> None:
        uint("resubmit table_id", self.table_id, 8)
        uint("resubmit in_port", self.in_port, 16)


@dataclass(frozen=True, slots=True)
class NxLearn:
    """NXAST_LEARN: add a flow built from `specs` to `table_id`."""

    table_id: int
    specs: tuple[NxFlowSpec, ...] = ()
    idle_timeout: int = 0
    hard_timeout: int = 0
    priority: int = 0x8000
    cookie: int = 0
    flags: int = 0
    fin_idle_timeout: int = 0
    fin_hard_timeout: int = 0

    def __post_init__(self) -> None:
        uint("learn table_id", self.table_id, 8)
        for name in ("idle_timeout", "hard_timeout", "priority", "flags", "fin_idle_timeout", "fin_hard_timeout"):
            uint(f"learn {name}", getattr(self, name), 16)
        uint("learn cookie", self.cookie, 64)
        object.__setattr__(self, "specs", tuple(self.specs))


@dataclass(frozen=True, slots=True)
class NxRegLoad:
    """NXAST_REG_LOAD: `value` into bits of `dst`; ofs_nbits is (ofs << 6) | (n_bits - 1)."""

    dst: NxmField
    value: int
    ofs_nbits: int

    def __post_init__(self) -> None:
        _field("reg_load dst", self.dst)
        uint("reg_load value", self.value, 64)
        uint("reg_load ofs_nbits", self.ofs_nbits, 16)


@dataclass(frozen=True, slots=True)
class NxRegMove:
    """NXAST_REG_MOVE: `n_bits` bits from src_field[src_ofs..] to dst_field[dst_ofs..]."""

    src_field: NxmField
    dst_field: NxmField
    n_bits: int
    src_ofs: int = 0
    dst_ofs: int = 0

    def __post_init__(self) -> None:
        _field("reg_move src_field", self.src_field)
        _field("reg_move dst_field", self.dst_field)
        for name in ("n_bits", "src_ofs", "dst_ofs"):
            uint(f"reg_move {name}", getattr(self, name), 16)


@dataclass(frozen=True, slots=True)
class NxConjunction:
    """NXAST_CONJUNCTION: clause `clause` (0-based) of `n_clauses` of conjunction `id`."""

    id: int
    clause: int
    n_clauses: int

    def __post_init__(self) -> None:
        uint("conjunction id", self.id, 32)
        uint("conjunction clause", self.clause, 8)
        uint("conjunction n_clauses", self.n_clauses, 8)


@dataclass(frozen=True, slots=True)
class NxNote:
    """NXAST_NOTE: bytes the switch keeps and ignores (padded with zeros to 8 bytes)."""

    note: bytes

    def __post_init__(self) -> None:
        if not isinstance(self.note, bytes):
            raise invalid(f"note must be bytes, got {self.note!r}")


NiciraAction = NxCt | NxCtClear | NxNat | NxResubmit | NxResubmitTable | NxLearn | NxRegLoad | NxRegMove | NxConjunction | NxNote


def ofs_nbits(ofs: int, n_bits: int) -> int:
    """`ofs_nbits` for bits ofs..ofs+n_bits-1."""
    if ofs < 0 or n_bits < 1 or ofs + n_bits > 1024:
        raise invalid(f"bits {ofs}..{ofs + n_bits - 1} are not a field's bits")
    return (ofs << 6) | (n_bits - 1)


def nx_ct(*, flags: int = 0, zone_src: NxmField = "", zone_ofs_nbits: int = 0, recirc_table: int = CT_RECIRC_NONE,
          alg: int = 0, actions: tuple[Action, ...] | list[Action] = ()) -> NxCt:
    return NxCt(flags, zone_src, zone_ofs_nbits, recirc_table, alg, tuple(actions))


def nx_ct_clear() -> NxCtClear:
    return NxCtClear()


def nx_nat(flags: int = 0, **bounds: str | int) -> NxNat:
    """`bounds`: range_ipv4_min/max, range_ipv6_min/max, range_proto_min/max."""
    return NxNat(flags, **bounds)  # type: ignore[arg-type]


def nx_resubmit(in_port: int = RESUBMIT_IN_PORT) -> NxResubmit:
    return NxResubmit(in_port)


def nx_resubmit_table(table_id: int, in_port: int = RESUBMIT_IN_PORT) -> NxResubmitTable:
    return NxResubmitTable(table_id, in_port)


def nx_learn(table_id: int, specs: list[NxFlowSpec] | tuple[NxFlowSpec, ...], **options: int) -> NxLearn:
    """`options`: idle_timeout, hard_timeout, priority, cookie, flags, fin_idle_timeout, fin_hard_timeout."""
    return NxLearn(table_id, tuple(specs), **options)


def nx_reg_load(dst: NxmField, value: int, ofs: int, n_bits: int) -> NxRegLoad:
    """Load `value` into bits ofs..ofs+n_bits-1 of `dst` (a register such as "reg0")."""
    return NxRegLoad(dst, value, ofs_nbits(ofs, n_bits))


def nx_reg_move(src_field: NxmField, dst_field: NxmField, n_bits: int, src_ofs: int = 0, dst_ofs: int = 0) -> NxRegMove:
    return NxRegMove(src_field, dst_field, n_bits, src_ofs, dst_ofs)


def nx_conjunction(id: int, clause: int, n_clauses: int) -> NxConjunction:  # noqa: A002 (Ryu's name)
    return NxConjunction(id, clause, n_clauses)


def nx_note(note: bytes) -> NxNote:
    return NxNote(note)
