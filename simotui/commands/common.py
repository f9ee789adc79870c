"""What the scripting subcommands share when they run: the connection, dates and output.

(What they need to be *registered* — options, exit codes — lives in :mod:`simotui.commands.args`,
which imports nothing heavy, so ``simotui --help`` stays quick.)
"""

from __future__ import annotations

import argparse
import getpass
import re
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any, TypeVar

from simotui import paths
from simotui.api.client import SimotelClient
from simotui.api.dates import pbx_zone
from simotui.api.models import Page
from simotui.commands.args import (
    UsageError,
)
from simotui.config import ConfigFile, Overrides, load_config, resolve_settings
from simotui.errors import ConfigError
from simotui.export import CsvWriter, JsonArrayWriter
from simotui.settings import Settings
from simotui.store.journal import Journal

T = TypeVar("T")


def say(message: str) -> None:
    """A message for the person at the terminal: standard error, never mixed with data."""
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Connection options


def overrides_from(args: argparse.Namespace) -> Overrides:
    """The command line's layer of the settings."""
    insecure = bool(getattr(args, "insecure", False))
    ca_bundle: str | None = getattr(args, "ca_bundle", None)
    if insecure and ca_bundle:
        raise UsageError("--insecure and --ca-bundle contradict each other")
    if ca_bundle and not Path(ca_bundle).expanduser().is_file():
        raise ConfigError(f"--ca-bundle: no such file: {ca_bundle}")
    if ca_bundle:
        ca_bundle = str(Path(ca_bundle).expanduser())
    verify: bool | str | None = False if insecure else ca_bundle
    timeout: float | None = getattr(args, "request_timeout", None)
    return Overrides(
        profile=getattr(args, "profile", None),
        url=getattr(args, "url", None),
        username=getattr(args, "username", None),
        auth=getattr(args, "auth", None),
        timezone=getattr(args, "timezone", None),
        poll_interval=getattr(args, "poll_interval", None),
        request_timeout=timeout or None,
        verify=verify,
    )


def terminal_prompt(label: str) -> str:
    """Ask for a secret without echo."""
    return getpass.getpass(f"{label}: ")


@dataclass(frozen=True, slots=True)
class Connection:
    """The read config file and the settings resolved from all layers."""

    config: ConfigFile
    settings: Settings

    def client(self) -> SimotelClient:
        """A client for these settings (use it as an async context manager)."""
        s = self.settings
        client = SimotelClient(
            s.base_url, s.credentials, timeout=s.request_timeout, verify=s.verify, pbx_timezone=s.pbx_timezone
        )
        client.read_only = s.read_only
        return client

    @property
    def tz(self) -> tzinfo:
        """The PBX's time zone."""
        return pbx_zone(self.settings.pbx_timezone)

    def journal(self) -> Journal:
        """The journal, pruned to the config's ``[journal]`` limits."""
        limits = self.config.journal
        return Journal(paths.journal_path(), retention_days=limits.retention_days, max_calls=limits.max_calls)


def connect(args: argparse.Namespace, *, with_hooks: bool = False) -> Connection:
    """Read the config file and resolve the settings; a terminal may be asked for a missing secret."""
    config = load_config()
    prompt = terminal_prompt if sys.stdin.isatty() else None
    settings = resolve_settings(config, overrides_from(args), prompt=prompt, with_hooks=with_hooks)
    return Connection(config, settings)


# ---------------------------------------------------------------------------------------------
# Dates

_ISO_T = re.compile(r"^(\d{4}-\d{2}-\d{2})t")


def parse_moment(text: str, tz: tzinfo, now: datetime, *, end: bool) -> datetime:
    """Read ``today``, ``yesterday``, ``now``, ``YYYY-MM-DD`` or ``YYYY-MM-DD HH:MM`` in the PBX zone.

    A day alone is its first minute as a start (``end=False``) and its last minute as an end.

    Raises:
        UsageError: the text is none of these.
    """
    cleaned = _ISO_T.sub(r"\1 ", " ".join(text.strip().lower().split()))
    local_now = now.astimezone(tz)
    day: date | None = None
    if cleaned == "now":
        return local_now.replace(second=0, microsecond=0)
    if cleaned == "today":
        day = local_now.date()
    elif cleaned == "yesterday":
        day = local_now.date() - timedelta(days=1)
    else:
        try:
            if len(cleaned) <= 10:
                day = date.fromisoformat(cleaned)
            else:
                return datetime.strptime(cleaned, "%Y-%m-%d %H:%M").replace(tzinfo=tz)
        except ValueError:
            raise UsageError(
                f"not a date: {text!r} (use today, yesterday, now, YYYY-MM-DD or 'YYYY-MM-DD HH:MM')"
            ) from None
    moment = time(23, 59) if end else time(0, 0)
    return datetime.combine(day, moment, tzinfo=tz)


# ---------------------------------------------------------------------------------------------
# Output


# ---------------------------------------------------------------------------------------------
# Paging


async def print_pages(
    pages: AsyncIterator[Page[T]],
    args: argparse.Namespace,
    *,
    header: Sequence[str],
    csv_row: Callable[[T], Sequence[Any]],
    table_row: Callable[[T], str],
    raw: Callable[[T], Any],
) -> tuple[int, int]:
    """Print every page as it arrives — ``--json`` array, ``--csv`` rows, or a table for people.

    Returns how many records were printed and the server's total.
    """
    json_out = JsonArrayWriter(sys.stdout) if args.json else None
    csv_out = CsvWriter(sys.stdout, header) if args.csv else None
    count = total = 0
    async for page in pages:
        total = page.total
        count += len(page.records)
        if json_out is not None:
            json_out.write_all(raw(record) for record in page.records)
        elif csv_out is not None:
            csv_out.write_all(csv_row(record) for record in page.records)
        else:
            for record in page.records:
                print(table_row(record))
            sys.stdout.flush()
    if json_out is not None:
        json_out.close()
    return count, total
