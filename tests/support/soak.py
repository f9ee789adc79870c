"""The soak: consoles and CLI dials under every fault class, killed at random, counted at the PBX.

A simulator with its control plane runs with faults of every class on every service — gateway
5xx pages, held requests, resets, truncated and non-JSON answers, Apache 404s, restarts — and on
the originate and campaign-add services also *after* the PBX acted, the case where a careless
client dials twice. Round after round a real console (:mod:`tests.support.soak_console`, the
app headless in its own process) dials direct and campaign calls through the form and the
confirmation and browses reports, and now and then a ``simotui originate --wait`` runs beside it;
each is killed with SIGKILL at a random moment or asked to leave. All of them share one journal.
At the end the faults are cleared and a last console restores the journal and follows every
call to its end. Then the PBX's request log (what it really received and processed) is held up
against the journal:

- **crashes**: a console or CLI that died on its own (a traceback, an exit we did not ask for,
  a hang on a clean exit) or a background worker the app reported dead;
- **duplicate originates**: an intent the PBX processed more than once (originate or campaign
  add with the same unique number), or journalled twice;
- **placed, not tracked**: a request the PBX processed whose journal row is missing, not final,
  or final in a state that says the call was not placed or cannot tell;
- **journal entries lost**: a dial a console reported taken (its journal row written: the console
  says so only once it reads the row back) that has no journal row now. A kill in the milliseconds
  between the confirmation closing and that write loses an intent that placed nothing; it is not
  counted here, and "placed, not tracked" would catch it had anything been sent.

Every figure must be 0. ``gave up`` (final as "no CDR" / "no report") is shown beside them.
Deterministic for a seed in what it asks for; how many rounds fit depends on the machine, which
changes the counts of work done, never the four figures that must be 0.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from simotui.calls.states import CallState
from simotui.sim import SimConfig, SimulatorHandle, start_simulator
from simotui.sim.control import SimControl
from simotui.store.journal import Journal

ROOT = Path(__file__).resolve().parents[2]
PROFILE = "soak"
MUTATING = ("call/originate/act", "autodialer/campaigns/add")
KEY = re.compile(r"09\d{9}")
#: Every fault class, @before and @after where the PBX acts. A held request outlasts the
#: client's 1 s timeout; the PBX restarts every two virtual minutes (12 s at speed 10).
FAULTS = (
    "latency=10ms±10,error5xx=0.05,timeout=0.02,reset=0.03,nonjson=0.02,html404=0.01,"
    "originate:error5xx@before=0.03,originate:error5xx@after=0.06,originate:timeout@after=0.03,"
    "originate:reset@after=0.04,originate:truncate=0.03,originate:nonjson@after=0.02,"
    "campaigns:error5xx@after=0.05,campaigns:reset@after=0.04,campaigns:timeout@after=0.02,"
    "restart_every=120s,restart_down=5s,hold=3s"
)
SPEED = 10.0
REQUEST_TIMEOUT = 1.0
#: Bounds on waiting for a process state; generous, since a loaded machine is slow, not wrong.
READY_PATIENCE = 90.0
EXIT_PATIENCE = 60.0
SETTLE_PATIENCE = 120.0
UNKNOWN_PLACEMENT = {CallState.NO_TRACE.value, CallState.MAYBE_PLACED.value}
GAVE_UP = {CallState.NO_CDR.value, CallState.NO_REPORT.value}


@dataclass
class SoakReport:
    """What the soak did and the four figures that must be 0."""

    seconds: float = 0.0
    rounds: int = 0
    killed: int = 0
    consoles: int = 0
    cli_runs: int = 0
    cli_killed: int = 0
    confirmed: int = 0
    processed: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    finals: Counter[str] = field(default_factory=Counter)
    crashes: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    untracked: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    gave_up: list[str] = field(default_factory=list)

    @property
    def figures(self) -> tuple[int, int, int, int]:
        """(crashes, duplicate originates, placed but not tracked, journal entries lost)."""
        return len(self.crashes), len(self.duplicates), len(self.untracked), len(self.lost)

    def text(self) -> str:
        faults = ", ".join(f"{kind} {count}" for kind, count in sorted(self.faults.items())) or "none"
        finals = ", ".join(f"{state} {count}" for state, count in self.finals.most_common()) or "none"
        crashes, duplicates, untracked, lost = self.figures
        lines = [
            f"soak: {self.seconds:.0f} s, {self.rounds} rounds ({self.consoles} consoles, {self.killed} "
            f"killed), {self.cli_runs} CLI dials ({self.cli_killed} killed)",
            f"  dials confirmed in consoles {self.confirmed}; requests the PBX processed {self.processed}",
            f"  faults injected: {faults}",
            f"  final states: {finals}",
            f"  crashes {crashes} · duplicate originates {duplicates} · placed but not tracked "
            f"{untracked} · journal entries lost {lost}   (gave up: {len(self.gave_up)})",
        ]
        for title, items in (
            ("crash", self.crashes),
            ("duplicate", self.duplicates),
            ("untracked", self.untracked),
            ("lost", self.lost),
            ("gave up", self.gave_up),
        ):
            lines.extend(f"    {title}: {item}" for item in items[:10])
        return "\n".join(lines)


class Child:
    """A process whose stdout lines are collected by a thread, and its stderr kept."""

    def __init__(self, command: list[str], env: dict[str, str], stdin: bool = False) -> None:
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self.stderr = ""
        self._cond = threading.Condition()
        self._readers = [
            threading.Thread(target=self._read_out, daemon=True),
            threading.Thread(target=self._read_err, daemon=True),
        ]
        for reader in self._readers:
            reader.start()
        self.killed = False

    def _read_out(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._cond:
                self.lines.append(line.rstrip("\n"))
                self._cond.notify_all()

    def _read_err(self) -> None:
        assert self.process.stderr is not None
        self.stderr = self.process.stderr.read()

    def wait_line(self, prefix: str, patience: float) -> bool:
        """Whether a line starting with ``prefix`` arrives (False if the process ended first)."""
        deadline = time.monotonic() + patience
        with self._cond:
            while not any(line.startswith(prefix) for line in self.lines):
                left = deadline - time.monotonic()
                if left <= 0 or (self.process.poll() is not None and not self._readers[0].is_alive()):
                    return any(line.startswith(prefix) for line in self.lines)
                self._cond.wait(min(left, 0.5))
            return True

    def kill(self) -> None:
        self.killed = True
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.finish()

    def stop(self, patience: float = EXIT_PATIENCE) -> bool:
        """Close stdin (the console's cue to leave); whether it left within ``patience``."""
        stdin: IO[str] | None = self.process.stdin
        if stdin is not None:
            stdin.close()
        try:
            self.process.wait(patience)
        except subprocess.TimeoutExpired:
            self.kill()
            return False
        self.finish()
        return True

    def finish(self) -> None:
        self.process.wait()
        for reader in self._readers:
            reader.join(10)


@dataclass
class Soak:
    """One soak run: the simulator, the shared journal, and what was seen."""

    workdir: Path
    seed: int = 1
    say: Callable[[str], None] = print
    report: SoakReport = field(default_factory=SoakReport)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.data = self.workdir / "data"
        self.journal_path = self.data / "simotui" / "journal.sqlite3"
        self.journal_path.parent.mkdir(parents=True, exist_ok=True)
        self.responder_port = _free_port()
        self.config_path = self.workdir / "config.toml"
        self.requests: list[dict[str, Any]] = []
        self._seen_seq = -1
        self.confirmed: set[str] = set()

    # -- the pieces ---------------------------------------------------------------------------

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SIMOTUI_")}
        env.update(
            SIMOTUI_CONFIG=str(self.config_path),
            XDG_DATA_HOME=str(self.data),
            XDG_STATE_HOME=str(self.workdir / "state"),
            XDG_CONFIG_HOME=str(self.workdir / "config"),
            PYTHONPATH=os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
            SOAK_PASSWORD="simotel",
            SOAK_KEY="simotui-demo-key",
        )
        return env

    def write_config(self, url: str) -> None:
        self.config_path.write_text(
            f'default_profile = "{PROFILE}"\n\n[profiles.{PROFILE}]\nurl = "{url}"\n'
            'username = "admin"\npassword = "${SOAK_PASSWORD}"\napi_key = "${SOAK_KEY}"\n'
            f"request_timeout = {REQUEST_TIMEOUT}\npoll_interval = 0.5\n\n[profiles.{PROFILE}.dial]\n"
            "call_limit = 60\n",
            encoding="utf-8",
        )
        self.config_path.chmod(0o600)

    def console(self, sim: SimulatorHandle, round_no: int, settle: bool = False) -> Child:
        options = {
            "url": sim.url,
            "journal": str(self.journal_path),
            "profile": PROFILE,
            "responder_port": self.responder_port,
            "request_timeout": REQUEST_TIMEOUT,
            "seed": self.rng.randrange(1 << 30),
            "round": round_no,
            "settle": settle,
        }
        self.report.consoles += 1
        command = [sys.executable, "-m", "tests.support.soak_console", json.dumps(options)]
        return Child(command, self.env(), stdin=True)

    def cli_dial(self, round_no: int, serial: int) -> tuple[Child, str]:
        ending = self.rng.choice(["67", "67", "99", "00"])
        key = f"09{round_no:03d}{9000 + serial:04d}{ending}"
        command = [sys.executable, "-m", "simotui", "originate", "--caller", "557", "--callee", key, "--wait"]
        self.report.cli_runs += 1
        return Child(command, self.env()), key

    def collect_requests(self, control: SimControl) -> None:
        """Keep every mutating request the PBX logged (read as we go: the log is bounded)."""
        # ``since`` is inclusive: ask from the entry after the last one kept.
        for logged in control.requests(since=self._seen_seq + 1):
            if logged.seq <= self._seen_seq:
                continue
            self._seen_seq = logged.seq
            if logged.fault:
                self.report.faults[logged.fault] += 1
            if any(logged.path.endswith(service) for service in MUTATING):
                self.requests.append(
                    {
                        "path": logged.path,
                        "processed": logged.processed,
                        "body": logged.body,
                        "seq": logged.seq,
                    }
                )

    def check_child(self, child: Child, what: str, asked_to_leave: bool) -> None:
        code = child.process.returncode
        if "Traceback" in child.stderr:
            self.report.crashes.append(f"{what}: {child.stderr.strip().splitlines()[-1]}")
        elif asked_to_leave and code != 0 and not child.killed:
            self.report.crashes.append(
                f"{what}: a clean exit ended with {code}: {child.stderr.strip()[-300:]}"
            )
        for line in child.lines:
            if line.startswith("died "):
                self.report.crashes.append(f"{what}: worker died: {line[5:]}")
            if line.startswith("confirmed "):
                self.confirmed.add(line.split()[1])

    # -- the run ------------------------------------------------------------------------------

    def run(self, duration: float) -> SoakReport:
        started = time.monotonic()
        sim = start_simulator(
            SimConfig(
                seed=self.seed,
                speed=SPEED,
                control=True,
                faults=f"{FAULTS},seed={self.seed}",
                component_api_url=f"http://127.0.0.1:{self.responder_port}",
            )
        )
        try:
            self.write_config(sim.url)
            with SimControl(sim.url) as control:
                self._rounds(sim, control, started + duration)
                control.clear_faults()
                self.collect_requests(control)
                self._settle(sim, control)
                self.collect_requests(control)
        finally:
            sim.stop()
        self._count()
        self.report.seconds = time.monotonic() - started
        return self.report

    def _rounds(self, sim: SimulatorHandle, control: SimControl, until: float) -> None:
        round_no = 0
        while time.monotonic() < until:
            round_no += 1
            self.report.rounds += 1
            console = self.console(sim, round_no)
            if not console.wait_line("ready", READY_PATIENCE):
                console.kill()
                self.check_child(console, f"console {round_no}", asked_to_leave=False)
                self.report.crashes.append(f"console {round_no} never came up: {console.stderr[-300:]}")
                continue
            lifetime = min(self.rng.uniform(4.0, 10.0), max(until - time.monotonic(), 1.0))
            cli: tuple[Child, str] | None = None
            if self.rng.random() < 0.5:
                cli = self.cli_dial(round_no, self.report.cli_runs)
            end = time.monotonic() + lifetime
            cli_kill_at = time.monotonic() + self.rng.uniform(0.0, 3.0)
            while time.monotonic() < end:
                time.sleep(0.1)
                if cli is not None and time.monotonic() >= cli_kill_at and cli[0].process.poll() is None:
                    if self.rng.random() < 0.6:
                        cli[0].kill()
                        self.report.cli_killed += 1
                    cli_kill_at = float("inf")
            crash = self.rng.random() < 0.5
            if crash:
                console.kill()
                self.report.killed += 1
            elif not console.stop():
                self.report.crashes.append(f"console {round_no} did not leave within {EXIT_PATIENCE:g} s")
            self.check_child(console, f"console {round_no}", asked_to_leave=not crash)
            if cli is not None:
                try:
                    cli[0].process.wait(EXIT_PATIENCE)
                except subprocess.TimeoutExpired:
                    cli[0].kill()
                    self.report.cli_killed += 1
                cli[0].finish()
                self.check_child(cli[0], f"CLI dial {cli[1]}", asked_to_leave=False)
            self.collect_requests(control)
            self.say(
                f"round {round_no}: {'killed' if crash else 'left'} · "
                f"{sum(1 for line in console.lines if line.startswith('confirmed'))} dials confirmed"
            )

    def _settle(self, sim: SimulatorHandle, control: SimControl) -> None:
        console = self.console(sim, 0, settle=True)
        settled = console.wait_line("settled", SETTLE_PATIENCE)
        if not console.stop():
            self.report.crashes.append("the settling console did not leave")
        self.check_child(console, "settling console", asked_to_leave=True)
        if not settled:
            self.say("the settling console did not see every call final in time")
            for line in console.lines:
                if line.startswith("pending"):
                    self.say("  " + line)

    def _count(self) -> None:
        report = self.report
        with Journal(self.journal_path) as journal:
            entries = journal.history(limit=1_000_000)
        by_key: dict[str, list[Any]] = {}
        for entry in entries:
            keys = set(KEY.findall(json.dumps(entry.request, default=dict)))
            for key in keys:
                by_key.setdefault(key, []).append(entry)
        for key, rows in by_key.items():
            if len(rows) > 1:
                report.duplicates.append(f"{key}: journalled {len(rows)} times")
        processed: Counter[str] = Counter()
        for request in self.requests:
            if not request["processed"]:
                continue
            for key in set(KEY.findall(json.dumps(request["body"]))):
                processed[key] += 1
        report.processed = sum(processed.values())
        for key, count in processed.items():
            if count > 1:
                seen = [
                    f"#{r['seq']} {r['path'].rsplit('/', 2)[-2]} {r['fault'] or 'ok'}"
                    for r in self.requests
                    if r["processed"] and key in json.dumps(r["body"])
                ]
                report.duplicates.append(f"{key}: the PBX processed {count} requests ({', '.join(seen)})")
            rows = by_key.get(key, [])
            if not rows:
                report.untracked.append(f"{key}: processed by the PBX, not in the journal")
                continue
            row = rows[-1]
            report.finals[row.state] += 1
            if not row.final:
                report.untracked.append(f"{key}: still {row.state!r} after settling")
            elif row.state in UNKNOWN_PLACEMENT or CallState(row.state).placed is False:
                report.untracked.append(f"{key}: placed, but the journal says {row.state!r}")
            elif row.state in GAVE_UP:
                report.gave_up.append(f"{key}: {row.state}")
        for entry in entries:
            if not any(key in processed for key in KEY.findall(json.dumps(entry.request, default=dict))):
                report.finals[entry.state] += 1
        for key in sorted(self.confirmed):
            if key not in by_key:
                report.lost.append(f"{key}: confirmed in a console, no journal row")
        report.confirmed = len(self.confirmed)


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run_soak(duration: float, workdir: Path, seed: int = 1, say: Callable[[str], None] = print) -> SoakReport:
    """Run the soak for about ``duration`` seconds of dialling (plus the settling) in ``workdir``."""
    return Soak(workdir, seed=seed, say=say).run(duration)
