"""Web services Simotel calls back (never imports Textual): the campaign bridge responder.

``BridgeBook`` (pure) decides where an answered campaign call goes; ``start_responder``
serves it over HTTP for Simotel's Exten API / Trunk API dialplan component (reference
§5.8, §7.4); ``create_responder_app`` returns the bare Starlette app.
"""

from __future__ import annotations

from simotui.hooks.bridge import REFUSAL, BridgeBook, BridgeDecision, BridgeTarget
from simotui.hooks.responder import (
    BridgeRequestSeen,
    ResponderHandle,
    create_responder_app,
    start_responder,
)

__all__ = [
    "REFUSAL",
    "BridgeBook",
    "BridgeDecision",
    "BridgeRequestSeen",
    "BridgeTarget",
    "ResponderHandle",
    "create_responder_app",
    "start_responder",
]
