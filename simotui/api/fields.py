"""Typed, path-aware reading of one JSON record, turning every Simotel type quirk into Python types.

Each getter converts what the reference documents for that kind of field (§8.7: numbers and
booleans as strings; §8.4: ``$oid``/``$date`` wrappers) and raises :class:`RecordParseError` naming
the field on anything else, so a bad record never surfaces as a bare ``KeyError``/``ValueError``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any

from simotui.api.dates import parse_pbx_time
from simotui.errors import RecordParseError

_TRUE_WORDS = frozenset({"true", "yes", "1", "on", "y"})
_FALSE_WORDS = frozenset({"false", "no", "0", "off", "n", ""})
_CONVERSION_ERRORS = (ValueError, TypeError, OverflowError, ArithmeticError)


class RecordReader:
    """Reads fields of one JSON object for the model ``kind``, reporting errors by dotted path."""

    __slots__ = ("_data", "kind", "path", "tz")

    def __init__(self, kind: str, data: Any, tz: tzinfo, path: str = "") -> None:
        if not isinstance(data, Mapping):
            raise RecordParseError(kind, path or "<record>", data, "expected a JSON object")
        self._data: Mapping[str, Any] = data
        self.kind = kind
        self.path = path
        self.tz = tz

    @property
    def data(self) -> Mapping[str, Any]:
        """The object being read, as the server sent it."""
        return self._data

    def _where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def fail(self, key: str, value: Any, reason: str) -> RecordParseError:
        """Build the parse error for ``key`` (for callers with checks of their own)."""
        return RecordParseError(self.kind, self._where(key), value, reason)

    def has(self, key: str) -> bool:
        """Whether the key is present (with any value, null included)."""
        return key in self._data

    def raw(self, key: str) -> Any:
        """The value as sent, or None."""
        return self._data.get(key)

    def string(self, key: str, default: str = "") -> str:
        """A text field; numbers are accepted and rendered as text, null means ``default``."""
        value = self._data.get(key)
        if value is None:
            return default
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            raise self.fail(key, value, "expected text, got a boolean")
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float) and math.isfinite(value):
            return repr(value)
        raise self.fail(key, value, f"expected text, got {_json_type(value)}")

    def optional_string(self, key: str) -> str | None:
        """A text field that may be absent or null."""
        if self._data.get(key) is None:
            return None
        return self.string(key)

    def required_string(self, key: str) -> str:
        """A text field that must be present and non-null."""
        if self._data.get(key) is None:
            raise self.fail(key, self._data.get(key), "required field is missing")
        return self.string(key)

    def integer(self, key: str, default: int = 0) -> int:
        """An integer sent as a JSON number or a digit string (``"30"``); absent means ``default``."""
        value = self.optional_integer(key)
        return default if value is None else value

    def optional_integer(self, key: str) -> int | None:
        """An integer that may be absent, null or an empty string."""
        value = self._data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, bool):
            raise self.fail(key, value, "expected a number, got a boolean")
        if isinstance(value, int):
            return value
        try:
            if isinstance(value, float):
                if not value.is_integer():
                    raise ValueError("not a whole number")
                return int(value)
            if isinstance(value, str):
                text = value.strip()
                return int(text) if _is_int_text(text) else _whole(float(text))
        except _CONVERSION_ERRORS as exc:
            raise self.fail(key, value, f"expected a whole number ({exc})") from None
        raise self.fail(key, value, f"expected a number, got {_json_type(value)}")

    def number(self, key: str, default: float = 0.0) -> float:
        """A float sent as a JSON number or numeric string; absent means ``default``."""
        value = self._data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            return default
        if isinstance(value, bool):
            raise self.fail(key, value, "expected a number, got a boolean")
        try:
            if isinstance(value, int | float | str):
                result = float(value)
                if math.isfinite(result):
                    return result
                raise ValueError("not finite")
        except _CONVERSION_ERRORS as exc:
            raise self.fail(key, value, f"expected a number ({exc})") from None
        raise self.fail(key, value, f"expected a number, got {_json_type(value)}")

    def flag(self, key: str) -> bool | None:
        """A boolean sent as ``true``, ``"True"``, ``"yes"``, ``1``... ; absent or null is None."""
        value = self._data.get(key)
        if value is None:
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str):
            word = value.strip().lower()
            if word in _TRUE_WORDS:
                return True
            if word in _FALSE_WORDS:
                return False
        raise self.fail(key, value, "expected a yes/no value")

    def when(self, key: str) -> datetime | None:
        """A date in any Simotel form (Jalali, Gregorian, ``$date``, epoch); empty is None."""
        value = self._data.get(key)
        try:
            return parse_pbx_time(value, self.tz)
        except _CONVERSION_ERRORS as exc:
            raise self.fail(key, value, f"not a date ({exc})") from None

    def object_id(self, key: str, default: str = "") -> str:
        """An id sent plain or wrapped as ``{"$oid": "..."}``."""
        value = self._data.get(key)
        if isinstance(value, Mapping):
            inner = value.get("$oid")
            if isinstance(inner, str):
                return inner
            raise self.fail(key, value, 'expected {"$oid": "..."}')
        if value is None:
            return default
        return self.string(key, default)

    def strings(self, key: str) -> tuple[str, ...]:
        """A list of text values (ids, numbers); absent or null is empty."""
        value = self._data.get(key)
        if value is None or value == "":
            return ()
        if not isinstance(value, list):
            raise self.fail(key, value, f"expected a list, got {_json_type(value)}")
        items: list[str] = []
        for index, item in enumerate(value):
            if isinstance(item, str):
                items.append(item)
            elif isinstance(item, int) and not isinstance(item, bool):
                items.append(str(item))
            elif isinstance(item, Mapping) and isinstance(item.get("$oid"), str):
                items.append(item["$oid"])
            else:
                raise self.fail(f"{key}[{index}]", item, "expected text")
        return tuple(items)

    def records(self, key: str, kind: str | None = None) -> list[RecordReader]:
        """A list of objects, each as a reader with its own path; absent or null is empty."""
        value = self._data.get(key)
        if value is None or value == "":
            return []
        if not isinstance(value, list):
            raise self.fail(key, value, f"expected a list, got {_json_type(value)}")
        return [
            RecordReader(kind or self.kind, item, self.tz, f"{self._where(key)}[{index}]")
            for index, item in enumerate(value)
        ]

    def record(self, key: str) -> RecordReader | None:
        """A nested object as a reader; absent or null is None."""
        value = self._data.get(key)
        if value is None:
            return None
        return RecordReader(self.kind, value, self.tz, self._where(key))


def _is_int_text(text: str) -> bool:
    body = text[1:] if text[:1] in "+-" else text
    return body.isascii() and body.isdigit()


def _whole(value: float) -> int:
    if not value.is_integer():
        raise ValueError("not a whole number")
    return int(value)


def _json_type(value: Any) -> str:
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return type(value).__name__
