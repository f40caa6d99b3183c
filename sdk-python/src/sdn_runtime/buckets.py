"""Group buckets and meter bands: the parts of GROUP_MOD and METER_MOD."""

from __future__ import annotations

from dataclasses import dataclass

from .actions import Action
from .errors import invalid
from ._values import uint


@dataclass(frozen=True, slots=True)
class Bucket:
    """struct ofp_bucket. `weight` only for SELECT groups; `watch_port` /
    `watch_group` for FAST_FAILOVER (None: OFPP_ANY / OFPG_ANY)."""

    actions: tuple[Action, ...] = ()
    weight: int = 0
    watch_port: int | None = None
    watch_group: int | None = None

    def __post_init__(self) -> None:
        uint("bucket weight", self.weight, 16)
        if self.watch_port is not None:
            uint("bucket watch_port", self.watch_port, 32)
        if self.watch_group is not None:
            uint("bucket watch_group", self.watch_group, 32)


@dataclass(frozen=True, slots=True)
class DropBand:
    """OFPMBT_DROP: drop packets above `rate` (kb/s or packets/s, per the meter flags)."""

    rate: int
    burst_size: int = 0

    def __post_init__(self) -> None:
        _rate(self.rate, self.burst_size)


@dataclass(frozen=True, slots=True)
class DscpRemarkBand:
    """OFPMBT_DSCP_REMARK: raise the drop precedence by `prec_level` above `rate`."""

    rate: int
    prec_level: int
    burst_size: int = 0

    def __post_init__(self) -> None:
        _rate(self.rate, self.burst_size)
        uint("dscp_remark prec_level", self.prec_level, 8)


@dataclass(frozen=True, slots=True)
class ExperimenterBand:
    """OFPMBT_EXPERIMENTER: `data` is everything after the experimenter id."""

    rate: int
    experimenter: int
    data: bytes = b""
    burst_size: int = 0

    def __post_init__(self) -> None:
        _rate(self.rate, self.burst_size)
        uint("band experimenter", self.experimenter, 32)


MeterBand = DropBand | DscpRemarkBand | ExperimenterBand


def _rate(rate: int, burst_size: int) -> None:
    uint("band rate", rate, 32)
    uint("band burst_size", burst_size, 32)
    if rate == 0:
        raise invalid("band rate must be above 0")
