"""A broken event stream: reconnect with backoff, resume after the newest
lifecycle seq, Gap passed through, commands in flight failed, queued ones kept."""

from __future__ import annotations

import asyncio

import grpc
import pytest

from sdn_runtime import ErrorCode, Gap, PacketIn, SdnError, SwitchDown, SwitchUp, connect
from sdn_runtime._proto import events_pb2 as ev
from sdn_runtime._proto import switches_pb2 as sw
from tests.conftest import packet_in
from tests.fake_runtime import FakeRuntime


async def test_resumes_after_the_newest_lifecycle_seq_and_passes_the_gap_on(runtime: FakeRuntime) -> None:
    runtime.last_seq = 40
    async with await connect(runtime.address, max_backoff=0.05) as app:
        first = await runtime.next_connection()
        await first.send(ev.Event(seq=41, dpid=1, switch_up=ev.SwitchUp(switch=sw.SwitchInfo(dpid=1))), packet_in(1, 2, b"p"))
        events = app.events()
        assert isinstance(await anext(events), SwitchUp)
        first.break_with(grpc.StatusCode.UNAVAILABLE, "runtime restarting")

        second = await runtime.next_connection()
        assert second.subscribe.HasField("resume_after_seq") and second.subscribe.resume_after_seq == 41
        # The packet-in received before the break is still delivered, after nothing was lost.
        assert isinstance(await anext(events), PacketIn)
        await second.send(ev.Event(gap=ev.Gap(from_seq=42, to_seq=44)), ev.Event(seq=45, dpid=1, switch_down=ev.SwitchDown(reason="peerClosed")))
        gap, down = await anext(events), await anext(events)
        assert isinstance(gap, Gap) and (gap.from_seq, gap.to_seq) == (42, 44)
        assert isinstance(down, SwitchDown) and down.seq == 45
        assert app.reconnects == 1 and app.last_seq == 45
        await events.aclose()


async def test_without_lifecycle_events_it_resumes_from_the_subscribed_seq(runtime: FakeRuntime) -> None:
    runtime.last_seq = 7
    async with await connect(runtime.address, max_backoff=0.05):
        (await runtime.next_connection()).finish()
        second = await runtime.next_connection()
        assert second.subscribe.resume_after_seq == 7


async def test_credit_for_the_new_stream_counts_events_still_buffered(runtime: FakeRuntime) -> None:
    async with await connect(runtime.address, credit=10, max_backoff=0.05):
        first = await runtime.next_connection()
        await first.send(*(packet_in(1, 1, bytes([i])) for i in range(3)))
        await first.send(ev.Event(seq=1, dpid=1, switch_down=ev.SwitchDown(reason="x")))
        # The seq-1 event is the last one sent: once it is the resume point, all four are buffered.
        first.break_with(grpc.StatusCode.UNAVAILABLE, "gone")
        second = await runtime.next_connection()
        assert second.subscribe.resume_after_seq == 1
        assert second.subscribe.initial_credit == 6


async def test_commands_in_flight_fail_and_queued_ones_go_out_on_the_new_stream(runtime: FakeRuntime) -> None:
    async with await connect(runtime.address, max_backoff=0.05) as app:
        first = await runtime.next_connection()
        in_flight = asyncio.create_task(app.switch(1).barrier())
        await first.next_command()
        first.break_with(grpc.StatusCode.UNAVAILABLE, "gone")
        with pytest.raises(SdnError) as failed:
            await in_flight
        assert failed.value.code is ErrorCode.UNAVAILABLE
        app.switch(1).send_packet_out(data=b"queued", actions=[])
        second = await runtime.next_connection()
        command = await second.next_command()
        assert command.packet_out.data == b"queued"


async def test_a_final_status_ends_the_stream_for_good(runtime: FakeRuntime) -> None:
    async with await connect(runtime.address, max_backoff=0.05) as app:
        conn = await runtime.next_connection()
        await conn.send(packet_in(1, 1, b"before"))
        conn.break_with(grpc.StatusCode.PERMISSION_DENIED, "token revoked")
        events = app.events()
        assert isinstance(await anext(events), PacketIn)
        with pytest.raises(SdnError) as ended:
            await anext(events)
        assert ended.value.code is ErrorCode.PERMISSION_DENIED
        assert app.reconnects == 0
        with pytest.raises(SdnError):
            app.switch(1).send_packet_out(data=b"x", actions=[])


async def test_reconnect_off_turns_a_break_into_an_error(runtime: FakeRuntime) -> None:
    async with await connect(runtime.address, reconnect=False) as app:
        (await runtime.next_connection()).break_with(grpc.StatusCode.UNAVAILABLE, "gone")
        with pytest.raises(SdnError) as ended:
            async for _ in app.events():
                pass
        assert ended.value.code is ErrorCode.UNAVAILABLE and "gone" in ended.value.message
