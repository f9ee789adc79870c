"""Files on the PBX: how an upload is named, stored and read (audio length, CSV numbers).

Simotel renames every upload (§5.2, §5.3, §6.4). From the documented answers the simulator
reads the rule as: ``file-<UTC YYYYMMDDHHMMSS>-<5 random digits>-<name>``, where ``<name>`` is
the original file name lower-cased, with everything but letters, digits and ``-`` dropped
(so ``book1.csv`` gives ``book1csv``) and cut to 20 characters; audio is converted to WAV,
which appends ``_.wav`` (``announce.mp3`` → ``...-announcemp3_.wav``); a group CSV keeps
``.csv``; a fax is converted to TIFF and gets the ``sen_`` prefix and ``_.tiff``.
"""

from __future__ import annotations

import csv
import io
import re
import wave
from datetime import UTC, datetime
from typing import Literal

from simotui.sim.models import SoundFile

FileKind = Literal["announcement", "fax", "group", "autodialer-announcement", "music"]

#: Seconds an announcement plays when its upload is not a WAV we can measure.
DEFAULT_SECONDS = 10
_KEEP = re.compile(r"[^a-z0-9-]")


def stem(original: str) -> str:
    """The original name as Simotel keeps it inside the new one."""
    base = original.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return _KEEP.sub("", base)[:20]


def server_name(original: str, kind: FileKind, at: float, digits: int) -> str:
    """The name the PBX gives an upload of ``original`` made at ``at`` (see the module docstring)."""
    stamp = datetime.fromtimestamp(at, UTC).strftime("%Y%m%d%H%M%S")
    name = f"file-{stamp}-{digits:05d}-{stem(original)}"
    if kind == "group":
        return f"{name}.csv"
    if kind == "fax":
        return f"sen_{name}_.tiff"
    return f"{name}_.wav"


def audio_seconds(content: bytes) -> int:
    """Playing time of a WAV upload (whole seconds, at least 1), else ``DEFAULT_SECONDS``."""
    try:
        with wave.open(io.BytesIO(content)) as clip:
            frames, rate = clip.getnframes(), clip.getframerate()
    except (wave.Error, EOFError, ValueError):
        return DEFAULT_SECONDS
    return max(1, round(frames / rate)) if rate else DEFAULT_SECONDS


def csv_numbers(content: bytes) -> list[str]:
    """The phone numbers of a group CSV: every cell made of digits (an optional leading ``+``)."""
    text = content.decode("utf-8-sig", errors="replace")
    numbers: list[str] = []
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            value = cell.strip().lstrip("+")
            if value.isdigit() and value not in numbers:
                numbers.append(value)
    return numbers


def make_file(
    original: str, content: bytes, content_type: str, kind: FileKind, at: float, digits: int
) -> SoundFile:
    """The stored file for one upload."""
    file = SoundFile(server_name(original, kind, at, digits), kind, content, content_type, at)
    if kind in ("announcement", "autodialer-announcement"):
        file.seconds = audio_seconds(content)
    if kind == "group":
        file.numbers = csv_numbers(content)
    return file


#: A one-page blank TIFF (little-endian, 1x1 bilevel), for faxes that were never uploaded.
BLANK_TIFF = (
    b"II*\x00\x08\x00\x00\x00\x08\x00"
    b"\x00\x01\x03\x00\x01\x00\x00\x00\x01\x00\x00\x00"
    b"\x01\x01\x03\x00\x01\x00\x00\x00\x01\x00\x00\x00"
    b"\x02\x01\x03\x00\x01\x00\x00\x00\x01\x00\x00\x00"
    b"\x03\x01\x03\x00\x01\x00\x00\x00\x01\x00\x00\x00"
    b"\x06\x01\x03\x00\x01\x00\x00\x00\x00\x00\x00\x00"
    b"\x11\x01\x04\x00\x01\x00\x00\x00\x6e\x00\x00\x00"
    b"\x16\x01\x03\x00\x01\x00\x00\x00\x01\x00\x00\x00"
    b"\x17\x01\x04\x00\x01\x00\x00\x00\x01\x00\x00\x00"
    b"\x00\x00\x00\x00\x00"
)
