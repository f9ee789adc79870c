"""Smart API commands: parsing the ``commands`` string and what running them does to the call.

The web service answers ``{"ok":"1","commands":"PlayAnnouncement('a'); SayNumber(5201); ..."}``
(§7.4). The simulator runs the documented functions in order, each taking virtual time:
``PlayAnnouncement`` the announcement's length (a PBX announcement named or ``id:``-referenced,
else ``PLAY_SECONDS``), ``Playback``/``GetData`` ``PLAY_SECONDS`` (``GetData`` then waits its
timeout: nobody presses keys), the ``Say*`` functions ``SAY_SECONDS``, ``MusicOnHold`` its
duration. ``SetExten`` names the extension to connect, ``SetLimitOnCall`` caps that call,
``ClearUserData`` forgets both, ``Exit(case)`` leaves through an output and ends the run. An
unknown function, bad arguments, or an ``Exit`` to a case the component lacks is an error:
the run stops and the call leaves through output ``e``, as documented.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Virtual seconds a played file takes when its length is unknown.
PLAY_SECONDS = 4
#: Virtual seconds a Say* function takes.
SAY_SECONDS = 2

_CALL = re.compile(r"^\s*([A-Za-z]+)\s*\((.*)\)\s*$", re.S)
_ARG = re.compile(r"""\s*(?:'([^']*)'|"([^"]*)"|‘([^’]*)’|([^,'"]+?))\s*(?:,|$)""")
KNOWN = {
    "PlayAnnouncement",
    "Playback",
    "SayNumber",
    "SayDigit",
    "SayDuration",
    "SayClock",
    "SayDate",
    "GetData",
    "MusicOnHold",
    "SetExten",
    "SetLimitOnCall",
    "ClearUserData",
    "Exit",
}


@dataclass(frozen=True)
class SmartRun:
    """What a run of commands did: how long it took, where the call goes next, any error."""

    seconds: int
    extension: str | None
    """The number to connect (``SetExten``, or the output ``Exit`` chose)."""
    call_limit: int | None
    exit_case: str | None
    error: str = ""


def parse(commands: str) -> list[tuple[str, list[str]]]:
    """``"A('x'); B(1)"`` → ``[("A", ["x"]), ("B", ["1"])]``.

    Raises:
        ValueError: a command that is not ``Name(args)``.
    """
    out: list[tuple[str, list[str]]] = []
    for raw in commands.split(";"):
        if not raw.strip():
            continue
        match = _CALL.match(raw)
        if match is None:
            raise ValueError(f"not a function call: {raw.strip()!r}")
        name, inner = match.group(1), match.group(2)
        args = [next(g for g in m.groups() if g is not None) for m in _ARG.finditer(inner) if m.group(0)]
        out.append((name, [a.strip() for a in args]))
    return out


def run(commands: str, cases: dict[str, str], announcement_seconds: dict[str, int]) -> SmartRun:
    """Run ``commands`` against a component with outputs ``cases`` (see the module docstring)."""
    seconds = 0
    extension: str | None = None
    limit: int | None = None

    def failed(why: str) -> SmartRun:
        return SmartRun(seconds, cases.get("e"), None, "e", why)

    try:
        steps = parse(commands)
    except ValueError as exc:
        return failed(str(exc))
    for name, args in steps:
        if name not in KNOWN:
            return failed(f"unknown function {name}")
        try:
            if name == "PlayAnnouncement":
                key = args[0].removeprefix("id:").removeprefix(":")
                seconds += announcement_seconds.get(key, PLAY_SECONDS)
            elif name == "Playback":
                seconds += PLAY_SECONDS
            elif name.startswith("Say"):
                seconds += SAY_SECONDS
            elif name == "GetData":
                seconds += PLAY_SECONDS + int(args[1])
            elif name == "MusicOnHold":
                seconds += int(args[1])
            elif name == "SetExten":
                extension = args[0]
            elif name == "SetLimitOnCall":
                limit = int(args[0])
            elif name == "ClearUserData":
                extension, limit = None, None
            elif name == "Exit":
                case = args[0]
                if case not in cases:
                    return failed(f"no output {case!r}")
                return SmartRun(seconds, cases[case], limit, case)
        except (IndexError, ValueError):
            return failed(f"bad arguments to {name}")
    return SmartRun(seconds, extension, limit, None)
