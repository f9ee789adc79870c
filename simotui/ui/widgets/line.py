"""Line: one line of text that changes often without re-laying out the screen.

``Static.update`` asks for a layout refresh every time, since new content may need a new size.
A status or position line has a fixed height of one: its text is a reactive that only repaints.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


class Line(Widget):
    """A one-line text (``text`` repaints the line; the layout is left alone)."""

    DEFAULT_CSS = """
    Line { height: 1; width: 1fr; }
    """

    text: reactive[str] = reactive("", layout=False)

    def __init__(self, text: str = "", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.set_reactive(Line.text, text)

    def render(self) -> Text:
        return Text(self.text, no_wrap=True, overflow="ellipsis")
