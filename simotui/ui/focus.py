"""Focus moved by a key, now: before the keys typed after it are handled.

``Widget.focus()`` only schedules the change (``call_later``), so in a burst over SSH — ``ctrl+n``
then ``557``, ``/`` then the filter's text — the keys that follow would reach the widget that had
the focus before. ``Screen.set_focus`` moves it at once.
"""

from __future__ import annotations

from textual.widget import Widget


def focus_now(widget: Widget) -> None:
    """Give ``widget`` the focus before the next queued key is handled."""
    widget.screen.set_focus(widget)
