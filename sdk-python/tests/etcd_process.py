"""Starts one real etcd member (Debian's etcd-server) on loopback ports the OS
chose, for the integration tests of mastership. Fails with the install command
when etcd is missing, never skips."""

from __future__ import annotations

import asyncio
import shutil
import socket
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ETCD = Path("/usr/bin/etcd")
INSTALL_HINT = "install it with: sudo bash scripts/install-system-deps.sh (Debian packages etcd-server, etcd-client)"
STARTUP = 30.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class EtcdProcess:
    process: asyncio.subprocess.Process
    data_dir: str
    client_port: int

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.client_port}"

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
        shutil.rmtree(self.data_dir, ignore_errors=True)


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as r:
            return b'"true"' in r.read()
    except OSError:
        return False


async def start_etcd() -> EtcdProcess:
    """One member, its data in a temp folder; returns once it answers /health (bounded by STARTUP s)."""
    if not ETCD.is_file():
        raise AssertionError(f"{ETCD} is missing; {INSTALL_HINT}")
    data_dir = tempfile.mkdtemp(prefix="sdn-etcd-sdkpy-")
    client, peer = _free_port(), _free_port()
    client_url, peer_url = f"http://127.0.0.1:{client}", f"http://127.0.0.1:{peer}"
    process = await asyncio.create_subprocess_exec(
        str(ETCD), "--name", "m0", "--data-dir", f"{data_dir}/m0",
        "--listen-client-urls", client_url, "--advertise-client-urls", client_url,
        "--listen-peer-urls", peer_url, "--initial-advertise-peer-urls", peer_url,
        "--initial-cluster", f"m0={peer_url}", "--logger", "zap", "--log-level", "warn",
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    etcd = EtcdProcess(process, data_dir, client)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STARTUP
    while not await asyncio.to_thread(_healthy, client):
        if process.returncode is not None or loop.time() > deadline:
            await etcd.stop()
            raise AssertionError(f"etcd did not become healthy within {STARTUP} s (exit {process.returncode})")
        await asyncio.sleep(0.1)
    return etcd
