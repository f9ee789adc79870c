"""Number flags as typed on any keyboard: argparse types shared by ``simotui`` and the simulator.

Digits of any script become ASCII first (``'۸۸۰۱'`` is 8801); ``nan`` and ``inf`` are no
durations; ``'²'`` is refused (``str.isdigit()`` takes it, ``int()`` does not). The simulator's
own distribution carries this module, so it imports nothing of the console.
"""

from __future__ import annotations

import argparse
import math

from simotui.numbers import ascii_digits


def _ascii(text: str) -> str:
    return ascii_digits(text).strip()


def _number(text: str, least: float, inclusive: bool, wanted: str) -> float:
    try:
        value = float(_ascii(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value) or value < least or (value == least and not inclusive):
        raise argparse.ArgumentTypeError(f"must be a finite number {wanted}, not {text!r}")
    return value


def non_negative_float(text: str) -> float:
    """A finite number of 0 or more."""
    return _number(text, 0.0, True, "0 or more")


def positive_float(text: str) -> float:
    """A finite number above 0 (a timeout of 0 would fail every request)."""
    return _number(text, 0.0, False, "above 0")


def whole_number(text: str) -> int:
    """An integer, its digits in any script."""
    written = _ascii(text)
    body = written.removeprefix("-")
    if not body or not (body.isascii() and body.isdigit()):
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}")
    return int(written)


def count(text: str) -> int:
    """A whole number of 0 or more."""
    number = whole_number(text)
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {text}")
    return number


def port(text: str) -> int:
    """A TCP port, 0 (any free one) to 65535."""
    number = whole_number(text)
    if not 0 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"not a port: {text}")
    return number
