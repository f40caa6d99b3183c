"""`app.plugins` through a real runtime, with a component built from the runtime's
echo test guest (runtime/src/plugins/testing/guests, built by node)."""

from __future__ import annotations

import asyncio
import json
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from sdn_runtime import ErrorCode, PluginStateChange, PluginState, SdnError, connect
from tests.runtime_process import ROOT, RuntimeProcess, start_runtime

ADMIN = "sdk-py-plugins-admin-0123456789"
READER = "sdk-py-plugins-reader-0123456789"
GUESTS = ROOT / "runtime" / "dist" / "plugins" / "testing" / "guests.js"


def manifest(version: str) -> str:
    return json.dumps({"name": "echo", "version": version, "component": "echo.wasm", "capabilities": ["openflow"], "subscriptions": {"kinds": ["packet-in"]}})


async def build_echo() -> bytes:
    """The echo test guest as a component (componentize-qjs through the runtime's test helper)."""
    node = shutil.which("node")
    if node is None or not GUESTS.is_file():
        raise AssertionError(f"building the test plugin needs node and {GUESTS} (build the runtime: npx tsc -b)")
    script = "const m = await import(process.argv[1]); process.stdout.write(Buffer.from(await m.buildGuest('echo')));"
    process = await asyncio.create_subprocess_exec(node, "--input-type=module", "-e", script, GUESTS.as_uri(), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await process.communicate()
    if process.returncode != 0:
        raise AssertionError(f"building the echo guest failed: {err.decode(errors='replace')}")
    return out


@pytest.fixture
async def runtime_with_tokens(tmp_path: Path) -> AsyncIterator[RuntimeProcess]:
    folder = Path(tempfile.mkdtemp(prefix="sdk-py-plugins-"))
    tokens = folder / "tokens.json"
    tokens.write_text(json.dumps([{"name": "admin", "token": ADMIN, "scopes": ["admin"]}, {"name": "reader", "token": READER, "scopes": ["events:read"]}]))
    # The test writes plugin folders into its tmp_path (the same one): the runtime may load from it.
    process = await start_runtime(env={"SDN_RUNTIME_TOKENS_FILE": str(tokens), "SDN_RUNTIME_PLUGIN_LOAD_DIRS": str(tmp_path)})
    try:
        yield process
    finally:
        await process.stop()
        shutil.rmtree(folder, ignore_errors=True)


async def next_change(watch: AsyncIterator[PluginStateChange]) -> PluginStateChange:
    return await asyncio.wait_for(anext(watch), 20)


async def test_plugins_need_the_admin_scope(runtime_with_tokens: RuntimeProcess) -> None:
    async with await connect(runtime_with_tokens.grpc_target, token=READER) as reader:
        with pytest.raises(SdnError) as refused:
            await reader.plugins.list()
        assert refused.value.code == ErrorCode.PERMISSION_DENIED
        assert 'Plugins.List needs the scope "admin"' in refused.value.message
        with pytest.raises(SdnError) as watch_refused:
            await anext(reader.plugins.watch())
        assert watch_refused.value.code == ErrorCode.PERMISSION_DENIED


async def test_upload_watch_reject_reload_unload(runtime_with_tokens: RuntimeProcess, tmp_path: Path) -> None:
    echo = await build_echo()
    async with await connect(runtime_with_tokens.grpc_target, token=ADMIN) as app:
        assert await app.plugins.list() == []
        uploaded = await app.plugins.upload(manifest("1"), echo, timeout=60)
        assert (uploaded.name, uploaded.version, uploaded.state) == ("echo", "1", PluginState.RUNNING)
        assert uploaded.counters.faults == {"deadline": 0, "trap": 0, "crash": 0, "init": 0}

        watch = app.plugins.watch()
        current = await next_change(watch)
        assert (current.name, current.version, current.state, current.current) == ("echo", "1", PluginState.RUNNING, True)

        bad = tmp_path / "echo-bad"
        bad.mkdir()
        (bad / "plugin.json").write_text(manifest("2"))
        (bad / "echo.wasm").write_bytes(b"\0asm but not really")
        with pytest.raises(SdnError) as rejected:
            await app.plugins.load(str(bad))
        assert rejected.value.code == ErrorCode.INVALID
        assert rejected.value.message.endswith("; version 1 keeps running")
        change = await next_change(watch)
        assert (change.version, change.state, change.previous, change.current) == ("2", PluginState.RUNNING, PluginState.RUNNING, False)
        assert change.error is not None and change.error.cause == "load"

        status = await app.plugins.get("echo")
        assert (status.version, status.state) == ("1", PluginState.RUNNING)
        assert status.last_error is not None and status.last_error.cause == "load"

        assert (await app.plugins.reload("echo")).version == "1"
        assert (await next_change(watch)).reason == "version 1 swapped in"
        assert (await app.plugins.unload("echo")).version == "1"
        assert (await next_change(watch)).state == PluginState.UNLOADED
        await watch.aclose()

        for call in (app.plugins.get("echo"), app.plugins.load(str(tmp_path / "nowhere"))):
            with pytest.raises(SdnError) as missing:
                await call
            assert missing.value.code == ErrorCode.NOT_FOUND
        with pytest.raises(SdnError) as empty:
            await app.plugins.get("")
        assert empty.value.code == ErrorCode.INVALID
