"""`app.kv`: the runtime's key-value store (get, put, delete, range, txn, watch).

Keys and values are bytes; text is taken as UTF-8. Every change gets the next
store-wide revision. Errors are SdnError (PERMISSION_DENIED without kv:read /
kv:write, UNAVAILABLE on timeouts, COMPACTED when a watch asks for history that is
gone).
"""

from __future__ import annotations

import asyncio
import enum
import random
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass

import grpc.aio

from . import _from_proto
from ._context import Context
from ._errors_grpc import error_from_rpc, retryable
from ._keys import key_bytes, value_bytes
from ._proto import kv_pb2 as kv
from ._values import uint
from .errors import ErrorCode, SdnError, invalid
from .events import KeyValue, KvChange


class CompareTarget(enum.IntEnum):
    VALUE = kv.Compare.TARGET_VALUE
    VERSION = kv.Compare.TARGET_VERSION
    CREATE_REVISION = kv.Compare.TARGET_CREATE_REVISION
    MOD_REVISION = kv.Compare.TARGET_MOD_REVISION


_OPS = {"==": kv.Compare.RESULT_EQUAL, "!=": kv.Compare.RESULT_NOT_EQUAL, ">": kv.Compare.RESULT_GREATER, "<": kv.Compare.RESULT_LESS}


@dataclass(frozen=True, slots=True)
class KvCompare:
    """A condition on one key inside a txn: `target` `op` (==, !=, >, <) `value`
    (bytes, for VALUE) or `number` (the others; a missing key has 0 for each)."""

    key: bytes | str
    target: CompareTarget
    op: str
    value: bytes | str = b""
    number: int = 0

    def __post_init__(self) -> None:
        key_bytes(self.key)
        CompareTarget(self.target)
        if self.op not in _OPS:
            raise invalid(f"compare op must be one of {', '.join(_OPS)}, got {self.op!r}")
        value_bytes(self.value)
        uint("compare number", self.number, 64)
        if self.target != CompareTarget.VALUE and self.value:
            raise invalid(f"a {self.target.name} compare takes `number`, not `value`")
        if self.target == CompareTarget.VALUE and self.number:
            raise invalid("a VALUE compare takes `value`, not `number`")


@dataclass(frozen=True, slots=True)
class KvGet:
    key: bytes | str


@dataclass(frozen=True, slots=True)
class KvPut:
    key: bytes | str
    value: bytes | str


@dataclass(frozen=True, slots=True)
class KvDelete:
    key: bytes | str
    prefix: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class GetResult:
    kv: KeyValue | None
    revision: int


@dataclass(frozen=True, slots=True, kw_only=True)
class PutResult:
    revision: int
    #: The pair before this put, when there was one.
    previous: KeyValue | None


@dataclass(frozen=True, slots=True, kw_only=True)
class DeleteResult:
    revision: int
    deleted: int


@dataclass(frozen=True, slots=True, kw_only=True)
class RangeResult:
    kvs: tuple[KeyValue, ...]
    #: More keys matched than `limit` returned.
    more: bool
    revision: int


@dataclass(frozen=True, slots=True, kw_only=True)
class TxnResult:
    """Whether every compare held (so `success` ran, else `failure`), one result per op."""

    succeeded: bool
    results: tuple[GetResult | PutResult | DeleteResult, ...]
    revision: int


