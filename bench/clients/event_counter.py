"""The Python side of the event-stream benchmark: an sdk-python app that counts the
packet-ins it takes from `app.events()`. Same line protocol as
bench/src/clients/event-counter.ts: prints {"ready": true} once subscribed; on
stdin `start throughput` or `start latency` starts a window (latency: each event
records now minus the send time its frame carries, CLOCK_MONOTONIC ns, big-endian
at byte 18), `stop` prints the window as one JSON line, `quit` closes and exits.

    sdk-python/.venv/bin/python bench/clients/event_counter.py --target 127.0.0.1:50051
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
import time

from sdn_runtime import EventKind, Gap, PacketIn, Subscription, connect

#: Where the generator writes the sequence number and the send time (bench/src/loadgen/traffic.ts).
_ETH_TYPE = b"\x88\xb5"
_SENT_NS_OFFSET = 18


class Window:
    def __init__(self, latency: bool) -> None:
        self.latency = latency
        self.events = 0
        self.shed = 0
        self.not_ours = 0
        self.samples_us: list[float] = []
        self.started = time.perf_counter()

    def report(self) -> dict[str, object]:
        seconds = time.perf_counter() - self.started
        return {"events": self.events, "seconds": seconds, "shed": self.shed, "notOurs": self.not_ours, "latency": self.summary() if self.latency else None}

    def summary(self) -> dict[str, float]:
        s = sorted(self.samples_us)
        n = len(s)
        if n == 0:
            return {"count": 0, "p50Us": 0, "p90Us": 0, "p99Us": 0, "p999Us": 0, "maxUs": 0, "meanUs": 0}

        def at(q: float) -> float:
            return s[max(1, math.ceil(q * n)) - 1]

        return {"count": n, "p50Us": at(0.5), "p90Us": at(0.9), "p99Us": at(0.99), "p999Us": at(0.999), "maxUs": s[-1], "meanUs": sum(s) / n}


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", required=True)
    parser.add_argument("--credit", type=int, default=None)
    parser.add_argument("--max-batch", type=int, default=0)
    args = parser.parse_args()
    subscription = Subscription(kinds=[EventKind.PACKET_IN], max_batch=args.max_batch)
    credit = {} if args.credit is None else {"credit": args.credit}
    app = await connect(args.target, name="bench-event-counter-py", subscribe=subscription, reconnect=False, **credit)
    window: Window | None = None

    async def count() -> None:
        nonlocal window
        async for event in app.events():
            w = window
            if w is None:
                continue
            if isinstance(event, PacketIn):
                w.events += 1
                if w.latency:
                    data = event.data
                    if len(data) < _SENT_NS_OFFSET + 8 or data[12:14] != _ETH_TYPE:
                        w.not_ours += 1
                    else:
                        sent = int.from_bytes(data[_SENT_NS_OFFSET : _SENT_NS_OFFSET + 8], "big")
                        w.samples_us.append((time.monotonic_ns() - sent) / 1000)
            elif isinstance(event, Gap):
                w.shed += event.packet_ins_shed

    counter = asyncio.create_task(count())
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    print(json.dumps({"ready": True}), flush=True)
    try:
        while line := (await reader.readline()).decode():
            words = line.split()
            if words[:1] == ["start"]:
                window = Window(latency=words[1:2] == ["latency"])
            elif words == ["stop"] and window is not None:
                report = window.report()
                window = None
                print(json.dumps(report), flush=True)
            elif words == ["quit"]:
                break
    finally:
        counter.cancel()
        await asyncio.gather(counter, return_exceptions=True)
        await app.close()


if __name__ == "__main__":
    asyncio.run(main())
