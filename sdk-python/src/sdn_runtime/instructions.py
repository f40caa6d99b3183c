"""OpenFlow 1.3 instructions (OpenFlow 1.3.5 7.2.4) as immutable values.

    instructions.apply_actions(actions.output(2)), instructions.goto_table(1)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .actions import Action
from .constants import Table
from .errors import invalid
from ._values import uint


@dataclass(frozen=True, slots=True)
class GotoTable:
    """OFPIT_GOTO_TABLE: continue in table `table_id` (0..254)."""

    table_id: int

    def __post_init__(self) -> None:
        uint("goto_table table_id", self.table_id, 8)
        if self.table_id > Table.MAX:
            raise invalid(f"goto_table table_id {self.table_id} is above OFPTT_MAX (254)")


@dataclass(frozen=True, slots=True)
class WriteMetadata:
    """OFPIT_WRITE_METADATA: metadata = (metadata & ~mask) | (value & mask)."""

    metadata: int
    metadata_mask: int = 0xFFFF_FFFF_FFFF_FFFF

    def __post_init__(self) -> None:
        uint("write_metadata metadata", self.metadata, 64)
        uint("write_metadata metadata_mask", self.metadata_mask, 64)


@dataclass(frozen=True, slots=True)
class WriteActions:
    """OFPIT_WRITE_ACTIONS: merge `actions` into the action set."""

    actions: tuple[Action, ...]


@dataclass(frozen=True, slots=True)
class ApplyActions:
    """OFPIT_APPLY_ACTIONS: run `actions` now, in order."""

    actions: tuple[Action, ...]


@dataclass(frozen=True, slots=True)
class ClearActions:
    """OFPIT_CLEAR_ACTIONS: empty the action set."""


@dataclass(frozen=True, slots=True)
class Meter:
    """OFPIT_METER: send the packet through meter `meter_id`."""

    meter_id: int

    def __post_init__(self) -> None:
        uint("meter meter_id", self.meter_id, 32)


@dataclass(frozen=True, slots=True)
class Experimenter:
    """OFPIT_EXPERIMENTER: `data` is everything after the experimenter id."""

    experimenter: int
    data: bytes = b""

    def __post_init__(self) -> None:
        uint("experimenter id", self.experimenter, 32)


Instruction = GotoTable | WriteMetadata | WriteActions | ApplyActions | ClearActions | Meter | Experimenter


def apply_actions(*actions: Action) -> ApplyActions:
    return ApplyActions(tuple(actions))


def write_actions(*actions: Action) -> WriteActions:
    return WriteActions(tuple(actions))


def clear_actions() -> ClearActions:
    return ClearActions()


def goto_table(table_id: int) -> GotoTable:
    return GotoTable(table_id)


def write_metadata(metadata: int, mask: int = 0xFFFF_FFFF_FFFF_FFFF) -> WriteMetadata:
    return WriteMetadata(metadata, mask)


def meter(meter_id: int) -> Meter:
    return Meter(meter_id)


def experimenter(experimenter_id: int, data: bytes = b"") -> Experimenter:
    return Experimenter(experimenter_id, data)


def check(instructions: Iterable[Instruction]) -> tuple[Instruction, ...]:
    """The instructions as a tuple, refusing a second instruction of the same type
    (OpenFlow 1.3.5 7.2.4 allows each at most once per flow entry)."""
    result = tuple(instructions)
    seen: set[type] = set()
    for ins in result:
        if type(ins) in seen:
            raise invalid(f"{type(ins).__name__} appears twice; a flow entry holds each instruction type at most once")
        seen.add(type(ins))
    return result
