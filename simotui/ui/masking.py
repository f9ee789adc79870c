"""Number masking on screen: one switch on the app, read by every widget that shows numbers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.dom import DOMNode
from textual.screen import Screen

from simotui.display import mask_numbers


def _as_is(text: str) -> str:
    return text


def masker(node: DOMNode) -> Callable[[str], str]:
    """The text filter to apply now: masks phone numbers while the app's switch is on."""
    try:
        on = bool(getattr(node.app, "mask_numbers", False))
    except Exception:
        on = False
    return mask_numbers if on else _as_is


def follow_masking(screen: Screen[Any]) -> None:
    """Rebuild a screen whenever masking is switched, so what it shows follows the switch."""
    signal = getattr(screen.app, "mask_changed", None)
    if signal is not None:
        signal.subscribe(screen, lambda _on: screen.refresh(recompose=True))
