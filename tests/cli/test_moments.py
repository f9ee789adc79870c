"""``--since`` / ``--until`` words and dates, in the PBX's time zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from simotui.api.dates import pbx_zone
from simotui.commands.common import UsageError, parse_moment

TEHRAN = pbx_zone("Asia/Tehran")
# 22:00 UTC is already the next day in Tehran (+03:30).
NOW = datetime(2026, 3, 1, 22, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "end", "expected"),
    [
        ("today", False, datetime(2026, 3, 2, 0, 0, tzinfo=TEHRAN)),
        ("today", True, datetime(2026, 3, 2, 23, 59, tzinfo=TEHRAN)),
        ("Yesterday", False, datetime(2026, 3, 1, 0, 0, tzinfo=TEHRAN)),
        ("yesterday", True, datetime(2026, 3, 1, 23, 59, tzinfo=TEHRAN)),
        ("now", True, datetime(2026, 3, 2, 1, 30, tzinfo=TEHRAN)),
        ("2026-02-10", False, datetime(2026, 2, 10, 0, 0, tzinfo=TEHRAN)),
        ("2026-02-10", True, datetime(2026, 2, 10, 23, 59, tzinfo=TEHRAN)),
        ("2026-02-10 08:15", True, datetime(2026, 2, 10, 8, 15, tzinfo=TEHRAN)),
        ("2026-02-10T08:15", False, datetime(2026, 2, 10, 8, 15, tzinfo=TEHRAN)),
    ],
)
def test_moments(text: str, end: bool, expected: datetime) -> None:
    assert parse_moment(text, TEHRAN, NOW, end=end) == expected


@pytest.mark.parametrize("text", ["", "tomorrow", "2026-13-01", "2026-02-10 25:00", "10/02/2026"])
def test_bad_moments(text: str) -> None:
    with pytest.raises(UsageError, match="not a date"):
        parse_moment(text, TEHRAN, NOW, end=False)
