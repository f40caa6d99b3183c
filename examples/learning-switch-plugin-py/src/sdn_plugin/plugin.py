"""The plugin base class and the adapter to the world's exports."""
import json
import sys
from typing import Any, List, Type

import wit_world
from componentize_py_types import Err
from wit_world.imports import log as _log
from wit_world.imports.types import Command, Event

from .host import LogStream, log


class Plugin:
    """Subclass it, override `initialize` and `handle`, then `WitWorld = export(YourPlugin)`.

    One instance lives as long as the plugin version is loaded (a trap or a
    deadline overrun starts a fresh one), so instance attributes are its state.
    """

    def initialize(self, config: Any) -> None:
        """Once, with plugin.json's `config` parsed from JSON. Raising stops the load with the exception's message."""

    def handle(self, events: List[Event]) -> List[Command]:
        """A batch of events in arrival order; returns the commands to send."""
        return []


def describe(exc: BaseException) -> str:
    """A traceback without source lines: the standard formatter reads the source
    files, and file access traps in a component without WASI."""
    lines = ["Traceback (most recent call last):"]
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        lines.append(f'  File "{code.co_filename}", line {tb.tb_lineno}, in {code.co_name}')
        tb = tb.tb_next
    lines.append(f"{type(exc).__name__}: {exc}")
    return "\n".join(lines)


def export(plugin_class: Type[Plugin]) -> type:
    """The `WitWorld` class componentize-py looks for in the app module.

    Also routes print() to the log at info and sys.stderr at error (the component
    has no stdout). An exception raised by `handle` is logged with its traceback
    at error and the batch's commands are dropped; the plugin keeps its state and
    goes on with the next batch. (Letting it escape would trap, and the runtime
    would only see "unreachable".)
    """
    sys.stdout = LogStream(_log.Level.INFO)
    sys.stderr = LogStream(_log.Level.ERROR)
    holder: List[Plugin] = []

    class WitWorld(wit_world.WitWorld):
        def initialize(self, config: str) -> None:
            try:
                instance = plugin_class()
                instance.initialize(json.loads(config))
            except Exception as exc:
                raise Err(f"{type(exc).__name__}: {exc}") from exc
            holder[:] = [instance]

        def handle(self, events: List[Event]) -> List[Command]:
            try:
                return holder[0].handle(events)
            except Exception as exc:
                log.error(f"{plugin_class.__name__}.handle raised; the batch's commands are dropped\n{describe(exc)}"[:4096])
                return []

    return WitWorld
