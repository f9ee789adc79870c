"""What a read-only profile hides: one test of the app, for every widget that offers a change.

Hiding is a courtesy; the refusal itself is in the core (the tracker proposes nothing, the
client sends nothing that may change the PBX), so a key that slips through still sends nothing.
"""

from __future__ import annotations

from textual.dom import DOMNode

#: Actions that would change the PBX (a dial, a redial, a campaign removal), by name.
WRITE_ACTIONS = frozenset({"redial", "redial_marked", "remove_campaign", "dial_from"})
READ_ONLY_FORM = "READ-ONLY profile: dialling is off (nothing is sent)"


def read_only(node: DOMNode) -> bool:
    """Whether the console runs a read-only profile."""
    try:
        return bool(getattr(node.app, "read_only", False))
    except Exception:  # not yet attached to an app
        return False


def allowed(node: DOMNode, action: str) -> bool:
    """False for an action that would change the PBX on a read-only profile (hidden, refused)."""
    return not (action in WRITE_ACTIONS and read_only(node))
