"""Files only their owner may read: exports, recordings, logs — they hold phone numbers."""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_MODE = 0o600


def private_fd(path: Path, *, append: bool = False) -> int:
    """A descriptor open for writing on ``path``, created 0600 whatever the umask; an existing file
    is made 0600 too (a file about to be filled with numbers must not stay world-readable).
    Wrap it with ``os.fdopen``."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
    fd = os.open(path, flags, PRIVATE_MODE)
    try:
        os.fchmod(fd, PRIVATE_MODE)
    except BaseException:
        os.close(fd)
        raise
    return fd
