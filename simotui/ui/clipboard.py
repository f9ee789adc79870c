"""Copying to the user's clipboard from a terminal that may be at the far end of SSH."""

from __future__ import annotations

from textual.app import App

OSC52_HINT = (
    "sent with OSC 52: if it does not arrive, the terminal (or tmux: set -g set-clipboard on) "
    "does not allow programs to set the clipboard"
)


def copy_text(app: App[object], text: str, what: str) -> None:
    """Copy through the terminal (OSC 52, which travels over SSH) and say so where the user looks.

    No terminal reports whether it honoured OSC 52, so the notice says what was sent and how to
    allow it, rather than claiming success.
    """
    if not text:
        app.notify(f"No {what} to copy", severity="warning", timeout=3)
        return
    app.copy_to_clipboard(text)
    shown = text if len(text) <= 40 else text[:37] + "…"
    app.notify(f"Copied {what}: {shown} ({OSC52_HINT})", timeout=6)
