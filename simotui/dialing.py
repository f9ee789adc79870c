"""The dial form's rules: turning typed fields into an OriginateRequest, or messages per field.

Pure logic, shared by the console and the command line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from simotui.api.models import OriginateRequest
from simotui.calls.dials import CampaignDial
from simotui.numbers import (
    DEFAULT_COUNTRY_CODE,
    ascii_digits,
    is_ascii_number,
    normalise_number,
    whole_number_text,
)
from simotui.settings import CampaignDefaults, DialDefaults

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
# ASCII only: ``\d`` also matches ``۵`` and ``٥``, which a PBX cannot dial.
_NUMBER = re.compile(r"^[0-9]{1,20}$")
_NAME = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")


def is_pstn_number(number: str) -> bool:
    """Whether a number is a PSTN number rather than an extension."""
    return len(number) > MAX_EXTENSION_DIGITS


@dataclass(frozen=True, slots=True)
class DialCheck:
    """The outcome of checking the form: a request, or one message per bad field."""

    request: OriginateRequest | None
    errors: Mapping[str, str]


NUMBER_FIELDS = frozenset({"caller", "callee"})
"""Fields that hold a phone number (normalised by :func:`simotui.numbers.normalise_number`)."""
COUNT_FIELDS = frozenset({"timeout", "call_limit", "tries", "try_interval"})
"""Fields that hold a whole number of seconds or tries."""


def normalised(values: Mapping[str, str], names: tuple[str, ...], country_code: str) -> dict[str, str]:
    """The fields as they will be sent: numbers normalised, counts in ASCII, the rest stripped."""
    text: dict[str, str] = {}
    for name in names:
        value = values.get(name, "").strip()
        if name in NUMBER_FIELDS:
            value = normalise_number(value, country_code)
        elif name in COUNT_FIELDS:
            value = whole_number_text(value)
        elif name == "caller_id":
            # A caller ID is a number or a name: digits of any script become ASCII either way.
            cleaned = normalise_number(value, country_code)
            value = cleaned if _NUMBER.match(cleaned) else ascii_digits(value)
        text[name] = value
    return text


def _number_problem(text: str) -> str | None:
    if not text:
        return "required"
    if _NUMBER.match(text):
        return None
    if text.startswith("+"):
        return "only the profile's country code becomes 0: write others as the PBX dials them"
    return "digits only"


def check_dial(values: Mapping[str, str], *, country_code: str = DEFAULT_COUNTRY_CODE) -> DialCheck:
    """Check typed values (field name → text) and build the originate request.

    Numbers are normalised first (any script's digits, separators dropped, ``+98`` → ``0``:
    :mod:`simotui.numbers`), so the request holds what the PBX can dial. ``caller_id`` left
    empty presents the caller's own number.
    """
    text = normalised(values, FIELDS, country_code)
    errors: dict[str, str] = {}
    for name in ("caller", "callee"):
        problem = _number_problem(text[name])
        if problem:
            errors[name] = problem
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
    if not is_ascii_number(text):
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


# ---------------------------------------------------------------------------------------------
# Campaign mode (reference §5.8): the first party is a one-contact campaign's number.

CAMPAIGN_FIELDS = (
    "caller",
    "callee",
    "trunk_name",
    "call_limit",
    "trunk_manager_id",
    "announcement_id",
    "interface_context",
    "interface_text",
    "tries",
    "try_interval",
)
CAMPAIGN_LABELS = {
    "trunk_manager_id": "Manager",
    "announcement_id": "Announce",
    "interface_context": "Route ctx",
    "interface_text": "Route row",
    "tries": "Tries",
    "try_interval": "Retry s",
}
TRIES_RANGE = (1, 10)
TRY_INTERVAL_RANGE = (10, 86_400)


@dataclass(frozen=True, slots=True)
class CampaignCheck:
    """The outcome of checking the form in campaign mode."""

    dial: CampaignDial | None
    errors: Mapping[str, str]


def check_campaign_dial(
    values: Mapping[str, str], *, country_code: str = DEFAULT_COUNTRY_CODE
) -> CampaignCheck:
    """Check typed values in campaign mode and build the campaign dial.

    Numbers are normalised as in :func:`check_dial`. The trunk, when given, reaches a PSTN
    second party (the responder answers the Trunk API form with it); the trunk manager reaches
    the first party.
    """
    text = normalised(values, CAMPAIGN_FIELDS, country_code)
    errors: dict[str, str] = {}
    for name in ("caller", "callee"):
        problem = _number_problem(text[name])
        if problem:
            errors[name] = problem
    if text["trunk_name"] and not _NAME.match(text["trunk_name"]):
        errors["trunk_name"] = "letters, digits, _ . - only"
    elif "callee" not in errors and is_pstn_number(text["callee"]) and not text["trunk_name"]:
        errors["trunk_name"] = "a PSTN second party needs a trunk"
    if not text["trunk_manager_id"]:
        errors["trunk_manager_id"] = "pick the trunk manager that dials the first party"
    if not text["interface_context"]:
        errors["interface_context"] = "required: the Autodialer Route that reaches the responder"
    elif not _NAME.match(text["interface_context"]):
        errors["interface_context"] = "letters, digits, _ . - only"
    if text["interface_text"] and not _NAME.match(text["interface_text"]):
        errors["interface_text"] = "letters, digits, _ . - only"
    call_limit = _whole_number(text["call_limit"], CALL_LIMIT_RANGE, "call_limit", errors, required=False)
    tries = _count(text["tries"], TRIES_RANGE, "tries", errors)
    interval = _count(text["try_interval"], TRY_INTERVAL_RANGE, "try_interval", errors)
    if errors or tries is None or interval is None:
        return CampaignCheck(None, errors)
    dial = CampaignDial(
        caller=text["caller"],
        callee=text["callee"],
        trunk_manager_id=text["trunk_manager_id"],
        interface_context=text["interface_context"],
        interface_text=text["interface_text"],
        announcement_id=text["announcement_id"],
        trunk_name=text["trunk_name"],
        call_limit=call_limit,
        tries=tries,
        try_interval=interval,
    )
    return CampaignCheck(dial, {})


def _count(text: str, bounds: tuple[int, int], name: str, errors: dict[str, str]) -> int | None:
    low, high = bounds
    if not is_ascii_number(text) or not low <= int(text) <= high:
        errors[name] = f"a whole number, {low}–{high}"
        return None
    return int(text)


def campaign_values(dial: CampaignDial) -> dict[str, str]:
    """The form fields that reproduce a campaign dial."""
    return {
        "caller": dial.caller,
        "callee": dial.callee,
        "trunk_name": dial.trunk_name,
        "call_limit": "" if dial.call_limit is None else str(dial.call_limit),
        "trunk_manager_id": dial.trunk_manager_id,
        "announcement_id": dial.announcement_id,
        "interface_context": dial.interface_context,
        "interface_text": dial.interface_text,
        "tries": str(dial.tries),
        "try_interval": str(dial.try_interval),
    }


def campaign_default_values(defaults: CampaignDefaults) -> dict[str, str]:
    """The campaign fields of an empty dial."""
    return {
        "trunk_manager_id": defaults.trunk_manager_id,
        "announcement_id": defaults.announcement_id,
        "interface_context": defaults.interface_context,
        "interface_text": defaults.interface_text,
        "tries": str(defaults.tries),
        "try_interval": str(defaults.try_interval),
    }


def swapped_campaign(dial: CampaignDial) -> CampaignDial:
    """The same campaign call with its parties swapped."""
    return replace(
        dial,
        caller=dial.callee,
        callee=dial.caller,
        trunk_name=dial.trunk_name if is_pstn_number(dial.caller) else "",
    )
