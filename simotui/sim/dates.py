"""Dates in the formats Simotel mixes: Jalali local, Gregorian local, Mongo ``$date``, HTTP ``Date``."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from email.utils import formatdate
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import jdatetime

_DATE_RE = re.compile(
    r"^\s*(\d{4})[-/](\d{1,2})[-/](\d{1,2})"
    r"(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.\d+)?)?)?\s*$"
)

#: Years below this are read as Jalali (the client rule of §8.1, applied to requests too).
JALALI_YEAR_LIMIT = 1700


@lru_cache(maxsize=4096)
def _to_jalali(day: date) -> tuple[int, int, int]:
    j = jdatetime.date.fromgregorian(date=day)
    return int(j.year), int(j.month), int(j.day)


@lru_cache(maxsize=4096)
def _from_jalali(year: int, month: int, day: int) -> date:
    g = jdatetime.date(year, month, day).togregorian()
    return date(g.year, g.month, g.day)


def http_date(epoch: float) -> str:
    """RFC 7231 IMF-fixdate (``Mon, 20 May 2024 06:30:00 GMT``) for an HTTP ``Date`` header."""
    return _http_date(int(epoch))


@lru_cache(maxsize=8)
def _http_date(second: int) -> str:
    # Every response carries one; most fall in a second that was already formatted.
    return formatdate(second, usegmt=True)


def jalali_to_gregorian(year: int, month: int, day: int) -> date:
    """Convert a Jalali (Solar Hijri) calendar date to a Gregorian ``date``."""
    return _from_jalali(year, month, day)


def gregorian_to_jalali(day: date) -> tuple[int, int, int]:
    """Convert a Gregorian ``date`` to a Jalali ``(year, month, day)``."""
    return _to_jalali(day)


def local(ts: float, tz: ZoneInfo) -> datetime:
    """The aware local datetime of epoch ``ts`` in ``tz``."""
    return datetime.fromtimestamp(ts, tz)


def jalali(ts: float, tz: ZoneInfo) -> str:
    """``YYYY-MM-DD HH:MM:SS`` in the Jalali calendar, PBX-local time (REST report dates)."""
    dt = local(ts, tz)
    y, m, d = _to_jalali(dt.date())
    return f"{y:04d}-{m:02d}-{d:02d} {dt.hour:02d}:{dt.minute:02d}:{dt.second:02d}"


def gregorian(ts: float, tz: ZoneInfo) -> str:
    """``YYYY-MM-DD HH:MM:SS`` Gregorian, PBX-local time (CDR ``answer``)."""
    return local(ts, tz).strftime("%Y-%m-%d %H:%M:%S")


def gregorian_utc_us(ts: float) -> str:
    """``YYYY-MM-DD HH:MM:SS.ffffff`` in UTC, the webhook date format (§7.1)."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def epoch_ms(ts: float) -> str:
    """Epoch milliseconds as the decimal string Mongo Extended JSON uses."""
    return str(round(ts * 1000))


def mongo_date(ts: float) -> dict[str, Any]:
    """``{"$date":{"$numberLong":"<utc ms>"}}``."""
    return {"$date": {"$numberLong": epoch_ms(ts)}}


def mongo_oid(oid: str) -> dict[str, str]:
    """``{"$oid": "<24 hex>"}``."""
    return {"$oid": oid}


def hhmmss(seconds: int) -> str:
    """``HH:MM:SS`` for a non-negative number of seconds (hours may exceed 99)."""
    seconds = max(0, int(seconds))
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def parse_local(text: str, tz: ZoneInfo, *, end_of_minute: bool = False) -> float:
    """Parse a request date (``YYYY-MM-DD HH:MM[:SS]`` or a bare day) as PBX-local time.

    Years below 1700 are taken as Jalali. When the text has no seconds and
    ``end_of_minute`` is set, the result is the last instant of that minute (or of that
    day for a bare date), so an inclusive ``to`` bound covers it. Raises ``ValueError``.
    """
    # A polling client sends the same range again and again.
    return _parse_local(text, tz, end_of_minute)


@lru_cache(maxsize=512)
def _parse_local(text: str, tz: ZoneInfo, end_of_minute: bool) -> float:
    match = _DATE_RE.match(text)
    if match is None:
        raise ValueError(f"not a date: {text!r}")
    year, month, day = int(match[1]), int(match[2]), int(match[3])
    if year < JALALI_YEAR_LIMIT:
        try:
            gday = _from_jalali(year, month, day)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"not a Jalali date: {text!r}") from exc
    else:
        gday = date(year, month, day)
    hour = int(match[4]) if match[4] is not None else 0
    minute = int(match[5]) if match[5] is not None else 0
    second = int(match[6]) if match[6] is not None else 0
    dt = datetime(gday.year, gday.month, gday.day, hour, minute, second, tzinfo=tz)
    ts = dt.timestamp()
    if end_of_minute:
        if match[4] is None:
            ts += 86400 - 0.001
        elif match[6] is None:
            ts += 59.999
    return ts


def midnight_before(ts: float, tz: ZoneInfo) -> float:
    """The local midnight at or before ``ts``."""
    dt = local(ts, tz)
    return datetime(dt.year, dt.month, dt.day, tzinfo=tz).timestamp()


def next_hour(ts: float, tz: ZoneInfo) -> float:
    """The start of the local hour after the one containing ``ts``."""
    dt = local(ts, tz).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return dt.timestamp()
