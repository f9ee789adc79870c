"""``simotui serve`` in a real browser: headless Chromium loads the page, the dial form takes the
keys a person types into it, and the call it places reaches ANSWERED in the live panel.

Chromium and its driver are Debian's (``chromium``, ``chromium-driver``; ``.ci/run`` installs
them), driven through Selenium with the driver's path given, so that nothing is downloaded at
run time (Selenium Manager is skipped). Under CI a missing browser fails this test; elsewhere it
skips it. The screen is read from xterm.js's own buffer (its public API), the text the page
draws into its canvas, not from the websocket stream.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from .test_serve import free_port

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
# Generous: CI may be slow and busy. Every wait ends as soon as its state is on screen.
PATIENCE = 90.0
# The demo's simulator at 20× real time: rings and talk (5-60 s) end, and the CDR that makes the
# row ANSWERED comes, within a few seconds.
SPEED = 20
# As root, on a machine whose network is closed: no sandbox, no GPU, and no background
# networking (without those flags many of the browser's own connections are refused or hang).
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    # Room for the console at 100×30 or more.
    "--window-size=1280,900",
)
UNDER_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")

# xterm.js is bundled in textual-serve's script, not on ``window``: the page's Terminal is found
# among the heap's objects (by xterm's public API, tied to the page's #terminal element) once,
# and kept on ``window`` for the reads that follow.
FIND_TERMINAL = """function () {
    const host = document.getElementById("terminal");
    for (const o of this) {
        try {
            if (o && typeof o.rows === "number" && o.buffer && o.buffer.active
                && typeof o.buffer.active.getLine === "function"
                && o.element instanceof HTMLElement && host.contains(o.element)) {
                window.__simotuiTerminal = o;
                return true;
            }
        } catch (e) {}
    }
    return false;
}"""
READ_SCREEN = """
const t = window.__simotuiTerminal, b = t.buffer.active, rows = [];
for (let y = 0; y < t.rows; y++) {
    const line = b.getLine(b.viewportY + y);
    rows.push(line ? line.translateToString(true) : "");
}
return rows.join("\\n");
"""


def chromium_or_skip() -> None:
    """Skip without the browser, except under CI, where its absence is a failure."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.is_file()]
    if not missing:
        return
    message = (
        f"headless Chromium is needed and {', '.join(missing)} is missing: "
        "apt-get install -y --no-install-recommends chromium chromium-driver (.ci/run does this)"
    )
    if UNDER_CI:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture
def served() -> Iterator[str]:
    """``simotui serve --demo --speed 20`` on a free loopback port; its URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "simotui", "serve", "--demo", "--speed", str(SPEED), "--port", str(port)],
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    """Debian's headless Chromium through its own chromedriver, in a fresh profile."""
    chromium_or_skip()
    if not UNDER_CI:
        pytest.importorskip("selenium")
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'chromium-profile'}")
    # A driver path given: Selenium Manager (which would look for, and fetch, a driver) is skipped.
    service = Service(str(CHROMEDRIVER), log_output=subprocess.DEVNULL)
    driver = webdriver.Chrome(options=options, service=service)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for_page(url: str) -> None:
    """Until the server answers (it starts in a process of its own)."""
    deadline = time.monotonic() + PATIENCE
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as page:
                if page.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"simotui serve never answered at {url}")
        time.sleep(0.1)


class Screen:
    """What the page's terminal shows, read from xterm.js's buffer."""

    def __init__(self, driver: Any) -> None:
        self.driver = driver
        self.last = ""

    def find_terminal(self) -> None:
        deadline = time.monotonic() + PATIENCE
        while True:
            group = "simotui-test"
            proto = self.driver.execute_cdp_cmd(
                "Runtime.evaluate", {"expression": "Object.prototype", "objectGroup": group}
            )
            heap = self.driver.execute_cdp_cmd(
                "Runtime.queryObjects",
                {"prototypeObjectId": proto["result"]["objectId"], "objectGroup": group},
            )
            found = self.driver.execute_cdp_cmd(
                "Runtime.callFunctionOn",
                {
                    "objectId": heap["objects"]["objectId"],
                    "functionDeclaration": FIND_TERMINAL,
                    "returnByValue": True,
                },
            )
            self.driver.execute_cdp_cmd("Runtime.releaseObjectGroup", {"objectGroup": group})
            if found["result"].get("value") is True:
                return
            if time.monotonic() > deadline:
                raise AssertionError("the page never made its terminal (xterm.js)")
            time.sleep(0.2)

    def read(self) -> str:
        self.last = str(self.driver.execute_script(READ_SCREEN))
        return self.last

    def until(self, what: str, shown: Callable[[str], bool]) -> str:
        """Read the screen until ``shown`` says yes; fail with the last screen after PATIENCE."""
        deadline = time.monotonic() + PATIENCE
        while not shown(self.read()):
            if time.monotonic() > deadline:
                raise AssertionError(f"never on screen: {what}; the last screen:\n{self.last}")
            time.sleep(0.1)
        return self.last


DIALLED_ROW = re.compile(r"557 → 552\s+(\S+(?: \S+)?)\s{2}")


def test_the_page_loads_the_form_takes_keys_and_the_call_is_answered(browser: Any, served: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    wait_for_page(served)
    browser.get(served)
    screen = Screen(browser)
    screen.find_terminal()
    screen.until("the console (dial form and live panel)", lambda s: "Dial" in s and "Live calls" in s)
    screen.until("an empty live panel", lambda s: "No calls yet" in s)

    # Keys as a person types them into the page: into xterm.js's input (the terminal's own
    # textarea), key by key; Tab moves from Caller to Callee, Enter asks to dial.
    keyboard = browser.find_element(By.CSS_SELECTOR, "#terminal .xterm-helper-textarea")
    keyboard.send_keys("557")
    screen.until("557 in the Caller field", lambda s: re.search(r"Caller\s+557", s) is not None)
    keyboard.send_keys(Keys.TAB, "552")
    screen.until("552 in the Callee field", lambda s: re.search(r"Callee\s+552", s) is not None)
    keyboard.send_keys(Keys.ENTER)
    question = screen.until("the confirmation", lambda s: "y: dial" in s)
    assert "Dial 557 → 552?" in question
    assert '"caller": "557"' in question and '"callee": "552"' in question

    # The confirmation drops a key read before it was drawn; one that raced its drawing is
    # repeated, only while the question is still up (it answers once, whatever else arrives).
    deadline = time.monotonic() + PATIENCE
    while "y: dial" in screen.read():
        if time.monotonic() > deadline:
            raise AssertionError(f"y never answered the confirmation; the last screen:\n{screen.last}")
        keyboard.send_keys("y")
        repeat = time.monotonic() + 2.0
        while time.monotonic() < repeat and "y: dial" in screen.read():
            time.sleep(0.1)

    final = screen.until(
        "the call's row reading answered",
        lambda s: any(m.group(1) == "answered" for m in DIALLED_ROW.finditer(s)),
    )
    # One intent, one call: the panel has exactly one row for it.
    assert len(DIALLED_ROW.findall(final)) == 1, final
    assert "ANSWERED" in final
