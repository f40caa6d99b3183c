"""Calls into the runtime.

A call whose capability plugin.json does not grant (openflow, pubsub, kv-read,
kv-write) raises `componentize_py_types.Err` whose `value` is a HostError
(`host_error(exc)` reads it); `log` and `clock` are always granted. The
component has no WASI: `time.time()` and writes to the real stdout/stderr trap,
so `export()` routes `print()` and `sys.stderr` to `log`, and `now_ms()` is the clock.
"""
from typing import List, Optional, Sequence, Union

from componentize_py_types import Err
from wit_world.imports import clock, kv, openflow, pubsub
from wit_world.imports import log as _log
from wit_world.imports.types import Command, HostError, HostError_Denied, HostError_Invalid, HostError_Unavailable

MAX_LINE = 4096
"""The runtime keeps at most this many characters of one log line (and 100 lines per call)."""


class log:  # noqa: N801 (a namespace: log.info(...))
    """Lines in the runtime's log, tagged with the plugin's name."""

    @staticmethod
    def debug(message: str) -> None:
        _log.log(_log.Level.DEBUG, message)

    @staticmethod
    def info(message: str) -> None:
        _log.log(_log.Level.INFO, message)

    @staticmethod
    def warn(message: str) -> None:
        _log.log(_log.Level.WARN, message)

    @staticmethod
    def error(message: str) -> None:
        _log.log(_log.Level.ERROR, message)


def now_ms() -> int:
    """Milliseconds since the Unix epoch."""
    return clock.now_ms()


def send(commands: Sequence[Command]) -> None:
    """Sends commands now, before `handle` returns. Capability: openflow."""
    openflow.send(list(commands))


def _bytes(value: Union[bytes, str]) -> bytes:
    return value.encode() if isinstance(value, str) else bytes(value)


def publish(subject: str, payload: Union[bytes, str]) -> None:
    """Publishes to other apps; `subject` is dot-separated tokens without wildcards. Capability: pubsub."""
    pubsub.publish(subject, _bytes(payload))


def kv_get(key: Union[bytes, str]) -> Optional[bytes]:
    """The value under `key`, or None. Capability: kv-read."""
    return kv.get(_bytes(key))


def kv_put(key: Union[bytes, str], value: Union[bytes, str]) -> None:
    """Capability: kv-write."""
    kv.put(_bytes(key), _bytes(value))


def kv_delete(key: Union[bytes, str]) -> None:
    """Capability: kv-write."""
    kv.delete(_bytes(key))


def host_error(exc: BaseException) -> Optional[HostError]:
    """The HostError a failed host call raised, or None for any other exception."""
    if isinstance(exc, Err) and isinstance(exc.value, (HostError_Denied, HostError_Invalid, HostError_Unavailable)):
        return exc.value
    return None


class LogStream:
    """A text stream whose lines go to the runtime's log at one level (print() -> info, stderr -> error)."""

    def __init__(self, level: "_log.Level") -> None:
        self._level = level
        self._pending: List[str] = []

    def write(self, text: str) -> int:
        *complete, rest = text.split("\n")
        for line in complete:
            self._pending.append(line)
            _log.log(self._level, "".join(self._pending)[:MAX_LINE])
            self._pending = []
        if rest:
            self._pending.append(rest)
        return len(text)

    def flush(self) -> None:
        if self._pending:
            _log.log(self._level, "".join(self._pending)[:MAX_LINE])
            self._pending = []

    def isatty(self) -> bool:
        return False
