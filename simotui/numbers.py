"""Numbers as people type and paste them, turned into what the PBX dials.

Pure functions shared by the dial form and the command line. Persian (۰–۹), Arabic-Indic (٠–٩),
fullwidth (０–９) and every other Unicode *decimal* digit become ASCII: Python's ``\\d`` and
``str.isdigit`` accept them, but a PBX fails a call to ``۰۹۱۲…``. ``str.isdigit`` is also true
for ``²`` and ``①``, which are no decimal digits (``int('²')`` fails), so they are left alone and
fail validation. A pasted phone number's spaces, dashes, dots, brackets and invisible direction
marks are dropped, and the profile's international prefix (``+98`` or ``0098`` for Iran) becomes
the trunk prefix ``0``.
"""

from __future__ import annotations

import unicodedata

DEFAULT_COUNTRY_CODE = "98"
"""Iran: ``+98 912 …`` is dialled as ``0912 …``."""

# What a pasted or formatted number carries between its digits. Unicode dashes (category Pd)
# and format characters (Cf: the direction marks copied along with right-to-left text) are
# dropped by category.
_SEPARATORS = frozenset(" \t\u00a0.()[]{}/_")


def ascii_digits(text: str) -> str:
    """``text`` with every Unicode decimal digit written as its ASCII digit; nothing else changes."""
    if text.isascii():
        return text
    out = []
    for char in text:
        value = unicodedata.decimal(char, None)
        out.append(str(value) if value is not None else char)
    return "".join(out)


def _is_separator(char: str) -> bool:
    if char in _SEPARATORS or char.isspace():
        return True
    return unicodedata.category(char) in ("Pd", "Cf")


def clean_number(text: str) -> str:
    """ASCII digits, with the separators of a formatted number dropped (``+`` is kept).

    ``'۰۹۱۲ ۱۲۳-۴۵۶۷'`` → ``'09121234567'``; ``'(021) 8888.1234'`` → ``'02188881234'``.
    Anything else (letters, ``²``) is kept, for validation to refuse.
    """
    return "".join(char for char in ascii_digits(text) if not _is_separator(char))


def normalise_number(text: str, country_code: str = DEFAULT_COUNTRY_CODE) -> str:
    """The number the PBX is sent: :func:`clean_number`, then the country prefix → ``0``.

    ``'+98 912 123 4567'`` and ``'0098 912 123 4567'`` → ``'09121234567'`` when
    ``country_code`` is ``"98"``; an empty ``country_code`` rewrites nothing. A ``+`` of another
    country is kept, and fails validation: how to dial abroad depends on the PBX's routes.
    """
    number = clean_number(text)
    if country_code:
        for prefix in (f"+{country_code}", f"00{country_code}"):
            if number.startswith(prefix) and len(number) > len(prefix):
                rest = number[len(prefix) :]
                # ``+98 (0) 912 …`` carries its trunk prefix already.
                return rest if rest.startswith("0") else "0" + rest
    return number


def whole_number_text(text: str) -> str:
    """A count or a duration as typed (``'۳۰'``, ``' 30 '``): ASCII digits, spaces dropped."""
    return "".join(char for char in ascii_digits(text) if not char.isspace())


def is_ascii_number(text: str) -> bool:
    """Whether ``text`` is one or more ASCII digits (``'²'`` and ``'٣'`` are not)."""
    return bool(text) and text.isascii() and text.isdigit()
