"""JSON as the simulated PHP writes it: compact, UTF-8, Persian text unescaped; one encoder for all.

``dumps`` uses orjson when it is installed (about ten times faster than the standard library on a
page of CDRs) and falls back to ``json`` otherwise, so the standalone distribution runs without
it. Both write the same bytes for what the simulator sends (strings, integers, ``null``, booleans,
nested objects and lists) except the exponent of very small or very large floats (``5e-06`` vs
``5e-6``), which parse to the same number. A value orjson refuses (an integer beyond 64 bits) is
encoded by the standard library instead.

``Encoded`` is a ``dict`` that remembers its own encoding: a report row rendered once
(``rowcache``) is encoded once, and later answers splice those bytes in (``orjson.Fragment``)
instead of encoding the row again. To everything else it is the plain dict it looks like.
"""

from __future__ import annotations

import json
from typing import Any

try:
    import orjson
except ImportError:  # pragma: no cover - the standalone distribution may lack it
    orjson = None  # type: ignore[assignment]

__all__ = ["Encoded", "dumps", "fast"]


class Encoded(dict[str, Any]):
    """A JSON object that keeps its encoded bytes once they are made (it must not change after)."""

    __slots__ = ("encoded",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Like ``dict(...)``; nothing encoded yet."""
        super().__init__(*args, **kwargs)
        self.encoded: bytes | None = None


def fast() -> bool:
    """Whether orjson is doing the encoding."""
    return orjson is not None


def _stdlib(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


if orjson is not None:
    _PLAIN = orjson.OPT_NON_STR_KEYS
    _SPLICING = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_SUBCLASS

    def _default(value: Any) -> Any:
        # With OPT_PASSTHROUGH_SUBCLASS every subclass of dict, list, str or int lands here.
        if isinstance(value, Encoded):
            if value.encoded is None:
                value.encoded = orjson.dumps(value, default=_default, option=_PLAIN)
            return orjson.Fragment(value.encoded)
        if isinstance(value, bool):
            return bool(value)
        if isinstance(value, int):
            return int(value)
        if isinstance(value, float):
            return float(value)
        if isinstance(value, str):
            return str(value)
        if isinstance(value, dict):
            return dict(value)
        if isinstance(value, list | tuple):
            return list(value)
        raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(value: Any) -> bytes:
    """``value`` as compact UTF-8 JSON bytes."""
    if orjson is not None:
        try:
            return orjson.dumps(value, default=_default, option=_SPLICING)
        except TypeError:
            pass  # e.g. an integer orjson cannot hold: the standard library can
    return _stdlib(value)
