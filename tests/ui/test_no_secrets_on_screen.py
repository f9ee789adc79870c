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
