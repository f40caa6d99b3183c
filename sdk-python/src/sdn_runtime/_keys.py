"""KV keys and values: bytes, or text taken as UTF-8."""

from __future__ import annotations

from .errors import invalid


def key_bytes(key: object, what: str = "key") -> bytes:
    if isinstance(key, str):
        key = key.encode()
    if not isinstance(key, bytes):
        raise invalid(f"{what} must be bytes or str, got {type(key).__name__}")
    if what == "key" and not key:
        raise invalid("key must not be empty")
    return key


def value_bytes(value: object) -> bytes:
    return key_bytes(value, "value")
