"""The plugin base class and the adapter to the world's exports."""
import json
import sys
import traceback
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
            except Exception:
                log.error(f"{plugin_class.__name__}.handle raised; the batch's commands are dropped\n{traceback.format_exc()}"[:4096])
                return []

    return WitWorld
