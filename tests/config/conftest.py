"""Isolation: no test here reads or writes the developer's config, journal or environment."""

from __future__ import annotations

from pathlib import Path

import pytest

OVERRIDE_VARIABLES = (
    "SIMOTUI_URL",
    "SIMOTUI_USERNAME",
    "SIMOTUI_PASSWORD",
    "SIMOTUI_API_KEY",
    "SIMOTUI_AUTH",
    "SIMOTUI_PROFILE",
    "SIMOTUI_TIMEZONE",
    "SIMOTUI_POLL_INTERVAL",
)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point SIMOTUI_CONFIG and the XDG directories into tmp_path; clear SIMOTUI_* overrides."""
    monkeypatch.setenv("SIMOTUI_CONFIG", str(tmp_path / "config.toml"))
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    for name in OVERRIDE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return tmp_path
