"""Who is at the console: the operator every journalled request and cancelled confirmation names.

Read once per session from the process's own environment: the OS user, the address an SSH
session came from (``SSH_CLIENT``'s first word; none on a local terminal) and this host. Nothing
here is a proof of identity — it is what the operating system says, kept for "who did what".
"""

from __future__ import annotations

import getpass
import os
import socket
from collections.abc import Mapping
from typing import Any


def current_operator(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """``{"user": ..., "ssh": ..., "host": ...}`` for this process (empty values left out)."""
    env = os.environ if env is None else env
    try:
        user = getpass.getuser()
    except Exception:  # no passwd entry and no LOGNAME/USER (a bare container)
        user = env.get("USER", "") or str(os.getuid())
    ssh = (env.get("SSH_CLIENT", "") or env.get("SSH_CONNECTION", "")).split()
    try:
        host = socket.gethostname()
    except OSError:
        host = ""
    operator = {"user": user, "ssh": ssh[0] if ssh else "", "host": host}
    return {key: value for key, value in operator.items() if value}


def operator_text(operator: Mapping[str, Any]) -> str:
    """``ali@10.0.0.5 (pbx-console)``; ``ali (host)`` locally; ``—`` when unknown (old entries)."""
    user = str(operator.get("user", "") or "")
    if not user and not operator:
        return "—"
    ssh = str(operator.get("ssh", "") or "")
    host = str(operator.get("host", "") or "")
    who = f"{user or '?'}@{ssh}" if ssh else (user or "?")
    return f"{who} ({host})" if host else who
