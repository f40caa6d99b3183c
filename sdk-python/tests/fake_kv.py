"""A small in-memory model of the KV service for the SDK's unit tests: revisions,
versions, prefix ranges, transactions with compares, watches with replay and a
settable compaction point."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from sdn_runtime._proto import kv_pb2 as kv


def _end_of_prefix(prefix: bytes) -> bytes:
    return prefix[:-1] + bytes([prefix[-1] + 1]) if prefix and prefix[-1] < 0xFF else prefix + b"\xff"


class FakeKv:
    def __init__(self) -> None:
        self.revision = 0
        self.data: dict[bytes, kv.KeyValue] = {}
        self.history: list[kv.KvEvent] = []
        #: Watches asking to replay from before this revision get compacted_revision.
        self.compacted = 0
        self._watchers: list[tuple[kv.WatchRequest, asyncio.Queue[kv.KvEvent]]] = []

    def _selected(self, key: bytes, prefix: bool, candidate: bytes) -> bool:
        return candidate.startswith(key) if prefix else candidate == key

    def _emit(self, event: kv.KvEvent) -> None:
        self.history.append(event)
        for request, queue in self._watchers:
            if self._selected(request.key, request.prefix, event.kv.key):
                queue.put_nowait(event)

    def _put(self, key: bytes, value: bytes) -> kv.PutResponse:
        self.revision += 1
        previous = self.data.get(key)
        current = kv.KeyValue(
            key=key,
            value=value,
            create_revision=previous.create_revision if previous else self.revision,
            mod_revision=self.revision,
            version=(previous.version if previous else 0) + 1,
        )
        self.data[key] = current
        self._emit(kv.KvEvent(type=kv.KvEvent.TYPE_PUT, kv=current))
        response = kv.PutResponse(revision=self.revision)
        if previous is not None:
            response.previous.CopyFrom(previous)
        return response

    def _delete(self, key: bytes, prefix: bool) -> kv.DeleteResponse:
        doomed = [k for k in self.data if self._selected(key, prefix, k)]
        if doomed:
            self.revision += 1
        for k in doomed:
            del self.data[k]
            self._emit(kv.KvEvent(type=kv.KvEvent.TYPE_DELETE, kv=kv.KeyValue(key=k, mod_revision=self.revision)))
        return kv.DeleteResponse(revision=self.revision, deleted=len(doomed))

    def _get(self, key: bytes) -> kv.GetResponse:
        response = kv.GetResponse(revision=self.revision)
        if key in self.data:
            response.kv.CopyFrom(self.data[key])
        return response

    async def get(self, request: kv.GetRequest) -> kv.GetResponse:
        return self._get(request.key)

    async def put(self, request: kv.PutRequest) -> kv.PutResponse:
        return self._put(request.key, request.value)

    async def delete(self, request: kv.DeleteRequest) -> kv.DeleteResponse:
        return self._delete(request.key, request.prefix)

    async def range(self, request: kv.RangeRequest) -> kv.RangeResponse:
        if request.prefix:
            start, end = request.start, _end_of_prefix(request.start)
        elif request.end == b"\x00":
            start, end = request.start, None
        else:
            start, end = request.start, request.end or request.start + b"\x00"
        keys = sorted(k for k in self.data if start <= k and (end is None or k < end))
        limit = request.limit or len(keys)
        # The runtime's byte cap, as small as the request asks: at least one pair.
        kvs: list[kv.KeyValue] = []
        size = 0
        for k in keys[:limit]:
            pair = len(k) + len(self.data[k].value)
            if kvs and request.max_bytes and size + pair > request.max_bytes:
                break
            kvs.append(self.data[k])
            size += pair
        return kv.RangeResponse(kvs=kvs, more=len(keys) > len(kvs), revision=self.revision)

    async def txn(self, request: kv.TxnRequest) -> kv.TxnResponse:
        succeeded = all(self._holds(c) for c in request.compares)
        results = []
        for op in request.success if succeeded else request.failure:
            kind = op.WhichOneof("kind")
            if kind == "put":
                results.append(kv.TxnOpResult(put=self._put(op.put.key, op.put.value)))
            elif kind == "delete":
                results.append(kv.TxnOpResult(delete=self._delete(op.delete.key, op.delete.prefix)))
            else:
                results.append(kv.TxnOpResult(get=self._get(op.get.key)))
        return kv.TxnResponse(succeeded=succeeded, results=results, revision=self.revision)

    def _holds(self, c: kv.Compare) -> bool:
        current = self.data.get(c.key)
        if c.target == kv.Compare.TARGET_VALUE:
            left: bytes | int = current.value if current else b""
            right: bytes | int = c.value
        else:
            attribute = {kv.Compare.TARGET_VERSION: "version", kv.Compare.TARGET_CREATE_REVISION: "create_revision", kv.Compare.TARGET_MOD_REVISION: "mod_revision"}[c.target]
            left, right = (getattr(current, attribute) if current else 0), c.number
        if c.result == kv.Compare.RESULT_EQUAL:
            return left == right
        if c.result == kv.Compare.RESULT_NOT_EQUAL:
            return left != right
        if c.result == kv.Compare.RESULT_GREATER:
            return left > right  # type: ignore[operator]
        return left < right  # type: ignore[operator]

    async def watch(self, request: kv.WatchRequest) -> AsyncIterator[kv.WatchResponse]:
        if request.start_revision and request.start_revision < self.compacted:
            yield kv.WatchResponse(revision=self.revision, compacted_revision=self.compacted)
            return
        queue: asyncio.Queue[kv.KvEvent] = asyncio.Queue()
        if request.start_revision:
            for past in self.history:
                if past.kv.mod_revision >= request.start_revision and self._selected(request.key, request.prefix, past.kv.key):
                    queue.put_nowait(past)
        self._watchers.append((request, queue))
        try:
            while True:
                event = await queue.get()
                yield kv.WatchResponse(events=[event], revision=self.revision)
        finally:
            self._watchers.remove((request, queue))
