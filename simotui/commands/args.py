"""What every subcommand needs to be registered: its options, argument types and exit codes.

Only argparse and :mod:`simotui.errors` (plain classes): ``simotui --help`` imports this module
and nothing heavier.
"""

from __future__ import annotations

import argparse
from enum import IntEnum

from simotui.errors import (
    AccessDenied,
    ApiError,
    ApiUnavailable,
    AuthError,
    ConfigError,
    ReadOnlyRefused,
    ResponseError,
    SimotuiError,
)
from simotui.flags import non_negative_float, positive_float, whole_number
from simotui.numbers import clean_number

WHEN_HELP = "today, yesterday, now, YYYY-MM-DD or 'YYYY-MM-DD HH:MM', in the PBX's time zone"


class ExitCode(IntEnum):
    """The documented exit codes of every subcommand."""

    OK = 0
    FAILURE = 1
    """Anything else (a file that cannot be written, the journal ...)."""
    USAGE = 2
    """Bad arguments."""
    CONFIG = 3
    """The config file, environment or flags cannot be used."""
    AUTH = 4
    """The server refused the credentials (401) or the permission (403)."""
    UNREACHABLE = 5
    """The server could not be reached or did not answer in time."""
    API = 6
    """The server answered with an error, or with something that is not a Simotel answer."""
    NOT_ANSWERED = 7
    """``originate --wait``: the call ended without being answered (or left no CDR)."""
    READ_ONLY = 8
    """The profile is read-only and the command would change the PBX: nothing was sent."""
    INTERRUPTED = 130
    """Ctrl-C."""


class UsageError(SimotuiError):
    """Arguments that parse but cannot be used together or as given."""

    default_title = "Usage"


def exit_code_for(error: BaseException) -> ExitCode:
    """The exit code that reports an error."""
    if isinstance(error, UsageError):
        return ExitCode.USAGE
    if isinstance(error, ReadOnlyRefused):
        return ExitCode.READ_ONLY
    if isinstance(error, ConfigError):
        return ExitCode.CONFIG
    if isinstance(error, AuthError | AccessDenied):
        return ExitCode.AUTH
    if isinstance(error, ApiUnavailable):
        return ExitCode.UNREACHABLE
    if isinstance(error, ApiError | ResponseError):
        return ExitCode.API
    return ExitCode.FAILURE


def base_url(text: str) -> str:
    """An argparse type: a Simotel base URL that can be read (``http://[::1`` cannot)."""
    # Imported when a URL is given: the API layer (and httpx) is not needed for --help.
    from simotui.api.client import normalize_base_url

    try:
        return normalize_base_url(text)
    except ConfigError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def phone_number(text: str) -> str:
    """An argparse type: a phone number as pasted (``'۰۹۱۲ ۱۲۳-۴۵۶۷'``): digits in ASCII,
    separators dropped. The country prefix is the profile's, applied once the profile is known."""
    return clean_number(text)


def add_connection_options(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    """``--profile``, ``--url`` and the rest; absent ones leave the value to env and profile.

    Every default is SUPPRESS so the same options can sit on the main parser and on each
    subcommand without a subcommand's default hiding a value given before it.
    """
    quiet = argparse.SUPPRESS
    parser.add_argument("--profile", default=quiet, help="config profile to use (or SIMOTUI_PROFILE)")
    parser.add_argument("--username", default=quiet, help="API account username (or SIMOTUI_USERNAME)")
    parser.add_argument(
        "--auth", choices=("basic", "key", "both"), default=quiet, help="authentication the account uses"
    )
    parser.add_argument("--timezone", default=quiet, help="PBX time zone (default Asia/Tehran)")
    parser.add_argument(
        "--poll-interval",
        type=non_negative_float,
        default=quiet,
        help="seconds between polls of tracked calls (default 3; 0 = on demand)",
    )
    parser.add_argument(
        "--request-timeout", type=positive_float, default=quiet, help="seconds per request (default 10)"
    )
    parser.add_argument("--insecure", action="store_true", default=quiet, help="skip TLS verification")
    parser.add_argument(
        "--ca-bundle", default=quiet, help="CA bundle to verify the server's certificate with"
    )


def connection_parent() -> argparse.ArgumentParser:
    """A parent parser holding the connection options and ``--url``."""
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("connection (flags > SIMOTUI_* variables > profile)")
    group.add_argument(
        "--url", type=base_url, default=argparse.SUPPRESS, help="base URL of a Simotel (or SIMOTUI_URL)"
    )
    add_connection_options(group)
    return parent


def positive_int(text: str) -> int:
    """An argparse type: a whole number of 1 or more (digits in any script)."""
    value = whole_number(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def add_format_options(parser: argparse.ArgumentParser, what: str) -> None:
    """``--json`` / ``--csv``, exclusive; neither prints a table for people."""
    formats = parser.add_mutually_exclusive_group()
    formats.add_argument(
        "--json",
        action="store_true",
        help=f"a JSON array of the {what} as the server sent them, streamed page by page",
    )
    formats.add_argument("--csv", action="store_true", help="CSV with a header row")
