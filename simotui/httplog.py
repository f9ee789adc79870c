"""The log of every HTTP exchange with Simotel: a ring buffer to show, and a rotating file.

An entry holds the method, service, status, latency and size — never a header or a body, so no
credential or number can reach the log.
"""

from __future__ import annotations

import io
import logging
import logging.handlers
import os
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from simotui.api.client import Exchange
from simotui.private import private_fd

LOG_BYTES = 1_000_000
LOG_BACKUPS = 3


@dataclass(frozen=True, slots=True)
class LoggedExchange:
    """One exchange and when it finished."""

    at: datetime
    exchange: Exchange

    def line(self) -> str:
        """The exchange as one log line."""
        x = self.exchange
        status = str(x.status) if x.status is not None else (x.error or "failed")
        return f"{x.method} {x.service} {status} {x.elapsed * 1000:.0f}ms {x.size}B"


class HttpLog:
    """Keeps the last ``capacity`` exchanges, and writes each to a rotating file when given one."""

    def __init__(self, capacity: int = 1000) -> None:
        self._entries: deque[LoggedExchange] = deque(maxlen=capacity)
        self._logger: logging.Logger | None = None
        self.total = 0
        """How many exchanges were ever recorded (the buffer keeps the last ``capacity``)."""

    def attach_file(self, path: Path) -> None:
        """Also append every exchange to ``path`` (rotated at 1 MB, 3 backups)."""
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        logger = logging.getLogger(f"simotui.http.{id(self)}")
        logger.propagate = False
        logger.setLevel(logging.INFO)
        handler = _PrivateRotatingHandler(path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        logger.addHandler(handler)
        self._logger = logger

    def close(self) -> None:
        """Close the file, if any."""
        if self._logger is not None:
            for handler in list(self._logger.handlers):
                handler.close()
                self._logger.removeHandler(handler)
            self._logger = None

    def record(self, exchange: Exchange) -> LoggedExchange:
        """Keep one exchange (and write it out)."""
        entry = LoggedExchange(datetime.now(UTC), exchange)
        self._entries.append(entry)
        self.total += 1
        if self._logger is not None:
            self._logger.info(entry.line())
        return entry

    def since(self, seen: int) -> list[LoggedExchange]:
        """The exchanges recorded after the first ``seen`` (those still kept)."""
        missing = self.total - seen
        if missing <= 0:
            return []
        return list(self._entries)[-missing:]

    def __iter__(self) -> Iterator[LoggedExchange]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


class _PrivateRotatingHandler(logging.handlers.RotatingFileHandler):
    """Rotating, and every file it opens (the first and each after a rotation) is 0600."""

    def _open(self) -> io.TextIOWrapper:
        return os.fdopen(private_fd(Path(self.baseFilename), append=True), "a", encoding=self.encoding)
