"""How numbers and durations read on screen."""

from __future__ import annotations

import pytest

from simotui.display import duration, mask_numbers


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("09121234567", "0912***4567"),
        ("557 → 09121234567", "557 → 0912***4567"),
        ("+989121234567", "+989***4567"),
        ('"" <05155252492>', '"" <0515***2492>'),
        ("31041570", "31***70"),
        ("552", "552"),
        ("1795358875.10950", "1795358875.10950"),
        ("orig.call.1795358875.322101", "orig.call.1795358875.322101"),
        ("2026-11-22 13:30:00", "2026-11-22 13:30:00"),
        ("20261122_1795358875.10950.wav", "20261122_1795358875.10950.wav"),
        ("6b0300d3b0a9a306762a06a3", "6b0300d3b0a9a306762a06a3"),
        ("SIP/t1541/09155326344,30,TtKk", "SIP/t1541/0915***6344,30,TtKk"),
    ],
)
def test_masking_hides_phone_numbers_only(text: str, masked: str) -> None:
    assert mask_numbers(text) == masked


def test_durations() -> None:
    assert duration(None) == "—"
    assert duration(59) == "0:59"
    assert duration(3725) == "1:02:05"
