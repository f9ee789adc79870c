"""Turning journal entries back into typed requests and tracked calls after a restart.

A direct call is journalled with its ``OriginateRequest.to_api()`` body. A campaign call is
journalled with :func:`campaign_body`: the ``CampaignDial`` under ``dial`` (what tracking needs)
and the ``campaigns/add`` body under ``campaign`` (what was sent).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from simotui.api.models import OriginateRequest
from simotui.store.journal import JournalCall
from simotui.tracking import CampaignDial, TrackedCall

ORIGINATE = "originate"
CAMPAIGN = "campaign"


def originate_request(body: Mapping[str, Any]) -> OriginateRequest:
    """The OriginateRequest whose ``to_api()`` body the journal recorded.

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


def campaign_body(dial: CampaignDial, sent: Mapping[str, Any]) -> dict[str, Any]:
    """What to journal for a campaign call: the dial, and the ``campaigns/add`` body sent."""
    return {"dial": dataclasses.asdict(dial), "campaign": dict(sent)}


def campaign_dial(body: Mapping[str, Any]) -> CampaignDial:
    """The CampaignDial a :func:`campaign_body` holds.

    Raises:
        ValueError: the body has no usable ``dial``.
    """
    dial = body.get("dial")
    if not isinstance(dial, Mapping):
        raise ValueError("the recorded campaign request has no 'dial'")
    known = {f.name for f in dataclasses.fields(CampaignDial)}
    try:
        return CampaignDial(**{key: value for key, value in dial.items() if key in known})
    except TypeError as exc:
        raise ValueError(f"the recorded campaign dial is incomplete ({exc})") from None


def _optional_int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    return int(value)


def tracked_call(entry: JournalCall) -> TrackedCall:
    """The TrackedCall of an accepted request, to follow again from where it was left.

    Raises:
        ValueError: the entry was not accepted, or its request cannot be read back.
    """
    if entry.call_id is None or entry.accepted_at is None:
        raise ValueError(f"journal request {entry.request_id} was not accepted")
    if entry.mode == ORIGINATE:
        return TrackedCall(entry.call_id, originate_request(entry.request), accepted_at=entry.accepted_at)
    if entry.mode == CAMPAIGN:
        return TrackedCall(
            entry.call_id,
            campaign_dial(entry.request),
            accepted_at=entry.accepted_at,
            campaign_id=entry.campaign_id or "",
        )
    raise ValueError(f"journal request {entry.request_id} has an unknown mode {entry.mode!r}")
