"""app.publish and app.kv against the fake runtime's in-memory models."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from sdn_runtime import (
    CompareTarget,
    DeleteResult,
    ErrorCode,
    EventKind,
    GetResult,
    KvChange,
    KvChangeType,
    KvCompare,
    KvDelete,
    KvGet,
    KvPut,
    PubSubMessage,
    PutResult,
    SdnError,
    Subscription,
    connect,
)
from tests.fake_runtime import FakeRuntime


async def test_publish_sends_subject_payload_headers_and_token(runtime: FakeRuntime) -> None:
    runtime.token = "t"
    subscription = Subscription(kinds=[EventKind.PUBSUB], topics=["topology.>"])
    async with await connect(runtime.address, token="t", subscribe=subscription) as app:
        await runtime.next_connection()
        assert await app.publish("topology.links", "up", {"content-type": "text/plain"}) == 1
        received = await anext(app.events())
        assert isinstance(received, PubSubMessage) and received.payload == b"up"
    (message,) = runtime.published
    assert (message.subject, message.payload, dict(message.headers)) == ("topology.links", b"up", {"content-type": "text/plain"})


@pytest.mark.parametrize("subject", ["", "a..b", "a.*", "a.>", "has space"])
async def test_publish_refuses_bad_subjects_before_sending(runtime: FakeRuntime, subject: str) -> None:
    async with await connect(runtime.address) as app:
        with pytest.raises(SdnError) as raised:
            await app.publish(subject, b"x")
    assert raised.value.code is ErrorCode.INVALID and runtime.published == []


async def test_put_get_range_delete(runtime: FakeRuntime) -> None:
    async with await connect(runtime.address) as app:
        first = await app.kv.put("hosts/a", b"1")
        second = await app.kv.put("hosts/a", "2")
        assert (first.revision, first.previous) == (1, None)
        assert second.previous is not None and second.previous.value == b"1"
        await app.kv.put(b"hosts/b", b"3")
        got = await app.kv.get("hosts/a")
        assert got is not None and (got.value, got.version, got.create_revision, got.mod_revision) == (b"2", 2, 1, 2)
        assert await app.kv.get("missing") is None
        page = await app.kv.range("hosts/", prefix=True, limit=1)
        assert [kv.key for kv in page.kvs] == [b"hosts/a"] and page.more
        assert [kv.key for kv in (await app.kv.range("hosts/a", "hosts/c")).kvs] == [b"hosts/a", b"hosts/b"]
        deleted = await app.kv.delete("hosts/", prefix=True)
        assert deleted.deleted == 2 and await app.kv.get("hosts/b") is None


async def test_range_pages_follows_more_to_the_last_key(runtime: FakeRuntime) -> None:
    async with await connect(runtime.address) as app:
        for name in "abcde":
            await app.kv.put(f"pages/{name}", b"v" * 10)
        await app.kv.put("pagesz", b"outside the prefix")
        one = await app.kv.range("pages/", prefix=True, max_bytes=1)
        assert len(one.kvs) == 1 and one.more
        pages = [[kv.key for kv in page.kvs] async for page in app.kv.range_pages("pages/", prefix=True, max_bytes=1)]
        assert pages == [[b"pages/a"], [b"pages/b"], [b"pages/c"], [b"pages/d"], [b"pages/e"]]
        two_per_page = [len(page.kvs) async for page in app.kv.range_pages("pages/", prefix=True, max_bytes=40)]
        assert two_per_page == [2, 2, 1]
        limited = [kv.key async for page in app.kv.range_pages("pages/", prefix=True, max_bytes=1, limit=3) for kv in page.kvs]
        assert limited == [b"pages/a", b"pages/b", b"pages/c"]
        bounded = [kv.key async for page in app.kv.range_pages("pages/b", "pages/d", max_bytes=1) for kv in page.kvs]
        assert bounded == [b"pages/b", b"pages/c"]
        with pytest.raises(SdnError) as raised:
            await app.kv.range("pages/", prefix=True, max_bytes=-1)
        assert raised.value.code is ErrorCode.INVALID


async def test_txn_runs_success_or_failure_by_its_compares(runtime: FakeRuntime) -> None:
    async with await connect(runtime.address) as app:
        create = await app.kv.txn(
            compares=[KvCompare("leader", CompareTarget.CREATE_REVISION, "==", number=0)],
            success=[KvPut("leader", "me"), KvGet("leader")],
            failure=[KvGet("leader")],
        )
        assert create.succeeded
        put, get = create.results
        assert isinstance(put, PutResult) and isinstance(get, GetResult) and get.kv is not None and get.kv.value == b"me"
        again = await app.kv.txn(
            compares=[KvCompare("leader", CompareTarget.VALUE, "==", value="you")],
            success=[KvDelete("leader")],
            failure=[KvGet("leader"), KvDelete("nothing")],
        )
        assert not again.succeeded
        kept, none_deleted = again.results
        assert isinstance(kept, GetResult) and kept.kv is not None and kept.kv.value == b"me"
        assert isinstance(none_deleted, DeleteResult) and none_deleted.deleted == 0


def test_compares_are_checked_when_built() -> None:
    with pytest.raises(SdnError, match="compare op"):
        KvCompare("k", CompareTarget.VALUE, "=", value=b"x")
    with pytest.raises(SdnError, match="takes `number`"):
        KvCompare("k", CompareTarget.VERSION, "==", value=b"x")
    with pytest.raises(SdnError, match="must not be empty"):
        KvCompare("", CompareTarget.VERSION, "==")


async def test_watch_replays_from_start_revision_then_follows(runtime: FakeRuntime) -> None:
    async with await connect(runtime.address) as app:
        await app.kv.put("cfg/a", "1")
        await app.kv.put("other", "x")
        await app.kv.put("cfg/b", "2")
        await app.kv.delete("cfg/a")
        replayed = await _take(app.kv.watch("cfg/", prefix=True, start_revision=2), 2)
        assert [(c.type, c.kv.key, c.kv.mod_revision) for c in replayed] == [
            (KvChangeType.PUT, b"cfg/b", 3),
            (KvChangeType.DELETE, b"cfg/a", 4),
        ]
        # Starting at the next revision: the next put arrives whether it lands
        # before or after the watch is registered.
        live = asyncio.create_task(_take(app.kv.watch("cfg/", prefix=True, start_revision=5), 1))
        await app.kv.put("cfg/c", "3")
        (change,) = await asyncio.wait_for(live, 5)
        assert (change.kv.key, change.kv.value, change.kv.version) == (b"cfg/c", b"3", 1)


async def test_watch_from_compacted_history_raises_compacted(runtime: FakeRuntime) -> None:
    runtime.kv.compacted = 10
    async with await connect(runtime.address) as app:
        with pytest.raises(SdnError) as raised:
            await anext(app.kv.watch("k", start_revision=3))
    assert raised.value.code is ErrorCode.COMPACTED


async def _take(watch: AsyncIterator[KvChange], n: int) -> list[KvChange]:
    out: list[KvChange] = []
    async for change in watch:
        out.append(change)
        if len(out) == n:
            break
    return out
