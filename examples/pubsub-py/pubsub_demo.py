"""Publish/subscribe between apps through the runtime.

    python pubsub_demo.py subscribe --target localhost:50051 --pattern 'demo.>' --count 3
    python pubsub_demo.py publish   --target localhost:50051 --subject demo.greetings hello world again

A subscriber names subject patterns in its Subscription ("*" one token, ">" the
rest); matching messages arrive on its event stream as PubSubMessage events.
Delivery is at most once, in publish order per publisher.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from collections.abc import Callable, Sequence

from sdn_runtime import App, EventKind, PubSubMessage, SdnError, Subscription, connect


async def subscribe(
    target: str,
    patterns: Sequence[str],
    count: int,
    *,
    token: str | None = None,
    on_ready: Callable[[App], None] | None = None,
) -> list[PubSubMessage]:
    """Receives `count` messages on `patterns` and returns them."""
    received: list[PubSubMessage] = []
    async with await connect(target, token=token, name="pubsub-demo-sub", subscribe=Subscription(kinds=[EventKind.PUBSUB], topics=patterns)) as app:
        if on_ready is not None:
            on_ready(app)
        async for event in app.events():
            if isinstance(event, PubSubMessage):
                received.append(event)
                print(f"{event.subject}: {event.payload.decode(errors='replace')} {dict(event.headers)}")
                if len(received) == count:
                    break
    return received


async def publish(target: str, subject: str, messages: Sequence[str], *, token: str | None = None) -> int:
    """Publishes each message on `subject`; returns how many deliveries the runtime made."""
    delivered = 0
    async with await connect(target, token=token, name="pubsub-demo-pub") as app:
        for i, text in enumerate(messages):
            delivered += await app.publish(subject, text, {"seq": str(i), "content-type": "text/plain"})
    print(f"published {len(messages)} messages on {subject}, {delivered} deliveries")
    return delivered


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="sdn-runtime pubsub demo")
    parser.add_argument("--target", default="localhost:50051")
    parser.add_argument("--token", default=os.environ.get("SDN_RUNTIME_TOKEN"))
    commands = parser.add_subparsers(dest="command", required=True)
    sub = commands.add_parser("subscribe")
    sub.add_argument("--pattern", action="append", default=[], help="subject pattern (repeatable)")
    sub.add_argument("--count", type=int, default=1)
    pub = commands.add_parser("publish")
    pub.add_argument("--subject", required=True)
    pub.add_argument("messages", nargs="+")
    args = parser.parse_args(argv)
    try:
        if args.command == "subscribe":
            asyncio.run(subscribe(args.target, args.pattern or ["demo.>"], args.count, token=args.token))
        else:
            asyncio.run(publish(args.target, args.subject, args.messages, token=args.token))
    except SdnError as e:
        raise SystemExit(str(e)) from None


if __name__ == "__main__":
    main()
