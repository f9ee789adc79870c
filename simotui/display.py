"""How values read on screen: durations, both calendars, call ids. Pure text, no Textual."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, tzinfo

from simotui.api.dates import format_gregorian, format_jalali
from simotui.api.models import Disposition

DASH = "—"


def duration(value: timedelta | float | int | None) -> str:
    """``m:ss`` below an hour, ``h:mm:ss`` above; a dash for None."""
    if value is None:
        return DASH
    seconds = int(value.total_seconds() if isinstance(value, timedelta) else value)
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{sign}{minutes}:{secs:02d}"


def seconds_precise(value: float) -> str:
    """Route step durations: milliseconds below 10 s, whole seconds above."""
    return f"{value:.3f} s" if value < 10 else f"{value:.0f} s"


def gregorian(moment: datetime | None, tz: tzinfo) -> str:
    """Gregorian PBX-local ``YYYY-MM-DD HH:MM:SS``, or a dash."""
    return format_gregorian(moment, tz) if moment else DASH


def jalali(moment: datetime | None, tz: tzinfo) -> str:
    """Jalali PBX-local ``YYYY-MM-DD HH:MM:SS`` (as the PBX writes it), or a dash."""
    return format_jalali(moment, tz) if moment else DASH


def both_calendars(moment: datetime | None, tz: tzinfo) -> str:
    """``2026-11-22 13:30:00 (1405-09-01)``: Gregorian first, the Jalali date beside it."""
    if moment is None:
        return DASH
    return f"{format_gregorian(moment, tz)}  ({format_jalali(moment, tz)[:10]})"


def clock_time(moment: datetime | None, tz: tzinfo) -> str:
    """``HH:MM:SS`` in PBX-local time, or a dash."""
    return moment.astimezone(tz).strftime("%H:%M:%S") if moment else DASH


def disposition(value: Disposition | None) -> str:
    """The disposition as written, or a dash."""
    return value.value if value is not None else DASH


def short_call_id(call_id: str) -> str:
    """``orig.call.1700000000.123456`` → ``1700000000.123456``: the part that differs."""
    return call_id.removeprefix("orig.call.")


# Phone numbers: runs of 8+ digits standing alone (a dial string's /09.. included). Digits glued to '.',
# ':', '-', '_' or letters are ids, epochs, dates, times or file names (cuid 1700000000.12, ...).
_PHONE = re.compile(r"(?<![\w.:\-])\+?\d{8,}(?![\w.:\-/])")


def mask_number(number: str) -> str:
    """``09121234567`` → ``0912***4567``; shorter numbers keep two digits at each end."""
    keep = 4 if len(number) >= 11 else 2
    return f"{number[:keep]}***{number[-keep:]}"


def mask_numbers(text: str) -> str:
    """Mask every phone number in a text, leaving extensions, ids, dates and times alone."""
    return _PHONE.sub(lambda match: mask_number(match.group(0)), text)


def tries_text(count: int) -> str:
    """``1 try``, ``3 tries``."""
    return f"{count} {'try' if count == 1 else 'tries'}"


# An autodialer report row's own status is how far the autodialer got with the number, not how
# the call went (that is its disposition): "completed" beside FAILED read as a success.
_REPORT_STATUS_WORDS = {"waiting": "queued", "running": "dialling", "completed": "done"}


def report_status(status: str) -> str:
    """The words for an autodialer report row's status (``completed`` → ``done``)."""
    return _REPORT_STATUS_WORDS.get(status, status or DASH)
