"""``simotui serve``: the console in a browser through textual-serve — loopback by default, the
page loads, and over its websocket the dial form takes keys and a call is placed. (A browser is
not at hand here: the websocket is driven as the page's script drives it.)"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from simotui.commands.args import ExitCode
from simotui.commands.serve import is_loopback

from .conftest import simotui, text

ROOT = Path(__file__).resolve().parents[2]
ANSI = re.compile(r"\x1b\[[0-9;?<>]*[ -/]*[@-~]|\x1b\][^\x07]*(\x07|\x1b\\)|\x1b.")
PATIENCE = 60.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served() -> Iterator[int]:
    """``simotui serve --demo`` on a free loopback port, in its own process group."""
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    process = subprocess.Popen(
        [sys.executable, "-m", "simotui", "serve", "--demo", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_only_loopback_unless_asked() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("10.0.0.5")
    result = simotui("serve", "--demo", "--host", "0.0.0.0")
    assert result.returncode == ExitCode.USAGE
    assert "--allow-remote" in text(result)[1]


async def test_the_page_loads_and_the_console_takes_keys(served: int) -> None:
    url = f"http://127.0.0.1:{served}"
    async with aiohttp.ClientSession() as session:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + PATIENCE
        while True:
            try:
                async with session.get(url + "/") as page:
                    assert page.status == 200
                    assert "textual.js" in await page.text()
                    break
            except aiohttp.ClientConnectionError:
                if loop.time() > deadline:
                    raise
                await asyncio.sleep(0.1)
        async with session.ws_connect(f"{url}/ws?width=100&height=30") as ws:
            seen = ""

            async def until(word: str) -> None:
                nonlocal seen
                end = loop.time() + PATIENCE
                while word not in seen:
                    message = await asyncio.wait_for(ws.receive(), end - loop.time())
                    if message.type == aiohttp.WSMsgType.BINARY:
                        seen += ANSI.sub("", message.data.decode("utf-8", "replace"))
                    elif message.type != aiohttp.WSMsgType.TEXT:
                        raise AssertionError(f"the websocket ended ({message.type}) before {word!r}")

            await until("Live calls")
            seen = ""
            await ws.send_str(json.dumps(["stdin", "557\t552\r"]))
            # The confirmation ignores keys typed before it was drawn: wait for it on screen.
            await until("y: dial")
            assert "Dial 557" in seen
            # A y read before the question was drawn answers nothing: send it until one does
            # (the confirmation answers once, whatever else arrives).
            for _ in range(int(PATIENCE)):
                await ws.send_str(json.dumps(["stdin", "y"]))
                try:
                    await asyncio.wait_for(until("Accepted"), 1.0)
                    break
                except TimeoutError:
                    continue
            assert "Accepted" in seen


def test_the_demo_speed_reaches_each_tabs_console() -> None:
    from simotui.cli import build_parser
    from simotui.commands.serve import console_command

    argv = ["serve", "--demo", "--speed", "20"]
    assert console_command(build_parser(argv).parse_args(argv)).endswith("-m simotui --demo --speed 20.0")
    argv = ["serve", "--demo"]
    assert "--speed" not in console_command(build_parser(argv).parse_args(argv))
    result = simotui("serve", "--profile", "x", "--speed", "20")
    assert result.returncode == ExitCode.USAGE
    assert "--demo" in text(result)[1]
