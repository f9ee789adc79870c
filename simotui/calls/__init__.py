"""The call core: a call's whole life, from the dial to its end, with no UI (never imports Textual).

Module map: ``states`` (the one vocabulary), ``dials`` (what a user asks for), ``model`` (a call:
facts and the state they imply, deadlines), ``book`` (every call; matching evidence to calls),
``polling`` (one cycle's plan and searches), ``poller`` (the loop), ``clock`` (the PBX's time),
``bridges`` (the responder's book), ``journal`` (what a call leaves on disk, and restore),
``tracker`` (``CallTracker``: the one owner the console and the command line share).
See ARCHITECTURE.md for the life of a call.
"""

from __future__ import annotations

from simotui.calls.dials import CallMode, CampaignDial, Dial
from simotui.calls.model import Call, Placement
from simotui.calls.states import CallState, Tone
from simotui.calls.tracker import CallTracker, DialBlocked, Proposal

__all__ = [
    "Call",
    "CallMode",
    "CallState",
    "CallTracker",
    "CampaignDial",
    "Dial",
    "DialBlocked",
    "Placement",
    "Proposal",
    "Tone",
]
