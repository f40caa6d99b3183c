"""Shared fixtures: the in-process fake runtime, and event makers."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from sdn_runtime._proto import events_pb2 as ev
from sdn_runtime._proto import openflow_pb2 as of
from tests.fake_runtime import FakeRuntime


@pytest.fixture
async def runtime() -> AsyncIterator[FakeRuntime]:
    fake = await FakeRuntime.start()
    try:
        yield fake
    finally:
        await fake.stop()


def packet_in(dpid: int, in_port: int, data: bytes, *, seq: int = 0, buffer_id: int = 0xFFFFFFFF) -> ev.Event:
    """A PACKET_IN event as the runtime sends it (in_port also in the match)."""
    match = of.Match(fields=[of.OxmField(field="in_port", value=of.OxmValue(uint=in_port))])
    body = of.PacketIn(buffer_id=buffer_id, total_len=len(data), reason=0, table_id=0, match=match, data=data, in_port=in_port)
    return ev.Event(seq=seq, dpid=dpid, time_ms=1_700_000_000_000, packet_in=body)
