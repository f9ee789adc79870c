"""Process-wide protections every simotui entry point applies before it reads a secret."""

from __future__ import annotations

import contextlib


def forbid_core_dumps() -> None:
    """Set the soft ``RLIMIT_CORE`` to 0: a core of simotui holds the password, the API key and the
    Basic token in plain memory, and the limit a shell hands us may be unlimited. The soft limit
    is what the kernel checks; the hard one is left for child processes to keep their own."""
    try:
        import resource
    except ImportError:  # not a POSIX system: no core files to forbid
        return
    with contextlib.suppress(ValueError, OSError):
        _soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
        resource.setrlimit(resource.RLIMIT_CORE, (0, hard))
