"""Shared fixtures: the in-process fake runtime, and event makers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import TypeVar

import pytest

from sdn_runtime import Event

from sdn_runtime._proto import events_pb2 as ev
from sdn_runtime._proto import openflow_pb2 as of
from tests.fake_runtime import FakeRuntime
from tests.runtime_process import RuntimeProcess, start_runtime

E = TypeVar("E")


@pytest.fixture
async def runtime() -> AsyncIterator[FakeRuntime]:
    fake = await FakeRuntime.start()
    try:
        yield fake
    finally:
        await fake.stop()


@pytest.fixture
async def real_runtime() -> AsyncIterator[RuntimeProcess]:
    """A real `sdn-runtime serve` process on ephemeral loopback ports."""
    process = await start_runtime()
    try:
        yield process
    finally:
        await process.stop()


async def next_of(events: AsyncIterator[Event], kind: type[E], timeout: float = 10.0) -> E:
    """The next event of type `kind`, skipping others; fails after `timeout` s."""

    async def find() -> E:
        async for event in events:
            if isinstance(event, kind):
                return event
        raise AssertionError(f"the event stream ended before a {kind.__name__}")

    try:
        return await asyncio.wait_for(find(), timeout)
    except TimeoutError:
        raise AssertionError(f"no {kind.__name__} event within {timeout} s") from None


def packet_in(dpid: int, in_port: int, data: bytes, *, seq: int = 0, buffer_id: int = 0xFFFFFFFF) -> ev.Event:
    """A PACKET_IN event as the runtime sends it (in_port also in the match)."""
    match = of.Match(fields=[of.OxmField(field="in_port", value=of.OxmValue(uint=in_port))])
    body = of.PacketIn(buffer_id=buffer_id, total_len=len(data), reason=0, table_id=0, match=match, data=data, in_port=in_port)
    return ev.Event(seq=seq, dpid=dpid, time_ms=1_700_000_000_000, packet_in=body)
