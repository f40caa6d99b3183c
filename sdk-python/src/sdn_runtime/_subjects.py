"""Pubsub subject and pattern checks: dot-separated non-empty tokens; patterns may
use "*" for one token and ">" as the last token for one or more."""

from __future__ import annotations

from .errors import invalid


def subject(value: object) -> str:
    """A subject to publish on: no wildcards."""
    text = _tokens("subject", value)
    if any(t in ("*", ">") for t in text.split(".")):
        raise invalid(f"subject {text!r} contains a wildcard; wildcards are for subscription patterns")
    return text


def pattern(value: object) -> str:
    """A subscription pattern."""
    text = _tokens("topic pattern", value)
    tokens = text.split(".")
    for i, t in enumerate(tokens):
        if t == ">" and i != len(tokens) - 1:
            raise invalid(f"topic pattern {text!r}: '>' may only be the last token")
        if t not in ("*", ">") and ("*" in t or ">" in t):
            raise invalid(f"topic pattern {text!r}: a wildcard must be a whole token")
    return text


def _tokens(what: str, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise invalid(f"{what} must be a non-empty string, got {value!r}")
    if any(c.isspace() for c in value):
        raise invalid(f"{what} {value!r} contains whitespace")
    if any(t == "" for t in value.split(".")):
        raise invalid(f"{what} {value!r} has an empty token (two dots, or a dot at an end)")
    return value
