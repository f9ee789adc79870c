"""The dial form's rules: turning typed fields into an OriginateRequest, or messages per field.

Pure logic, shared by the console and the command line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from simotui.api.models import OriginateRequest
from simotui.settings import DialDefaults

FIELDS = ("caller", "callee", "context", "caller_id", "trunk_name", "timeout", "call_limit")
LABELS = {
    "caller": "Caller",
    "callee": "Callee",
    "context": "Context",
    "caller_id": "Caller ID",
    "trunk_name": "Trunk",
    "timeout": "Timeout",
    "call_limit": "Limit",
}
# Extensions are short; anything longer is reached through a trunk (reference §3.1).
MAX_EXTENSION_DIGITS = 5
TIMEOUT_RANGE = (5, 300)
CALL_LIMIT_RANGE = (1, 86_400)
_NUMBER = re.compile(r"^\d{1,20}$")
_NAME = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")


def is_pstn_number(number: str) -> bool:
    """Whether a number is a PSTN number rather than an extension."""
    return len(number) > MAX_EXTENSION_DIGITS


@dataclass(frozen=True, slots=True)
class DialCheck:
    """The outcome of checking the form: a request, or one message per bad field."""

    request: OriginateRequest | None
    errors: Mapping[str, str]


def check_dial(values: Mapping[str, str]) -> DialCheck:
    """Check typed values (field name → text) and build the originate request.

    ``caller_id`` left empty presents the caller's own number.
    """
    text = {name: values.get(name, "").strip() for name in FIELDS}
    errors: dict[str, str] = {}
    for name in ("caller", "callee"):
        if not text[name]:
            errors[name] = "required"
        elif not _NUMBER.match(text[name]):
            errors[name] = "digits only (no spaces, + or -)"
    if not text["context"]:
        errors["context"] = "required (e.g. main_routing)"
    elif not _NAME.match(text["context"]):
        errors["context"] = "letters, digits, _ . - only"
    if text["caller_id"] and not _NAME.match(text["caller_id"]):
        errors["caller_id"] = "letters, digits, _ . - only"
    if text["trunk_name"] and not _NAME.match(text["trunk_name"]):
        errors["trunk_name"] = "letters, digits, _ . - only"
    elif "caller" not in errors and is_pstn_number(text["caller"]) and not text["trunk_name"]:
        errors["trunk_name"] = "a PSTN caller needs a trunk"
    timeout = _whole_number(text["timeout"], TIMEOUT_RANGE, "timeout", errors, required=True)
    call_limit = _whole_number(text["call_limit"], CALL_LIMIT_RANGE, "call_limit", errors, required=False)
    if errors:
        return DialCheck(None, errors)
    request = OriginateRequest(
        caller=text["caller"],
        callee=text["callee"],
        context=text["context"],
        caller_id=text["caller_id"] or text["caller"],
        trunk_name=text["trunk_name"],
        timeout=timeout,
        call_limit=call_limit,
    )
    return DialCheck(request, {})


def _whole_number(
    text: str, bounds: tuple[int, int], name: str, errors: dict[str, str], *, required: bool
) -> int | None:
    low, high = bounds
    if not text:
        if required:
            errors[name] = f"required ({low}–{high} s)"
        return None
    if not text.isdigit():
        errors[name] = f"whole seconds, {low}–{high}"
        return None
    value = int(text)
    if not low <= value <= high:
        errors[name] = f"must be {low}–{high} s"
        return None
    return value


def form_values(request: OriginateRequest) -> dict[str, str]:
    """The form fields that reproduce a request (for redial, swap and prefill)."""
    return {
        "caller": request.caller,
        "callee": request.callee,
        "context": request.context,
        "caller_id": "" if request.caller_id == request.caller else request.caller_id,
        "trunk_name": request.trunk_name,
        "timeout": "" if request.timeout is None else str(request.timeout),
        "call_limit": "" if request.call_limit is None else str(request.call_limit),
    }


def default_values(defaults: DialDefaults) -> dict[str, str]:
    """The form fields of an empty dial."""
    return {
        "caller": "",
        "callee": "",
        "context": defaults.context,
        "caller_id": defaults.caller_id,
        "trunk_name": defaults.trunk_name,
        "timeout": str(defaults.timeout),
        "call_limit": "" if defaults.call_limit is None else str(defaults.call_limit),
    }


def swapped(request: OriginateRequest) -> OriginateRequest:
    """The same call with its legs swapped: the callee is rung first.

    A caller ID that was the old caller's own number follows the new caller; a masking
    number stays.
    """
    caller_id = request.callee if request.caller_id == request.caller else request.caller_id
    return OriginateRequest(
        caller=request.callee,
        callee=request.caller,
        context=request.context,
        caller_id=caller_id,
        trunk_name=request.trunk_name if is_pstn_number(request.callee) else "",
        timeout=request.timeout,
        call_limit=request.call_limit,
    )
