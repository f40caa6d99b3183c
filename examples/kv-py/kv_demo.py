"""The runtime's key-value store from an app: put/get, a counter incremented with
optimistic transactions (compare the version, retry on conflict), and a watch that
sees every change.

    python kv_demo.py --target localhost:50051 --prefix demo/ --increments 5
"""

from __future__ import annotations

import argparse
import asyncio
import os

from sdn_runtime import App, CompareTarget, KvChange, KvCompare, KvPut, SdnError, connect


async def increment(app: App, key: str) -> int:
    """Adds one to the decimal counter at `key`, retrying when another writer won."""
    while True:
        current = await app.kv.get(key)
        value = int(current.value) if current is not None else 0
        version = current.version if current is not None else 0
        result = await app.kv.txn(
            compares=[KvCompare(key, CompareTarget.VERSION, "==", number=version)],
            success=[KvPut(key, str(value + 1))],
        )
        if result.succeeded:
            return value + 1


async def watch_changes(app: App, prefix: str, after: int, count: int) -> list[KvChange]:
    """The first `count` changes under `prefix` after revision `after`."""
    changes: list[KvChange] = []
    async for change in app.kv.watch(prefix, prefix=True, start_revision=after):
        changes.append(change)
        print(f"revision {change.kv.mod_revision}: {change.type.value} {change.kv.key.decode()} = {change.kv.value.decode()}")
        if len(changes) == count:
            break
    return changes


async def run(target: str, *, prefix: str = "demo/", increments: int = 3, token: str | None = None) -> int:
    """Writes a greeting, increments `prefix`counter `increments` times from two
    concurrent workers, watches it all; returns the final counter value."""
    async with await connect(target, token=token, name="kv-demo") as app:
        start = await app.kv.put(prefix + "greeting", "hello")
        greeting = await app.kv.get(prefix + "greeting")
        print(f"{prefix}greeting = {greeting.value.decode() if greeting else None!r} (revision {start.revision})")
        watcher = asyncio.create_task(watch_changes(app, prefix, start.revision, increments))
        counter = prefix + "counter"
        first_half = increments // 2
        await asyncio.gather(
            *(increment(app, counter) for _ in range(first_half)),
            *(increment(app, counter) for _ in range(increments - first_half)),
        )
        await watcher
        final = await app.kv.get(counter)
        return int(final.value) if final is not None else 0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="sdn-runtime KV demo")
    parser.add_argument("--target", default="localhost:50051")
    parser.add_argument("--token", default=os.environ.get("SDN_RUNTIME_TOKEN"))
    parser.add_argument("--prefix", default="demo/")
    parser.add_argument("--increments", type=int, default=3)
    args = parser.parse_args(argv)
    try:
        value = asyncio.run(run(args.target, prefix=args.prefix, increments=args.increments, token=args.token))
    except SdnError as e:
        raise SystemExit(str(e)) from None
    print(f"counter = {value}")


if __name__ == "__main__":
    main()
