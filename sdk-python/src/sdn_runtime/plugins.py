"""`app.plugins`: the runtime's Wasm plugins (list, get, load, upload, unload,
reload, watch).

Every call needs a token with the `admin` scope (PERMISSION_DENIED otherwise).
Errors are SdnError: NOT_FOUND for an unknown plugin or a path the runtime cannot
read, INVALID for a manifest or component it refused (the running version of the
plugin then stays; the message says so).
"""

from __future__ import annotations

import enum
from collections.abc import AsyncGenerator
from dataclasses import dataclass

import grpc.aio

from ._context import Context
from ._errors_grpc import error_from_rpc
from ._proto import plugins_pb2 as pb
from .errors import ErrorCode, SdnError, invalid


class PluginState(enum.StrEnum):
    """Where a plugin is in its life (docs/plugins.md); UNLOADED only in changes."""

    LOADING = "loading"
    RUNNING = "running"
    RESTARTING = "restarting"
    DISABLED = "disabled"
    FAILED = "failed"
    UNLOADED = "unloaded"


_STATES: dict[int, PluginState] = {
    pb.PLUGIN_STATE_LOADING: PluginState.LOADING,
    pb.PLUGIN_STATE_RUNNING: PluginState.RUNNING,
    pb.PLUGIN_STATE_RESTARTING: PluginState.RESTARTING,
    pb.PLUGIN_STATE_DISABLED: PluginState.DISABLED,
    pb.PLUGIN_STATE_FAILED: PluginState.FAILED,
    pb.PLUGIN_STATE_UNLOADED: PluginState.UNLOADED,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class PluginError:
    """A problem of a plugin: a fault (deadline, trap, crash, init), a rejected
    version (load), an invalid command. A record the runtime reports, not an
    exception (the SDK raises SdnError)."""

    cause: str
    message: str
    #: Milliseconds since the Unix epoch.
    at_ms: int


@dataclass(frozen=True, slots=True, kw_only=True)
class PluginCounters:
    """Totals since the plugin was first loaded (a swap keeps counting)."""

    batches: int
    events: int
    events_shed: int
    events_dropped: int
    commands: int
    commands_invalid: int
    commands_cut: int
    commands_undeliverable: int
    restarts: int
    #: By cause: deadline, trap, crash, init.
    faults: dict[str, int]
    #: Host calls by interface (openflow, pubsub, kv, log, clock).
    host_calls: dict[str, int]
    #: Calls to an interface the manifest does not grant.
    denied: dict[str, int]


@dataclass(frozen=True, slots=True, kw_only=True)
class PluginStatus:
    name: str
    #: The running version (for a FAILED plugin: the one that failed).
    version: str
    #: The plugin.json it was loaded from, on the runtime's machine.
    manifest_path: str
    #: sha256 of the component, hex ("" when loading never got that far).
    component_hash: str
    state: PluginState
    capabilities: tuple[str, ...]
    subscriptions: tuple[str, ...]
    #: Events waiting for the plugin's next batch.
    queued: int
    counters: PluginCounters
    last_error: PluginError | None
    #: When the running version was swapped in, ms since the epoch (0 if none runs).
    loaded_at_ms: int


@dataclass(frozen=True, slots=True, kw_only=True)
class PluginStateChange:
    """A plugin changed state. `current`: not a change but the state when the
    watch started. `previous` is None for a plugin's first change, and equal to
    `state` (with `current` False) when a new version was rejected and the plugin
    stays as it was (`error` says why)."""

    name: str
    #: The version the change concerns: the new one for a swap or a rejection.
    version: str
    state: PluginState
    previous: PluginState | None
    reason: str
    error: PluginError | None
    at_ms: int
    current: bool


def _state(value: int) -> PluginState:
    state = _STATES.get(value)
    if state is None:
        raise SdnError(ErrorCode.INTERNAL, f"the runtime sent plugin state {value}, which this SDK does not know")
    return state


def _error(message: pb.PluginError) -> PluginError:
    return PluginError(cause=message.cause, message=message.message, at_ms=message.at_ms)


def _status(s: pb.PluginStatus) -> PluginStatus:
    c = s.counters
    counters = PluginCounters(
        batches=c.batches,
        events=c.events,
        events_shed=c.events_shed,
        events_dropped=c.events_dropped,
        commands=c.commands,
        commands_invalid=c.commands_invalid,
        commands_cut=c.commands_cut,
        commands_undeliverable=c.commands_undeliverable,
        restarts=c.restarts,
        faults=dict(c.faults),
        host_calls=dict(c.host_calls),
        denied=dict(c.denied),
    )
    return PluginStatus(
        name=s.name,
        version=s.version,
        manifest_path=s.manifest_path,
        component_hash=s.component_hash,
        state=_state(s.state),
        capabilities=tuple(s.capabilities),
        subscriptions=tuple(s.subscriptions),
        queued=s.queued,
        counters=counters,
        last_error=_error(s.last_error) if s.HasField("last_error") else None,
        loaded_at_ms=s.loaded_at_ms,
    )


def _change(c: pb.PluginStateChange) -> PluginStateChange:
    return PluginStateChange(
        name=c.name,
        version=c.version,
        state=_state(c.state),
        previous=None if c.previous == pb.PLUGIN_STATE_UNSPECIFIED else _state(c.previous),
        reason=c.reason,
        error=_error(c.error) if c.HasField("error") else None,
        at_ms=c.at_ms,
        current=c.current,
    )


def _name(name: str) -> str:
    if not isinstance(name, str) or not name:
        raise invalid("a plugin name is a non-empty string")
    return name


class Plugins:
    def __init__(self, context: Context) -> None:
        self._context = context

    async def list(self) -> list[PluginStatus]:
        """Every plugin, sorted by name."""
        c = self._context
        reply = await c.unary(c.plugins.List(pb.ListPluginsRequest(), metadata=c.metadata, timeout=c.timeout))
        return [_status(p) for p in reply.plugins]

    async def get(self, name: str) -> PluginStatus:
        c = self._context
        return _status(await c.unary(c.plugins.Get(pb.GetPluginRequest(name=_name(name)), metadata=c.metadata, timeout=c.timeout)))

    async def load(self, path: str, *, timeout: float | None = None) -> PluginStatus:
        """Loads the plugin whose folder (with plugin.json) or plugin.json is at
        `path` on the runtime's machine, replacing the running one of the same
        name; returns once it runs. `timeout` (seconds) defaults to the app's
        command timeout; a first load transpiles the component."""
        if not isinstance(path, str) or not path:
            raise invalid("a plugin path is a non-empty string")
        return await self._load(pb.LoadPluginRequest(path=path), timeout)

    async def upload(self, manifest: str, component: bytes, *, timeout: float | None = None) -> PluginStatus:
        """Sends a plugin: the text of its plugin.json and its component's bytes
        (at most 32 MiB together). The runtime keeps it until it is unloaded or
        the runtime stops. Otherwise as `load`."""
        if not isinstance(manifest, str) or not manifest:
            raise invalid("upload needs the text of plugin.json")
        if not isinstance(component, bytes | bytearray | memoryview):
            raise invalid("the component is bytes")
        return await self._load(pb.LoadPluginRequest(upload=pb.PluginUpload(manifest=manifest, component=bytes(component))), timeout)

    async def unload(self, name: str) -> PluginStatus:
        """Stops and removes a plugin; returns its status just before."""
        c = self._context
        reply = await c.unary(c.plugins.Unload(pb.UnloadPluginRequest(name=_name(name)), metadata=c.metadata, timeout=c.timeout))
        return _status(reply.plugin)

    async def reload(self, name: str, *, timeout: float | None = None) -> PluginStatus:
        """Loads a plugin again from where it was loaded; also revives a disabled or failed one."""
        c = self._context
        request = pb.ReloadPluginRequest(name=_name(name))
        return _status(await c.unary(c.plugins.Reload(request, metadata=c.metadata, timeout=timeout or c.timeout)))

    async def watch(self, name: str | None = None) -> AsyncGenerator[PluginStateChange, None]:
        """The state of every plugin (or of `name`) now, each with `current` set,
        then every change as it happens: faults, restarts, swaps, rejected
        versions, unloads. Ends when the consumer stops iterating; raises SdnError
        when the stream fails (not resumed: watch again, the first changes say
        where every plugin is)."""
        c = self._context
        call = c.plugins.WatchState(pb.WatchPluginsRequest(name="" if name is None else _name(name)), metadata=c.metadata)
        try:
            async for change in call:
                yield _change(change)
        except grpc.aio.AioRpcError as e:
            raise error_from_rpc(e) from None
        finally:
            call.cancel()

    async def _load(self, request: pb.LoadPluginRequest, timeout: float | None) -> PluginStatus:
        c = self._context
        return _status(await c.unary(c.plugins.Load(request, metadata=c.metadata, timeout=timeout or c.timeout)))
