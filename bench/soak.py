"""The soak for ten minutes (or ``--minutes N``): consoles and CLI dials under every fault class,
killed at random, counted at the simulator's control plane. See ``tests/support/soak.py``.

Run: .venv/bin/python bench/soak.py [--minutes 10] [--seed 1]

Prints each round, then the figures: crashes, duplicate originates, placed but not tracked,
journal entries lost — each must be 0. Exit 1 when one is not.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.soak import run_soak  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="simotui-soak-") as scratch:
        report = run_soak(args.minutes * 60, Path(scratch), seed=args.seed)
    print(report.text())
    return 0 if report.figures == (0, 0, 0, 0) else 1


if __name__ == "__main__":
    sys.exit(main())
