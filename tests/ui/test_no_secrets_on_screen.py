"""No screen shot or snapshot ever shows a credential."""

from __future__ import annotations

from pathlib import Path

import pytest

from simotui.sim import SimConfig

ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULTS = SimConfig()
SECRETS = (DEFAULTS.password, DEFAULTS.api_key)
PICTURES = sorted([*ROOT.glob("screenshots/*.svg"), *ROOT.glob("tests/ui/__snapshots__/**/*.svg")])


def test_there_are_pictures_to_check() -> None:
    assert len(PICTURES) >= 8


@pytest.mark.parametrize("picture", PICTURES, ids=lambda p: p.name)
def test_picture_holds_no_secret(picture: Path) -> None:
    text = picture.read_text(encoding="utf-8")
    for secret in SECRETS:
        assert secret not in text


def fail_holding(basic_token: str) -> None:
    """Fail in a frame whose local holds a secret built at run time (so no source line shows it)."""
    raise RuntimeError("boom")


async def test_a_crash_report_shows_no_locals(sim: object) -> None:
    """Textual's crash report prints each frame's locals — the client, its headers, the parties."""
    from rich.console import Console

    from tests.ui.helpers import app_for

    app = app_for(sim)  # type: ignore[arg-type]
    async with app.run_test() as pilot:
        await pilot.pause()
        try:
            fail_holding("-".join(["top", "secret", "token"]))
        except RuntimeError:
            app._fatal_error()
        console = Console(record=True, width=120)
        for renderable in app._exit_renderables:
            console.print(renderable)
        report = console.export_text()
        app._exit_renderables.clear()
    assert "RuntimeError" in report and "boom" in report
    assert "fail_holding" in report  # the frame is there, its locals are not
    assert "top-secret-token" not in report
