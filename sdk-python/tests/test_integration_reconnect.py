"""Resume after a broken stream against a real runtime: the app's connection goes
through a proxy the test cuts; a switch leaves while the app is away; after the
reconnect the app gets the SwitchDown it missed (resume_after_seq)."""

from __future__ import annotations

from sdn_runtime import EventKind, Subscription, SwitchDown, SwitchUp, connect
from tests.conftest import next_of
from tests.fake_switch import FakeSwitch
from tests.runtime_process import Proxy, RuntimeProcess

LIFECYCLE = Subscription(kinds=[EventKind.SWITCH_UP, EventKind.SWITCH_DOWN])


async def test_events_missed_while_disconnected_are_replayed(real_runtime: RuntimeProcess) -> None:
    proxy = Proxy(real_runtime.grpc_target)
    await proxy.start()
    switch = FakeSwitch(dpid=0x77)
    try:
        async with await connect(f"127.0.0.1:{proxy.port}", subscribe=LIFECYCLE, max_backoff=0.2) as app, \
                   await connect(real_runtime.grpc_target, subscribe=LIFECYCLE) as witness:  # fmt: skip
            events, witnessed = app.events(), witness.events()
            await switch.connect(real_runtime.openflow_port)
            up = await next_of(events, SwitchUp)
            await next_of(witnessed, SwitchUp)

            proxy.refusing = True
            proxy.cut()
            await switch.close()
            down = await next_of(witnessed, SwitchDown)
            proxy.refusing = False

            replayed = await next_of(events, SwitchDown, timeout=15)
            assert (replayed.dpid, replayed.seq) == (0x77, down.seq)
            assert replayed.seq > up.seq and app.reconnects >= 1
    finally:
        await proxy.stop()
