"""P1 — start to first frame, and the CLI's ``--help``.

Run: .venv/bin/python bench/p1_startup.py

The console (``simotui --url``, and ``--demo``) and a bare Textual app of the same main widgets are
each started in a pseudo-terminal until their first frame is on it; ``simotui --help`` and
``python -c pass`` are each run to their end. Medians of several runs, interleaved so that a busy
moment hits both sides; printed as ratios to the baseline of the same run.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import PYTHON, Terminal, bare_app, median

from simotui.sim import SimConfig, start_simulator

RUNS = 5


def first_frame(argv: list[str], marker: str, env: dict[str, str]) -> float:
    terminal = Terminal(argv, env).start()
    try:
        return terminal.wait_for(marker)
    finally:
        terminal.stop()


def cpu_of(argv: list[str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure() -> list[tuple[str, float, str, float]]:
    """(what, simotui, baseline name, baseline) rows."""
    sim = start_simulator(SimConfig(seed=1, speed=0, history=200))
    scratch = tempfile.TemporaryDirectory(prefix="simotui-bench-")
    env = {
        "SIMOTUI_PASSWORD": sim.settings.password,
        "SIMOTUI_API_KEY": sim.settings.api_key,
        "SIMOTUI_CONFIG": str(Path(scratch.name) / "none.toml"),
        "XDG_DATA_HOME": scratch.name,
        "XDG_STATE_HOME": scratch.name,
    }
    console = [PYTHON, "-m", "simotui", "--url", sim.url, "--username", sim.settings.username]
    demo = [PYTHON, "-m", "simotui", "--demo"]
    bare, console_frames, demo_frames, help_cpu, pass_cpu = [], [], [], [], []
    try:
        for _ in range(RUNS):
            bare.append(first_frame(bare_app(), "BARE-READY", env))
            console_frames.append(first_frame(console, "Live calls", env))
            demo_frames.append(first_frame(demo, "Live calls", env))
            pass_cpu.append(cpu_of([PYTHON, "-c", "pass"]))
            help_cpu.append(cpu_of([PYTHON, "-m", "simotui", "--help"]))
    finally:
        sim.stop()
        scratch.cleanup()
    return [
        ("start to first frame (console)", median(console_frames), "bare Textual app", median(bare)),
        ("start to first frame (demo)", median(demo_frames), "bare Textual app", median(bare)),
        ("`simotui --help` CPU", median(help_cpu), "`python -c pass`", median(pass_cpu)),
    ]


def main() -> None:
    for what, ours, base_name, base in measure():
        print(f"{what:34} {ours:7.3f} s   {base_name:18} {base:7.3f} s   {ours / base:5.2f}×")


if __name__ == "__main__":
    main()
