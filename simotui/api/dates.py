"""Simotel's date formats: Jalali and Gregorian local strings, Mongo ``$date``, epochs.

Simotel mixes calendars inside one record (reference §8.1–8.4): report strings such as ``start``
are Jalali in PBX-local time, CDR ``answer`` is Gregorian local time, embedded ``$date`` values are
UTC epoch milliseconds, and request ``date_range`` values are Gregorian local time without seconds.
Every parsed value becomes a timezone-aware :class:`datetime`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jdatetime

DEFAULT_PBX_TIMEZONE = "Asia/Tehran"

# A year below this is Jalali: the PBX calendar is configurable (Shamsi or Gregorian), so the
# client detects it per value instead of trusting a setting (reference §8.1).
JALALI_YEAR_LIMIT = 1700

_LOCAL_STRING = re.compile(
    r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?\s*$"
)


@lru_cache(maxsize=16)
def pbx_zone(name: str) -> ZoneInfo:
    """Return the zone for a PBX time-zone name, raising ValueError for an unknown one."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def parse_local_string(text: str, tz: tzinfo) -> datetime:
    """Parse ``YYYY-MM-DD[ HH:MM[:SS[.ffffff]]]`` in PBX-local time, Jalali when the year < 1700.

    Raises:
        ValueError: the text is not such a date, or names a day that does not exist.
    """
    match = _LOCAL_STRING.match(text)
    if match is None:
        # Tolerate ISO 8601 with an offset, which some proxies and newer builds emit.
        try:
            parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"not a date: {text!r}") from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)
    year, month, day = int(match[1]), int(match[2]), int(match[3])
    hour = int(match[4] or 0)
    minute = int(match[5] or 0)
    second = int(match[6] or 0)
    micro = int((match[7] or "0").ljust(6, "0"))
    if year < JALALI_YEAR_LIMIT:
        try:
            gregorian = jdatetime.date(year, month, day).togregorian()
        except (ValueError, OverflowError) as exc:
            raise ValueError(f"not a Jalali date: {text!r}") from exc
        year, month, day = gregorian.year, gregorian.month, gregorian.day
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=tz)


def parse_epoch(value: float) -> datetime:
    """Turn epoch seconds, or milliseconds when the number is that large, into a UTC datetime."""
    seconds = value / 1000 if abs(value) >= 1e11 else value
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise ValueError(f"epoch out of range: {value!r}") from exc


def parse_mongo_date(value: Mapping[str, Any]) -> datetime:
    """Parse ``{"$date": {"$numberLong": "<ms>"}}`` and its relaxed forms into a UTC datetime."""
    inner = value.get("$date")
    if isinstance(inner, Mapping):
        inner = inner.get("$numberLong")
    if isinstance(inner, bool):
        raise ValueError("a boolean is not a date")
    if isinstance(inner, int | float):
        return _from_millis(int(inner))
    if isinstance(inner, str):
        stripped = inner.strip()
        if re.fullmatch(r"-?\d+", stripped):
            return _from_millis(int(stripped))
        parsed = datetime.fromisoformat(stripped.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise ValueError("$date holds no number")


def _from_millis(millis: int) -> datetime:
    try:
        return datetime.fromtimestamp(millis / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise ValueError(f"epoch out of range: {millis!r}") from exc


def parse_pbx_time(value: Any, tz: tzinfo) -> datetime | None:
    """Parse any date Simotel sends into an aware datetime; ``None`` or ``""`` mean no date.

    Raises:
        ValueError: the value is present but is not a date.
    """
    if value is None:
        return None
    if isinstance(value, str):
        if not value.strip():
            return None
        return parse_local_string(value, tz)
    if isinstance(value, Mapping):
        if "$date" in value:
            return parse_mongo_date(value)
        raise ValueError("an object without $date is not a date")
    if isinstance(value, bool):
        raise ValueError("a boolean is not a date")
    if isinstance(value, int | float):
        return parse_epoch(value)
    raise ValueError(f"a {type(value).__name__} is not a date")


def format_request_time(moment: datetime, tz: tzinfo) -> str:
    """Render a moment as a request ``date_range`` value: Gregorian PBX-local ``YYYY-MM-DD HH:MM``."""
    local = moment.astimezone(tz) if moment.tzinfo else moment.replace(tzinfo=tz)
    return local.strftime("%Y-%m-%d %H:%M")


def format_jalali(moment: datetime, tz: tzinfo) -> str:
    """Render a moment as the PBX shows it: Jalali ``YYYY-MM-DD HH:MM:SS`` in PBX-local time."""
    local = moment.astimezone(tz)
    jalali = jdatetime.date.fromgregorian(date=local.date())
    return f"{jalali.year:04d}-{jalali.month:02d}-{jalali.day:02d} {local:%H:%M:%S}"


def format_gregorian(moment: datetime, tz: tzinfo) -> str:
    """Render a moment as Gregorian ``YYYY-MM-DD HH:MM:SS`` in PBX-local time."""
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
