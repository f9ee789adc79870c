"""The soak, bounded to 60 s of dialling: crashes 0, duplicate originates 0, placed but not tracked 0,
journal entries lost 0 — counted against what the simulator's control plane says the PBX got.

``bench/soak.py`` runs the same for ten minutes (``make soak``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.soak import run_soak

SOAK_SECONDS = 60.0


def test_soak_under_every_fault_class(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = run_soak(SOAK_SECONDS, tmp_path, seed=11, say=lambda line: None)
    with capsys.disabled():
        print("\n" + report.text())
    # It did something: a soak that placed nothing would pass vacuously.
    assert report.rounds >= 1 and report.confirmed >= 1 and report.processed >= 1, report.text()
    assert sum(report.faults.values()) >= 1, report.text()
    assert report.figures == (0, 0, 0, 0), report.text()
