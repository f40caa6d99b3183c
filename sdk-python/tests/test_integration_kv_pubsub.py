"""Pubsub between two apps and the KV store, through a real runtime."""

from __future__ import annotations

import asyncio

from sdn_runtime import (
    CompareTarget,
    EventKind,
    KvChange,
    KvChangeType,
    KvCompare,
    KvPut,
    KvWatch,
    PubSubMessage,
    Subscription,
    connect,
)
from tests.conftest import next_of
from tests.runtime_process import RuntimeProcess


async def test_a_published_message_reaches_a_subscribed_app(real_runtime: RuntimeProcess) -> None:
    subscription = Subscription(kinds=[EventKind.PUBSUB], topics=["sdk.*.events"])
    async with await connect(real_runtime.grpc_target, name="subscriber", subscribe=subscription) as subscriber:
        async with await connect(real_runtime.grpc_target, name="publisher") as publisher:
            assert await publisher.publish("sdk.other", b"not for it") == 0
            assert await publisher.publish("sdk.py.events", b"hello", {"from": "publisher"}) == 1
        message = await next_of(subscriber.events(), PubSubMessage)
        assert (message.subject, message.payload, dict(message.headers)) == ("sdk.py.events", b"hello", {"from": "publisher"})


async def test_kv_operations_and_both_kinds_of_watch(real_runtime: RuntimeProcess) -> None:
    subscription = Subscription(kinds=[EventKind.KV], kv_watches=[KvWatch(key="sdk/", prefix=True)])
    async with await connect(real_runtime.grpc_target, subscribe=subscription) as app:
        first = await app.kv.put("sdk/a", "1")
        got = await app.kv.get("sdk/a")
        assert got is not None and (got.value, got.version, got.mod_revision) == (b"1", 1, first.revision)
        swapped = await app.kv.txn(compares=[KvCompare("sdk/a", CompareTarget.VALUE, "==", value="1")], success=[KvPut("sdk/a", "2")])
        assert swapped.succeeded
        assert [kv.value for kv in (await app.kv.range("sdk/", prefix=True)).kvs] == [b"2"]
        await app.kv.put("sdk-pages/a", "1")
        await app.kv.put("sdk-pages/b", "2")
        pages = [[kv.key for kv in page.kvs] async for page in app.kv.range_pages("sdk-pages/", prefix=True, max_bytes=1)]
        assert pages == [[b"sdk-pages/a"], [b"sdk-pages/b"]]

        watch = app.kv.watch("sdk/", prefix=True, start_revision=first.revision)
        replayed = [await asyncio.wait_for(anext(watch), 10), await asyncio.wait_for(anext(watch), 10)]
        assert [(c.type, c.kv.value) for c in replayed] == [(KvChangeType.PUT, b"1"), (KvChangeType.PUT, b"2")]
        await watch.aclose()

        deleted = await app.kv.delete("sdk/", prefix=True)
        assert deleted.deleted == 1 and await app.kv.get("sdk/a") is None
        events = app.events()
        on_stream = [await next_of(events, KvChange) for _ in range(3)]
        assert [(c.type, c.kv.key) for c in on_stream] == [(KvChangeType.PUT, b"sdk/a"), (KvChangeType.PUT, b"sdk/a"), (KvChangeType.DELETE, b"sdk/a")]