class Kv:
    def __init__(self, context: Context, *, max_backoff: float) -> None:
        self._context = context
        self._max_backoff = max_backoff

    async def get(self, key: bytes | str) -> KeyValue | None:
        """The pair at `key`, or None."""
        c = self._context
        reply = await c.unary(c.kv.Get(kv.GetRequest(key=key_bytes(key)), metadata=c.metadata, timeout=c.timeout))
        return _from_proto.key_value(reply.kv) if reply.HasField("kv") else None

    async def put(self, key: bytes | str, value: bytes | str) -> PutResult:
        c = self._context
        request = kv.PutRequest(key=key_bytes(key), value=value_bytes(value))
        return _put_result(await c.unary(c.kv.Put(request, metadata=c.metadata, timeout=c.timeout)))

    async def delete(self, key: bytes | str, *, prefix: bool = False) -> DeleteResult:
        """Deletes `key`, or every key starting with it when `prefix`."""
        c = self._context
        request = kv.DeleteRequest(key=key_bytes(key), prefix=prefix)
        reply = await c.unary(c.kv.Delete(request, metadata=c.metadata, timeout=c.timeout))
        return DeleteResult(revision=reply.revision, deleted=reply.deleted)

    async def range(
        self, start: bytes | str, end: bytes | str = b"", *, prefix: bool = False, limit: int = 0, max_bytes: int = 0
    ) -> RangeResult:
        """Keys in [start, end), or under `start` when `prefix`; one response of at most
        `limit` pairs (0: no limit) and at most `max_bytes` of keys and values (0: the
        runtime's cap, 4 MiB unless configured; a pair larger than that comes alone).
        `more` says keys were left out: `range_pages` reads them all."""
        return await self._range(_range_request(start, end, prefix, limit, max_bytes))

    async def range_pages(
        self, start: bytes | str, end: bytes | str = b"", *, prefix: bool = False, limit: int = 0, max_bytes: int = 0
    ) -> AsyncGenerator[RangeResult, None]:
        """Every page of a range, following `more` as etcd clients do: the next page
        starts after the last key (a prefix becomes [prefix, end of prefix)), so a range
        larger than one response is read whole in bounded pieces. Each page is its own
        snapshot (its `revision`): a key written between two pages is seen in either
        state. `limit` counts pairs over all pages."""
        request = _range_request(start, end, prefix, limit, max_bytes)
        range_end = (_prefix_end(request.start) or _ANY_KEY) if request.prefix else request.end
        left = request.limit
        while True:
            page = await self._range(request)
            yield page
            if left:
                left -= len(page.kvs)
            if not page.more or not page.kvs or (request.limit and left <= 0):
                return
            request = kv.RangeRequest(start=page.kvs[-1].key + b"\x00", end=range_end, limit=left, max_bytes=request.max_bytes)

    async def _range(self, request: kv.RangeRequest) -> RangeResult:
        c = self._context
        reply = await c.unary(c.kv.Range(request, metadata=c.metadata, timeout=c.timeout))
        return RangeResult(kvs=tuple(_from_proto.key_value(x) for x in reply.kvs), more=reply.more, revision=reply.revision)

    async def txn(
        self,
        *,
        compares: Sequence[KvCompare] = (),
        success: Sequence[KvGet | KvPut | KvDelete] = (),
        failure: Sequence[KvGet | KvPut | KvDelete] = (),
    ) -> TxnResult:
        """If every compare holds run `success`, else `failure`: atomically, at one revision."""
        c = self._context
        request = kv.TxnRequest(
            compares=[
                kv.Compare(
                    key=key_bytes(x.key),
                    target=kv.Compare.Target.ValueType(x.target),
                    result=_OPS[x.op],
                    value=value_bytes(x.value),
                    number=x.number,
                )
                for x in compares
            ],
            success=[_op(o) for o in success],
            failure=[_op(o) for o in failure],
        )
        reply = await c.unary(c.kv.Txn(request, metadata=c.metadata, timeout=c.timeout))
        return TxnResult(succeeded=reply.succeeded, results=tuple(_op_result(r) for r in reply.results), revision=reply.revision)

    async def watch(self, key: bytes | str, *, prefix: bool = False, start_revision: int = 0) -> AsyncGenerator[KvChange, None]:
        """Changes to `key` (or under it, with `prefix`), replaying those from
        `start_revision` on first (inclusive, as etcd; 0: only new changes). A broken
        stream is resumed after the newest revision seen; COMPACTED ends the watch
        when that history is gone."""
        c = self._context
        key = key_bytes(key)
        start = uint("start_revision", start_revision, 64)
        attempt = 0
        while True:
            call = c.kv.Watch(kv.WatchRequest(key=key, prefix=prefix, start_revision=start), metadata=c.metadata)
            try:
                async for reply in call:
                    attempt = 0
                    if reply.compacted_revision:
                        raise SdnError(
                            ErrorCode.COMPACTED,
                            f"changes from revision {start} on are compacted away (history starts at {reply.compacted_revision})",
                        )
                    for change in reply.events:
                        yield _from_proto.kv_change(change)
                        start = max(start, change.kv.mod_revision + 1)
                error = SdnError(ErrorCode.UNAVAILABLE, "the runtime ended the watch", grpc_status="OK")
            except grpc.aio.AioRpcError as e:
                error = error_from_rpc(e)
            finally:
                call.cancel()
            if not retryable(error) or start == 0:
                raise error
            attempt += 1
            await asyncio.sleep(min(self._max_backoff, 0.1 * 2**attempt) * random.uniform(0.8, 1.2))


#: etcd's range end for "every key from start on".
_ANY_KEY = b"\x00"


def _range_request(start: bytes | str, end: bytes | str, prefix: bool, limit: int, max_bytes: int) -> kv.RangeRequest:
    if prefix and end:
        raise invalid("range takes `end` or `prefix`, not both")
    return kv.RangeRequest(
        start=key_bytes(start),
        end=value_bytes(end),
        prefix=prefix,
        limit=uint("limit", limit, 32),
        max_bytes=uint("max_bytes", max_bytes, 32),
    )


def _prefix_end(prefix: bytes) -> bytes | None:
    """The first key after every key that starts with `prefix`; None when there is none (all 0xff)."""
    stripped = prefix.rstrip(b"\xff")
    return stripped[:-1] + bytes([stripped[-1] + 1]) if stripped else None


def _op(o: KvGet | KvPut | KvDelete) -> kv.TxnOp:
    if isinstance(o, KvPut):
        return kv.TxnOp(put=kv.PutRequest(key=key_bytes(o.key), value=value_bytes(o.value)))
    if isinstance(o, KvDelete):
        return kv.TxnOp(delete=kv.DeleteRequest(key=key_bytes(o.key), prefix=o.prefix))
    if isinstance(o, KvGet):
        return kv.TxnOp(get=kv.GetRequest(key=key_bytes(o.key)))
    raise invalid(f"a txn op is KvGet, KvPut or KvDelete, got {type(o).__name__}")


def _put_result(reply: kv.PutResponse) -> PutResult:
    previous = _from_proto.key_value(reply.previous) if reply.HasField("previous") else None
    return PutResult(revision=reply.revision, previous=previous)


def _op_result(r: kv.TxnOpResult) -> GetResult | PutResult | DeleteResult:
    kind = r.WhichOneof("kind")
    if kind == "put":
        return _put_result(r.put)
    if kind == "delete":
        return DeleteResult(revision=r.delete.revision, deleted=r.delete.deleted)
    if kind == "get":
        return GetResult(kv=_from_proto.key_value(r.get.kv) if r.get.HasField("kv") else None, revision=r.get.revision)
    raise SdnError(ErrorCode.INTERNAL, "the runtime sent a txn result without a kind")
