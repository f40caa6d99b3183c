"""Starts a real `sdn-runtime serve` (runtime/dist) for the integration tests, and a
TCP proxy a test can cut to break an app's connection."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
MAIN = ROOT / "runtime" / "dist" / "cli" / "main.js"
STARTUP = 15.0


def _address(value: object, what: str, line: dict[str, Any]) -> tuple[str, int]:
    if not isinstance(value, str) or ":" not in value:
        raise AssertionError(f"the runtime's serving log line has no usable {what!r} address (a runtime without the gRPC API?): {line}")
    host, _, port = value.rpartition(":")
    host = host.strip("[]")
    return ("127.0.0.1" if host in ("0.0.0.0", "::", "") else host), int(port)


@dataclass
class RuntimeProcess:
    process: asyncio.subprocess.Process
    data_dir: str
    serving: dict[str, Any]
    lines: list[dict[str, Any]] = field(default_factory=list)
    _drain: asyncio.Task[None] | None = None

    @property
    def grpc_target(self) -> str:
        host, port = _address(self.serving.get("grpc"), "grpc", self.serving)
        return f"{host}:{port}"

    @property
    def openflow_port(self) -> int:
        return _address(self.serving.get("openflow"), "openflow", self.serving)[1]

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 10)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        if self._drain is not None:
            await asyncio.gather(self._drain, return_exceptions=True)
        shutil.rmtree(self.data_dir, ignore_errors=True)


async def start_runtime(*extra: str, env: Mapping[str, str] | None = None) -> RuntimeProcess:
    """Runs `node runtime/dist/cli/main.js serve` on ephemeral ports with JSON logs
    (and `env` added to the environment) and waits for its "sdn-runtime serving"
    line. Fails with a message naming what is missing (node, the build)."""
    node = shutil.which("node")
    if node is None:
        raise AssertionError("node is not on PATH: the integration tests run the real runtime")
    if not MAIN.is_file():
        raise AssertionError(f"{MAIN} is missing: build the runtime first (npx tsc -b at the repo root)")
    data_dir = tempfile.mkdtemp(prefix="sdn-runtime-sdkpy-")
    # --no-topology: the fake switches script what they expect; topology's LLDP flow and probes would be traffic they do not.
    args = [str(MAIN), "serve", "--openflow-port", "0", "--grpc-port", "0", "--http-port", "0", "--log-format", "json",
            "--openflow-host", "127.0.0.1", "--http-host", "127.0.0.1", "--data-dir", data_dir, "--no-topology", *extra]  # fmt: skip
    process = await asyncio.create_subprocess_exec(node, *args, cwd=ROOT, stdin=asyncio.subprocess.DEVNULL,
                                                   stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
                                                   env={**os.environ, "NO_COLOR": "1", **(env or {})})  # fmt: skip
    assert process.stderr is not None
    lines: list[dict[str, Any]] = []
    stderr = process.stderr

    async def serving() -> dict[str, Any]:
        while True:
            raw = await stderr.readline()
            if not raw:
                raise AssertionError(f"the runtime exited ({await process.wait()}) before serving: {lines}")
            try:
                line = json.loads(raw)
            except json.JSONDecodeError:
                lines.append({"text": raw.decode(errors="replace")})
                continue
            lines.append(line)
            if line.get("msg") == "sdn-runtime serving":
                return dict(line)

    try:
        first = await asyncio.wait_for(serving(), STARTUP)
    except BaseException:
        if process.returncode is None:
            process.kill()
        await process.wait()
        shutil.rmtree(data_dir, ignore_errors=True)
        raise
    runtime = RuntimeProcess(process, data_dir, first, lines)

    async def drain() -> None:
        while raw := await stderr.readline():
            try:
                lines.append(json.loads(raw))
            except json.JSONDecodeError:
                lines.append({"text": raw.decode(errors="replace")})

    runtime._drain = asyncio.create_task(drain())
    return runtime


class Proxy:
    """A loopback TCP proxy to `target`. `cut()` closes every connection through it,
    which breaks a gRPC stream as a network would; while `refusing`, new connections
    are closed at once (the runtime looks unreachable)."""

    def __init__(self, target: str) -> None:
        host, _, port = target.rpartition(":")
        self._target = (host, int(port))
        self._server: asyncio.Server | None = None
        self._writers: list[asyncio.StreamWriter] = []
        self.port = 0
        self.refusing = False

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    def cut(self) -> None:
        for w in self._writers:
            w.transport.abort()
        self._writers.clear()

    async def stop(self) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.refusing:
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self._target)
        except OSError:
            writer.transport.abort()
            return
        self._writers += [writer, up_writer]
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer), return_exceptions=True)


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
    finally:
        writer.transport.abort()
