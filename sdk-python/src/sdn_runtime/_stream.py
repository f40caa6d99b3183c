"""The Events.Connect stream: subscribe, receive batches, grant credit, send
commands with correlation ids, reconnect with resume.

One task (`_run`) owns the gRPC call: it subscribes, reads server messages and
starts a writer task that drains the outgoing deque, the commands queued since
its last write going out as one CommandBatch message. The consumer (`next_event`)
grants credit as it takes events, so the runtime never holds more than `credit`
events in flight plus buffered here. When the stream breaks, commands already
written fail with UNAVAILABLE (they may or may not have reached the switch);
commands not yet written stay queued for the next stream; the subscription is
renewed with `resume_after_seq` = the newest lifecycle seq received, and the
runtime replays what was missed or sends a Gap.
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import random

import grpc
import grpc.aio

from . import _from_proto
from ._errors_grpc import error_from_rpc, error_from_result, retryable
from ._proto import events_pb2 as ev
from ._proto import events_pb2_grpc
from .errors import ErrorCode, SdnError
from .events import Event, PacketIn

#: Commands queued while the stream is down or slow before sends are refused.
MAX_QUEUED = 65_536
#: While more commands than this wait to be written, taking the next event waits
#: for the writer to get them down to _LOW_WATER: an app that answers every event
#: with a command is paced by the stream instead of queueing without bound.
_HIGH_WATER = 1024
_LOW_WATER = 256
#: Buffered events are handed out without suspending; every this many, the
#: consumer yields so the writer and reader tasks run (bounds command latency).
_YIELD_EVERY = 64
#: Most commands in one CommandBatch message. The writer sends what queued up
#: while its previous write was in flight as one message: a gRPC write costs
#: tens of microseconds here, far more than a command.
_MAX_BATCH = 256


class EventStream:
    def __init__(
        self,
        channel: grpc.aio.Channel,
        metadata: tuple[tuple[str, str], ...],
        subscribe: ev.Subscribe,
        *,
        credit: int,
        reconnect: bool,
        initial_backoff: float,
        max_backoff: float,
    ) -> None:
        self._stub = events_pb2_grpc.EventsStub(channel)
        self._metadata = metadata
        self._subscribe = subscribe
        self._credit = credit
        #: Consumed events given back as credit at once: half the window.
        self._grant_at = max(1, credit // 2)
        self._reconnect = reconnect
        self._initial_backoff = initial_backoff
        self._max_backoff = max_backoff
        self._ids = itertools.count(1)
        self._out: collections.deque[ev.Command] = collections.deque()
        self._wake = asyncio.Event()
        self._credit_due = 0
        self._consumed = 0
        self._pending: dict[str, asyncio.Future[ev.CommandResult]] = {}
        self._written: set[str] = set()
        self._events: collections.deque[Event] = collections.deque()
        self._event_ready = asyncio.Event()
        self._handed_out = 0
        #: Set while a stream is subscribed and its writer runs.
        self._connected = False
        #: Set when the outgoing queue is at _LOW_WATER or below, or nothing drains it.
        self._drained = asyncio.Event()
        self._ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._closed = False
        self._failure: SdnError | None = None
        self._runner: asyncio.Task[None] | None = None
        #: The newest lifecycle seq received (the resume point), None before Subscribed.
        self.last_seq: int | None = None
        self.node_id = ""
        #: The app's id on the runtime (from Subscribed; 0 before).
        self.app_id = 0
        #: Named tables' ids on the runtime node (from Subscribed).
        self.tables: dict[str, int] = {}
        #: How often the stream was re-established after a break.
        self.reconnects = 0
        #: Events whose kind this SDK does not know (a newer runtime), not delivered.
        self.skipped_events = 0

    async def start(self, timeout: float) -> None:
        """Opens the stream and waits for Subscribed; raises SdnError when it fails."""
        self._runner = asyncio.create_task(self._run(), name="sdn_runtime.events")
        try:
            async with asyncio.timeout(timeout):
                await asyncio.shield(self._ready)
        except TimeoutError:
            await self.close()
            raise SdnError(ErrorCode.UNAVAILABLE, f"no Subscribed answer within {timeout} s") from None
        except SdnError:
            await self.close()
            raise

    # -- commands ----------------------------------------------------------------

    def send(self, command: ev.Command) -> None:
        """Queues a command without a correlation id (fire and forget)."""
        self._check_open()
        if len(self._out) >= MAX_QUEUED:
            raise SdnError(ErrorCode.RESOURCE_EXHAUSTED, f"{MAX_QUEUED} commands are already queued; the runtime is not keeping up")
        self._out.append(command)
        self._wake.set()

    async def request(self, command: ev.Command, timeout: float) -> ev.CommandResult:
        """Sends a command with a fresh correlation id and returns its CommandResult
        (raising SdnError when the result is an error)."""
        correlation_id = str(next(self._ids))
        command.correlation_id = correlation_id
        future: asyncio.Future[ev.CommandResult] = asyncio.get_running_loop().create_future()
        self._pending[correlation_id] = future
        try:
            self.send(command)
            # Not asyncio.wait_for: on 3.11 it swallows a cancellation that lands
            # as the result arrives, and the cancelled app would carry on.
            async with asyncio.timeout(timeout):
                result = await future
        except TimeoutError:
            raise SdnError(ErrorCode.UNAVAILABLE, f"no result for the command within {timeout} s") from None
        finally:
            self._pending.pop(correlation_id, None)
            self._written.discard(correlation_id)
        if result.WhichOneof("kind") == "error":
            raise error_from_result(result.error)
        return result

    # -- events ------------------------------------------------------------------

    async def next_event(self) -> Event | None:
        """The next event; None once the app is closed. Raises the SdnError that
        ended the stream for good."""
        while True:
            event = self.take_event()
            if event is not None:
                return event
            if self._events:
                await self._pace()
                continue
            if self._failure is not None:
                raise self._failure
            if self._closed:
                return None
            self._event_ready.clear()
            await self._event_ready.wait()

    def take_event(self) -> Event | None:
        """The next buffered event when it can be handed out without suspending
        (no pacing due); None otherwise, and next_event() does the rest. Lets a
        consumer take a batch's events without a coroutine per event."""
        events = self._events
        if not events or self._handed_out + 1 >= _YIELD_EVERY or (len(self._out) >= _HIGH_WATER and self._connected):
            return None
        self._handed_out += 1
        event = events.popleft()
        self._consumed += 1
        if self._consumed >= self._grant_at:
            self._credit_due += self._consumed
            self._consumed = 0
            self._wake.set()
        return event

    async def _pace(self) -> None:
        """Lets the writer catch up (too many commands queued) or, every
        _YIELD_EVERY events, the other tasks run."""
        if len(self._out) >= _HIGH_WATER and self._connected:
            self._drained.clear()
            await self._drained.wait()
        else:
            self._handed_out = 0
            await asyncio.sleep(0)

    # -- lifecycle ---------------------------------------------------------------

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._event_ready.set()
        self._drained.set()
        if self._runner is not None and not self._runner.done():
            self._runner.cancel()
            await asyncio.gather(self._runner, return_exceptions=True)
        self._fail_pending(SdnError(ErrorCode.UNAVAILABLE, "the app is closed"), written_only=False)
        self._out.clear()

    def _check_open(self) -> None:
        if self._failure is not None:
            raise self._failure
        if self._closed:
            raise SdnError(ErrorCode.UNAVAILABLE, "the app is closed")

    async def _run(self) -> None:
        attempt = 0
        while not self._closed:
            error, subscribed = await self._one_stream()
            if not self._ready.done() or not self._reconnect or not retryable(error):
                self._terminate(error)
                return
            self._fail_pending(SdnError(ErrorCode.UNAVAILABLE, f"the event stream broke before the result arrived: {error.message}"), written_only=True)
            # Backoff grows only while attempts fail before Subscribed.
            attempt = 0 if subscribed else attempt + 1
            await asyncio.sleep(min(self._max_backoff, self._initial_backoff * (2**attempt)) * random.uniform(0.8, 1.2))
            self.reconnects += 1

    async def _one_stream(self) -> tuple[SdnError, bool]:
        """Runs one stream until it ends; returns why it ended and whether it got
        as far as Subscribed."""
        subscribed = False
        call = self._stub.Connect(metadata=self._metadata)
        writer: asyncio.Task[None] | None = None
        try:
            await call.write(ev.ClientMessage(subscribe=self._subscription()))
            first = await call.read()
            if first is grpc.aio.EOF or not isinstance(first, ev.ServerMessage) or first.WhichOneof("kind") != "subscribed":
                return SdnError(ErrorCode.INTERNAL, "the runtime did not answer Subscribe with Subscribed"), False
            self._on_subscribed(first.subscribed)
            subscribed = True
            writer = asyncio.create_task(self._write_loop(call), name="sdn_runtime.events.writer")
            self._connected = True
            while True:
                message = await call.read()
                if message is grpc.aio.EOF:
                    return SdnError(ErrorCode.UNAVAILABLE, "the runtime ended the event stream", grpc_status="OK"), True
                assert isinstance(message, ev.ServerMessage)
                self._dispatch(message)
        except grpc.aio.AioRpcError as e:
            return error_from_rpc(e), subscribed
        finally:
            self._connected = False
            self._drained.set()
            if writer is not None:
                writer.cancel()
                await asyncio.gather(writer, return_exceptions=True)
            call.cancel()

    def _subscription(self) -> ev.Subscribe:
        sub = ev.Subscribe()
        sub.CopyFrom(self._subscribe)
        sub.initial_credit = max(1, self._credit - len(self._events))
        if self.last_seq is not None:
            sub.resume_after_seq = self.last_seq
        self._credit_due = 0
        self._consumed = 0
        return sub

    def _on_subscribed(self, subscribed: ev.Subscribed) -> None:
        self.node_id = subscribed.node_id
        self.app_id = subscribed.app_id
        self.tables = dict(subscribed.tables)
        if self.last_seq is None:
            self.last_seq = subscribed.last_seq
        if not self._ready.done():
            self._ready.set_result(None)
        if self._out:
            self._wake.set()

    def _dispatch(self, message: ev.ServerMessage) -> None:
        kind = message.WhichOneof("kind")
        if kind == "events":
            append = self._events.append
            convert = _from_proto.event
            for e in message.events.events:
                event = convert(e)
                if event is None:
                    self.skipped_events += 1
                    continue
                # Packet-ins carry no seq (0): only the others move the resume point.
                if type(event) is not PacketIn and e.seq > (self.last_seq or 0):
                    self.last_seq = e.seq
                append(event)
            self._event_ready.set()
        elif kind == "result":
            future = self._pending.get(message.result.correlation_id)
            if future is not None and not future.done():
                future.set_result(message.result)

    async def _write_loop(self, call: grpc.aio.StreamStreamCall[ev.ClientMessage, ev.ServerMessage]) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._credit_due or self._out:
                if self._credit_due:
                    due, self._credit_due = self._credit_due, 0
                    await call.write(ev.ClientMessage(credit=ev.Credit(events=due)))
                    continue
                message = self._next_batch()
                if message is not None:
                    await call.write(message)

    def _next_batch(self) -> ev.ClientMessage | None:
        """Up to _MAX_BATCH queued commands as one CommandBatch, in order; None when
        every one of them was a request whose caller stopped waiting (timeout): those
        are not sent late."""
        message = ev.ClientMessage()
        batch = message.commands.commands
        out = self._out
        while out and len(batch) < _MAX_BATCH:
            command = out.popleft()
            correlation_id = command.correlation_id
            if correlation_id:
                if correlation_id not in self._pending:
                    continue
                self._written.add(correlation_id)
            batch.append(command)
        if len(out) <= _LOW_WATER:
            self._drained.set()
        return message if batch else None

    def _fail_pending(self, error: SdnError, *, written_only: bool) -> None:
        for correlation_id, future in list(self._pending.items()):
            if (not written_only or correlation_id in self._written) and not future.done():
                future.set_exception(error)
        self._written.clear()

    def _terminate(self, error: SdnError) -> None:
        if not self._ready.done():
            self._ready.set_exception(error)
            return
        self._failure = error
        self._fail_pending(error, written_only=False)
        self._out.clear()
        self._event_ready.set()
