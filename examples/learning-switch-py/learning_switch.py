"""An L2 learning switch as an external Python app, with the behaviour of os-ken's
simple_switch_13 (and of the runtime's built-in learning-switch app):

- on switch up: a table-miss flow (priority 0, match all) sends packets to the
  controller. Switches already connected when the app starts come first, as
  switch-ups marked `snapshot`, so they are configured the same way;
- on packet-in: learn source MAC -> in_port; a known destination gets a flow
  (in_port, eth_dst, eth_src; idle timeout) and the packet is sent on; an unknown
  destination is flooded. LLDP is ignored.

Run it against a runtime:  python learning_switch.py --target localhost:50051
Or from code/tests:        await run("localhost:50051")
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
from collections.abc import Callable

from sdn_runtime import (
    NO_BUFFER,
    App,
    ControllerMaxLen,
    Event,
    EventKind,
    Match,
    PacketIn,
    Port,
    SdnError,
    Subscription,
    SwitchDown,
    SwitchUp,
    actions,
    connect,
)
from sdn_runtime.packet import ETH_TYPE_LLDP, ETH_TYPE_VLAN, Ethernet, PacketError, Vlan

log = logging.getLogger("learning_switch")

#: Idle timeout of learned flows, in seconds (as the runtime's built-in app).
DEFAULT_IDLE_TIMEOUT = 60
#: Priority of learned flows; the table-miss flow has priority 0.
LEARNED_PRIORITY = 1


class LearningSwitch:
    """The switching logic, one MAC table per switch. `handle` takes every event."""

    def __init__(self, *, idle_timeout: int = DEFAULT_IDLE_TIMEOUT) -> None:
        self.idle_timeout = idle_timeout
        #: dpid -> MAC -> port.
        self.tables: dict[int, dict[str, int]] = {}

    async def handle(self, app: App, event: Event) -> None:
        if isinstance(event, PacketIn):
            self.on_packet_in(app, event)
        elif isinstance(event, SwitchUp):
            await self.on_switch_up(app, event.dpid)
        elif isinstance(event, SwitchDown):
            self.tables.pop(event.dpid, None)

    async def on_switch_up(self, app: App, dpid: int) -> None:
        """A switch came up, or was connected before this app (a snapshot switch-up):
        forget what was learned on it and install its table-miss flow."""
        self.tables[dpid] = {}
        try:
            await app.switch(dpid).flow_mod(
                priority=0,
                actions=[actions.output(Port.CONTROLLER, ControllerMaxLen.NO_BUFFER)],
                confirm=True,
            )
            log.info("switch %016x: table-miss flow installed", dpid)
        except SdnError as e:
            log.warning("switch %016x: table-miss flow failed: %s", dpid, e)

    def on_packet_in(self, app: App, event: PacketIn) -> None:
        try:
            eth, at = Ethernet.decode(event.data, 0)
            ethertype = eth.ethertype
            if ethertype == ETH_TYPE_VLAN:
                ethertype = Vlan.decode(event.data, at)[0].ethertype
        except PacketError as e:
            log.debug("switch %016x: unparsable frame: %s", event.dpid, e)
            return
        if ethertype == ETH_TYPE_LLDP:
            return
        macs = self.tables.setdefault(event.dpid, {})
        macs[eth.src] = event.in_port
        out_port = macs.get(eth.dst, Port.FLOOD)
        switch = app.switch(event.dpid)
        forward = [actions.output(out_port)]
        if out_port != Port.FLOOD:
            buffered = event.buffer_id != NO_BUFFER
            switch.send_flow_mod(
                match=Match().in_port(event.in_port).eth_dst(eth.dst).eth_src(eth.src),
                actions=forward,
                priority=LEARNED_PRIORITY,
                idle_timeout=self.idle_timeout,
                buffer_id=event.buffer_id if buffered else None,
            )
            if buffered:
                return  # the flow-mod releases the buffered packet
        if event.buffer_id != NO_BUFFER:
            switch.send_packet_out(buffer_id=event.buffer_id, in_port=event.in_port, actions=forward)
        else:
            switch.send_packet_out(data=event.data, in_port=event.in_port, actions=forward)


async def run(
    target: str,
    *,
    token: str | None = None,
    name: str = "learning-switch-py",
    idle_timeout: int = DEFAULT_IDLE_TIMEOUT,
    on_ready: Callable[[App], None] | None = None,
) -> None:
    """Connects to the runtime at `target` and switches until the stream ends or the
    task is cancelled. `on_ready` is called once subscribed (tests wait on it)."""
    subscription = Subscription(kinds=[EventKind.SWITCH_UP, EventKind.SWITCH_DOWN, EventKind.PACKET_IN])
    async with await connect(target, token=token, name=name, subscribe=subscription) as app:
        log.info("connected to %s (node %s)", target, app.node_id)
        switch = LearningSwitch(idle_timeout=idle_timeout)
        if on_ready is not None:
            on_ready(app)
        async for event in app.events():
            await switch.handle(app, event)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="L2 learning switch app for sdn-runtime")
    parser.add_argument("--target", default="localhost:50051", help="runtime gRPC address host:port (default: %(default)s)")
    parser.add_argument("--token", default=os.environ.get("SDN_RUNTIME_TOKEN"), help="app token (default: $SDN_RUNTIME_TOKEN)")
    parser.add_argument("--idle-timeout", type=int, default=DEFAULT_IDLE_TIMEOUT, help="seconds before an unused learned flow expires")
    parser.add_argument("--name", default="learning-switch-py", help="app name shown in the runtime's logs and metrics")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        asyncio.run(run(args.target, token=args.token, name=args.name, idle_timeout=args.idle_timeout))
    except KeyboardInterrupt:
        pass
    except SdnError as e:
        raise SystemExit(f"learning switch stopped: {e}") from None


if __name__ == "__main__":
    main()
