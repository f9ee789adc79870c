"""What a user asks for: a direct originate, or a two-way call through a one-contact campaign.

A *direct* dial is an :class:`~simotui.api.models.OriginateRequest` (reference §3). A *campaign*
dial (§5.8) is a one-number autodialer campaign whose number is the first party; when that party
answers, Simotel's Autodialer Route hands the call to an Exten API / Trunk API component, which
asks the bridge responder where to send it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum
from typing import Any

from simotui.api.models import CampaignRequest, OriginateRequest

# A campaign number rings at most this long per try (the autodialer's own ring timeout).
CAMPAIGN_RING = 30
# The campaign window opens this far in the PBX's past, so an estimate of its clock that runs a
# little late still starts the campaign at once.
WINDOW_LEAD = timedelta(minutes=2)
# And stays open at least this long: every try fits, with room for a PBX clock that runs fast.
MIN_WINDOW = timedelta(hours=1)
# The prefix of every campaign simotui creates (its full name also carries the call's key).
CAMPAIGN_PREFIX = "simotui-"


class CallMode(StrEnum):
    """How a call is placed."""

    DIRECT = "direct"
    CAMPAIGN = "campaign"


@dataclass(frozen=True, slots=True)
class CampaignDial:
    """A two-way call placed through a one-contact campaign: ``caller`` is the campaign's number.

    ``trunk_name`` and ``call_limit`` concern the second leg: the responder answers Simotel's
    Trunk API component with them when a trunk is set (a PSTN second party).
    """

    caller: str
    callee: str
    trunk_manager_id: str
    interface_context: str
    interface_text: str
    announcement_id: str = ""
    trunk_name: str = ""
    call_limit: int | None = None
    tries: int = 1
    try_interval: int = 60

    def campaign_request(self, name: str, now: datetime) -> CampaignRequest:
        """The ``campaigns/add`` request: one number, open from just before ``now`` (PBX time)."""
        span = timedelta(seconds=self.tries * (CAMPAIGN_RING + self.try_interval) + 600)
        start = now - WINDOW_LEAD
        return CampaignRequest(
            name=name,
            trunk_manager_id=self.trunk_manager_id,
            numbers=(self.caller,),
            interface_context=self.interface_context,
            interface_text=self.interface_text,
            tries=self.tries,
            try_interval=self.try_interval,
            start=start,
            end=now + max(span, MIN_WINDOW),
            announcement=self.announcement_id,
            description=f"simotui two-way call {self.caller} -> {self.callee}",
        )


Dial = OriginateRequest | CampaignDial


def mode_of(dial: Dial) -> CallMode:
    """Direct originate or campaign."""
    return CallMode.CAMPAIGN if isinstance(dial, CampaignDial) else CallMode.DIRECT


def campaign_name(key: str, now: datetime, tz: tzinfo, caller: str) -> str:
    """The unique name of a call's campaign: readable, and findable by its key if the answer is lost."""
    return f"{CAMPAIGN_PREFIX}{now.astimezone(tz):%Y%m%d-%H%M%S}-{caller}-{key}"


def dial_to_json(dial: Dial) -> dict[str, Any]:
    """A dial as JSON (the journal's ``dial``): its fields and its mode."""
    return {"mode": mode_of(dial).value, **dataclasses.asdict(dial)}


_WHOLE_NUMBERS = frozenset({"timeout", "call_limit", "tries", "try_interval"})


def dial_from_json(data: Mapping[str, Any]) -> Dial:
    """The dial :func:`dial_to_json` wrote.

    Raises:
        ValueError: the data is not such a dial.
    """
    mode = data.get("mode")
    kind: type[OriginateRequest] | type[CampaignDial]
    kind = CampaignDial if mode == CallMode.CAMPAIGN.value else OriginateRequest
    if mode not in (CallMode.CAMPAIGN.value, CallMode.DIRECT.value):
        raise ValueError(f"unknown dial mode {mode!r}")
    known = {f.name for f in dataclasses.fields(kind)}
    values: dict[str, Any] = {}
    for name, value in data.items():
        if name not in known:
            continue
        if name in _WHOLE_NUMBERS:
            value = _optional_int(value)
            if value is None and name not in ("timeout", "call_limit"):
                raise ValueError(f"the dial's {name} is missing")
        elif not isinstance(value, str):
            raise ValueError(f"the dial's {name} is not text: {value!r}")
        values[name] = value
    try:
        return kind(**values)
    except TypeError as exc:
        raise ValueError(f"the dial is incomplete ({exc})") from None


def originate_from_body(body: Mapping[str, Any]) -> OriginateRequest:
    """The OriginateRequest whose ``to_api()`` body this is (journals written before dials had a mode).

    Raises:
        ValueError: the body lacks a field or holds a non-integer timeout or call limit.
    """
    try:
        return OriginateRequest(
            caller=str(body["caller"]),
            callee=str(body["callee"]),
            context=str(body["context"]),
            caller_id=str(body["caller_id"]),
            trunk_name=str(body.get("trunk_name", "")),
            timeout=_optional_int(body.get("timeout")),
            call_limit=_optional_int(body.get("call_limit")),
        )
    except KeyError as exc:
        raise ValueError(f"the recorded originate request has no {exc.args[0]!r}") from None


def _optional_int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError(f"not a whole number: {value!r}") from None
