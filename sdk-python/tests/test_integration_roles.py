"""RoleChanged from real mastership: one etcd member, one `serve --mastership etcd`
and the fake switch. The node wins the election for the switch, and an app that
names EventKind.ROLE_CHANGED sees it as master (then the switch's SwitchUp); the
switch list (the Switches service) shows the same role, master and generation."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest

from sdn_runtime import EventKind, RoleChanged, Subscription, SwitchRole, SwitchUp, connect
from tests.conftest import next_of
from tests.etcd_process import EtcdProcess, start_etcd
from tests.fake_switch import FakeSwitch
from tests.runtime_process import RuntimeProcess, start_runtime

DPID = 0x5E1E
NODE = "py-roles"
#: An election is an etcd round trip or two.
ROLE_WAIT = 15.0


@pytest.fixture
async def etcd() -> AsyncIterator[EtcdProcess]:
    process = await start_etcd()
    try:
        yield process
    finally:
        await process.stop()


@pytest.fixture
async def mastership_runtime(etcd: EtcdProcess) -> AsyncIterator[RuntimeProcess]:
    cluster = f"sdkpy-roles-{os.getpid()}"
    process = await start_runtime(
        "--store", "etcd", "--etcd-endpoints", etcd.endpoint, "--etcd-prefix", f"/{cluster}/kv/",
        "--mastership", "etcd", "--cluster", cluster, "--node-id", NODE,
    )  # fmt: skip
    try:
        yield process
    finally:
        await process.stop()


async def test_an_app_sees_its_node_become_master_of_the_switch(mastership_runtime: RuntimeProcess) -> None:
    switch = FakeSwitch(dpid=DPID)
    subscription = Subscription(kinds=[EventKind.ROLE_CHANGED, EventKind.SWITCH_UP])
    async with await connect(mastership_runtime.grpc_target, name="sdk-python-roles", subscribe=subscription) as app:
        events = app.events()
        await switch.connect(mastership_runtime.openflow_port)
        try:
            changed = await next_of(events, RoleChanged, ROLE_WAIT)
            while changed.role is not SwitchRole.MASTER:
                changed = await next_of(events, RoleChanged, ROLE_WAIT)
            assert (changed.dpid, changed.master_node) == (DPID, NODE)
            assert changed.generation > 0 and changed.seq > 0
            up = await next_of(events, SwitchUp, ROLE_WAIT)
            assert up.dpid == DPID and up.seq > changed.seq
            listed = [(s.role, s.master_node, s.generation) for s in await app.switches() if s.dpid == DPID]
            assert listed == [(SwitchRole.MASTER, NODE, changed.generation)]
        finally:
            await switch.close()
