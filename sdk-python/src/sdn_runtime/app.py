"""`connect()` and `App`: one app's connection to a runtime node.

    async with await connect("localhost:50051", name="my-app") as app:
        async for event in app.events():
            ...

An App owns one gRPC channel and one Events stream. Use it from one asyncio event
loop; its methods are not thread-safe.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType

import grpc
import grpc.aio

from . import _from_proto, _subjects
from ._context import Context
from ._keys import value_bytes
from ._proto import kv_pb2_grpc, plugins_pb2_grpc, pubsub_pb2, pubsub_pb2_grpc, switches_pb2, switches_pb2_grpc
from ._stream import EventStream
from ._values import uint
from .errors import ErrorCode, SdnError, invalid
from .events import Event
from .kv import Kv
from .plugins import Plugins
from .stats import RuntimeStatus, SwitchInfo
from .subscription import Subscription, TableDeclaration
from .switch import Switch

#: Switch objects kept for reuse by App.switch (they hold no state; the bound only caps memory).
_SWITCHES_KEPT = 4096
#: Big enough for a full batch of jumbo-frame packet-ins.
_MAX_MESSAGE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class TlsConfig:
    """TLS for the gRPC channel. `ca`: PEM roots to trust (None: the system's);
    `cert` + `key`: a client certificate for mutual TLS; `server_name`: the name to
    check in the server's certificate when it differs from the target's host."""

    ca: bytes | None = None
    cert: bytes | None = None
    key: bytes | None = None
    server_name: str | None = None

    def __post_init__(self) -> None:
        if (self.cert is None) != (self.key is None):
            raise invalid("a client certificate needs both cert and key")


async def connect(
    target: str,
    *,
    token: str | None = None,
    tls: TlsConfig | bool | None = None,
    name: str = "app",
    subscribe: Subscription | None = None,
    tables: Sequence[TableDeclaration] = (),
    credit: int = 4096,
    command_timeout: float = 30.0,
    connect_timeout: float = 10.0,
    reconnect: bool = True,
    max_backoff: float = 5.0,
) -> App:
    """Connects to the runtime at `target` ("host:port") and subscribes.

    `token` goes out as `authorization: Bearer <token>` on every call. `tls`: True
    for TLS with the system's roots, a TlsConfig for more, None/False for plaintext.
    `credit`: events the runtime may send ahead of consumption. `command_timeout`:
    seconds any command or call may take. With `reconnect`, a broken stream is
    re-established with backoff (up to `max_backoff` s) and resumed. Raises SdnError
    when the first subscription fails (UNAVAILABLE when nothing answers,
    UNAUTHENTICATED / PERMISSION_DENIED for the token). `name` is the app's identity
    on the runtime and owns the flows it writes (`App.app_id`); `tables` declares the
    app's named tables (`App.tables` has their ids)."""
    if not isinstance(target, str) or not target:
        raise invalid("target must be 'host:port'")
    uint("credit", credit, 32)
    if credit == 0:
        raise invalid("credit must be at least 1")
    for what, seconds in (("command_timeout", command_timeout), ("connect_timeout", connect_timeout), ("max_backoff", max_backoff)):
        if not seconds > 0:
            raise invalid(f"{what} must be a positive number of seconds, got {seconds!r}")
    metadata = (("authorization", f"Bearer {token}"),) if token else ()
    channel = _channel(target, tls)
    subscription = subscribe if subscribe is not None else Subscription()
    stream = EventStream(
        channel,
        metadata,
        subscription.to_proto(name, credit, tables),
        credit=credit,
        reconnect=reconnect,
        initial_backoff=min(0.1, max_backoff),
        max_backoff=max_backoff,
    )
    context = Context(
        metadata=metadata,
        stream=stream,
        timeout=command_timeout,
        switches=switches_pb2_grpc.SwitchesStub(channel),
        kv=kv_pb2_grpc.KVStub(channel),
        pubsub=pubsub_pb2_grpc.PubSubStub(channel),
        plugins=plugins_pb2_grpc.PluginsStub(channel),
    )
    try:
        await stream.start(connect_timeout)
    except BaseException:
        await channel.close()
        raise
    return App(name, channel, context, max_backoff=max_backoff)


def _channel(target: str, tls: TlsConfig | bool | None) -> grpc.aio.Channel:
    options: list[tuple[str, str | int]] = [
        ("grpc.max_receive_message_length", _MAX_MESSAGE_BYTES),
        ("grpc.max_send_message_length", _MAX_MESSAGE_BYTES),
        ("grpc.keepalive_time_ms", 30_000),
    ]
    if tls is None or tls is False:
        return grpc.aio.insecure_channel(target, options=options)
    config = TlsConfig() if tls is True else tls
    if config.server_name is not None:
        options.append(("grpc.ssl_target_name_override", config.server_name))
    credentials = grpc.ssl_channel_credentials(root_certificates=config.ca, private_key=config.key, certificate_chain=config.cert)
    return grpc.aio.secure_channel(target, credentials, options=options)


class App:
    """A connected app. Create it with `connect()`; close it with `async with` or `close()`."""

    def __init__(self, name: str, channel: grpc.aio.Channel, context: Context, *, max_backoff: float) -> None:
        self.name = name
        self._channel = channel
        self._context = context
        self._stream = context.stream
        self._consuming = False
        self._closed = False
        self._switches: dict[int, Switch] = {}
        #: The runtime's key-value store.
        self.kv = Kv(context, max_backoff=max_backoff)
        #: The runtime's Wasm plugins (needs a token with the admin scope).
        self.plugins = Plugins(context)

    async def __aenter__(self) -> App:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Ends the stream and the channel; `events()` stops, waiting commands fail
        with UNAVAILABLE. Idempotent."""
        if self._closed:
            return
        self._closed = True
        await self._stream.close()
        await self._channel.close()

    @property
    def node_id(self) -> str:
        """The runtime node serving this app (from Subscribed)."""
        return self._stream.node_id

    @property
    def app_id(self) -> int:
        """The app's id on the runtime (from Subscribed; 0 before): the top 16 bits
        of the cookie of every flow the app writes, as dump-flows shows them. The
        app keeps the low 48 bits (`APP_COOKIE_MASK`); every stream with the app's
        `name` is the same app and owns the same flows."""
        return self._stream.app_id

    @property
    def tables(self) -> Mapping[str, int]:
        """Table ids by name: every named table declared on the runtime node (this
        app's `tables` and other apps'), from Subscribed. Use them as a flow-mod's
        `table_id` and in `instructions.goto_table`."""
        return self._stream.tables

    @property
    def last_seq(self) -> int | None:
        """The newest lifecycle seq received: where a reconnect resumes."""
        return self._stream.last_seq

    @property
    def reconnects(self) -> int:
        """How often the event stream was re-established after a break."""
        return self._stream.reconnects

    @property
    def skipped_events(self) -> int:
        """Events of a kind this SDK does not know (a newer runtime), not delivered."""
        return self._stream.skipped_events

    async def events(self) -> AsyncGenerator[Event, None]:
        """The subscribed events, in order per switch. Ends when the app is closed;
        raises SdnError when the stream fails for good (a token rejected on
        reconnect, or any break with reconnect=False). Consuming an event grants the
        runtime credit for another. One consumer at a time."""
        if self._consuming:
            raise SdnError(ErrorCode.INVALID, "events() is already being iterated; use one consumer per app")
        self._consuming = True
        stream = self._stream
        try:
            while True:
                # Buffered events without a coroutine each; next_event() paces and waits.
                event = stream.take_event() or await stream.next_event()
                if event is None:
                    return
                yield event
        finally:
            self._consuming = False

    def switch(self, dpid: int) -> Switch:
        """Commands for switch `dpid` (whether or not it is connected right now)."""
        # A Switch holds no state: one per dpid serves every call (an app asks for one per event).
        found = self._switches.get(dpid) if type(dpid) is int else None
        if found is None:
            found = Switch(self._context, dpid)
            if len(self._switches) < _SWITCHES_KEPT:
                self._switches[dpid] = found
        return found

    async def publish(self, subject: str, payload: bytes | str, headers: Mapping[str, str] | None = None) -> int:
        """Publishes on `subject` (no wildcards); returns how many subscribers on the
        serving node it was handed to. Text payloads are sent as UTF-8."""
        c = self._context
        message = pubsub_pb2.PubSubMessage(subject=_subjects.subject(subject), payload=value_bytes(payload), headers=dict(headers or {}))
        reply = await c.unary(c.pubsub.Publish(pubsub_pb2.PublishRequest(message=message), metadata=c.metadata, timeout=c.timeout))
        return reply.delivered

    async def switches(self) -> list[SwitchInfo]:
        """Every switch connected to the serving node."""
        c = self._context
        reply = await c.unary(c.switches.List(switches_pb2.ListSwitchesRequest(), metadata=c.metadata, timeout=c.timeout))
        return [_from_proto.switch_info(s) for s in reply.switches]

    async def status(self) -> RuntimeStatus:
        """The serving node's status."""
        c = self._context
        r = await c.unary(c.switches.Status(switches_pb2.StatusRequest(), metadata=c.metadata, timeout=c.timeout))
        return RuntimeStatus(
            node_id=r.node_id,
            version=r.version,
            uptime_ms=r.uptime_ms,
            switches=r.switches,
            apps=r.apps,
            last_seq=r.last_seq,
            openflow_port=r.openflow_port,
            grpc_port=r.grpc_port,
            http_port=r.http_port,
        )

