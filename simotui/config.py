"""Profiles and secrets: the TOML config file, ``SIMOTUI_*`` variables and flags, in layers.

Precedence, highest first: command-line flags, ``SIMOTUI_*`` environment variables, the chosen
profile of the config file, the defaults of :class:`simotui.settings.Settings`. The file is
checked as a whole when it is read (syntax, unknown keys, types, values), and every complaint is a
:class:`ConfigFileError` naming the file, the line and the key path. Secrets are resolved only
when a profile is used and only those its auth mode needs: from ``${ENV_VAR}``, from the standard
output of a ``*_command`` (run without a shell), or from a literal when the file is readable by
its owner alone. No secret ever appears in a message.
"""

from __future__ import annotations

import ipaddress
import math
import os
import re
import shlex
import subprocess
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from simotui import paths
from simotui.api.client import AuthMode, Credentials, normalize_base_url
from simotui.api.dates import DEFAULT_PBX_TIMEZONE, pbx_zone
from simotui.errors import ConfigError
from simotui.listen import parse_listen
from simotui.numbers import DEFAULT_COUNTRY_CODE
from simotui.secret import Secret
from simotui.settings import CampaignDefaults, DialDefaults, EventsSettings, HooksSettings, Settings

AUTH_MODES: tuple[AuthMode, ...] = ("basic", "key", "both")
SECRET_COMMAND_TIMEOUT = 10.0
"""Seconds a ``*_command`` may take to print its secret."""
ADHOC_PROFILE = "cli"
"""Profile name of settings built from ``--url`` / ``SIMOTUI_URL`` alone."""

ENV_URL = "SIMOTUI_URL"
ENV_USERNAME = "SIMOTUI_USERNAME"
ENV_PASSWORD = "SIMOTUI_PASSWORD"
ENV_API_KEY = "SIMOTUI_API_KEY"
ENV_AUTH = "SIMOTUI_AUTH"
ENV_PROFILE = "SIMOTUI_PROFILE"
ENV_TIMEZONE = "SIMOTUI_TIMEZONE"
ENV_POLL_INTERVAL = "SIMOTUI_POLL_INTERVAL"

_ENV_REFERENCE = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$")
_HEADER = re.compile(r"^\[\[?\s*(.+?)\s*\]\]?\s*(?:#.*)?$")
_KEY_VALUE = re.compile(
    r"^((?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'))*)\s*="
)
_KEY_PART = re.compile(r"\"([^\"]*)\"|'([^']*)'|([A-Za-z0-9_-]+)")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_SYNTAX_LINE = re.compile(r"at line (\d+)")

Prompt = Callable[[str], str]
"""Asks the user for a secret (without echo); given the label, e.g. ``Password``."""


class ConfigFileError(ConfigError):
    """A config file that cannot be used, pointing at the file, line and key.

    Args:
        path: the config file.
        line: the 1-based line, when known.
        key: the dotted key path, e.g. ``profiles.prod.poll_interval``; empty for the whole file.
        problem: what is wrong, without any value that could be a secret.
    """

    def __init__(self, path: Path, line: int | None, key: str, problem: str) -> None:
        where = f"{path}, line {line}" if line is not None else str(path)
        super().__init__(f"{where}: {key}: {problem}" if key else f"{where}: {problem}")
        self.path = path
        self.line = line
        self.key = key
        self.problem = problem


# ---------------------------------------------------------------------------------------------
# Secrets


@dataclass(frozen=True, slots=True)
class SecretSource:
    """Where one secret of a profile comes from: a literal, ``${ENV_VAR}``, or a command."""

    key: str
    """The key path it was read from, e.g. ``profiles.prod.password_command``."""
    profile: str
    """The profile it belongs to."""
    literal: Secret | None = None
    """The secret itself, written in the (owner-only) file."""
    env: str | None = None
    """Name of the environment variable holding it."""
    command: tuple[str, ...] = field(default=(), repr=False)
    """Program and arguments whose standard output is the secret."""

    def resolve(self, env: Mapping[str, str], timeout: float = SECRET_COMMAND_TIMEOUT) -> Secret:
        """Read the secret now.

        Raises:
            ConfigError: the variable is unset or empty, or the command failed or printed nothing.
        """
        where = f"{self.key} (profile {self.profile!r})"
        if self.literal is not None:
            return self.literal
        if self.env is not None:
            value = env.get(self.env, "")
            if not value:
                state = "empty" if self.env in env else "not set"
                raise ConfigError(f"{where}: the environment variable {self.env} it refers to is {state}")
            return Secret(value)
        return Secret(_run_secret_command(self.command, where, timeout))


def _run_secret_command(argv: tuple[str, ...], where: str, timeout: float) -> str:
    program = os.path.expanduser(argv[0])
    try:
        # No shell, no terminal input, and neither stream ever shown: stderr could echo the secret.
        result = subprocess.run(
            [program, *argv[1:]],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError:
        raise ConfigError(f"{where}: command not found: {argv[0]}") from None
    except PermissionError:
        raise ConfigError(f"{where}: command not executable: {argv[0]}") from None
    except subprocess.TimeoutExpired:
        raise ConfigError(f"{where}: the command did not finish within {timeout:g} s") from None
    except OSError as exc:
        raise ConfigError(
            f"{where}: the command could not run ({exc.strerror or type(exc).__name__})"
        ) from None
    if result.returncode != 0:
        raise ConfigError(
            f"{where}: the command exited with status {result.returncode} (its output is not shown)"
        )
    try:
        text = result.stdout.decode().strip()
    except UnicodeDecodeError:
        raise ConfigError(f"{where}: the command printed something that is not UTF-8 text") from None
    if not text:
        raise ConfigError(f"{where}: the command printed nothing")
    return text


# ---------------------------------------------------------------------------------------------
# The file's model


@dataclass(frozen=True, slots=True)
class JournalSettings:
    """How much of the journal to keep (``[journal]``)."""

    retention_days: int = 90
    """Calls older than this many days are pruned."""
    max_calls: int = 10_000
    """At most this many requests are kept, the newest."""


@dataclass(frozen=True, slots=True)
class HooksProfile:
    """``[profiles.NAME.hooks]`` before its password is resolved."""

    listen: str | None = None
    """``HOST:PORT`` to listen on; None leaves the responder off."""
    username: str = ""
    """Basic-auth username Simotel sends."""
    password: SecretSource | None = None
    """Where the Basic-auth password comes from."""
    allowed_ips: tuple[str, ...] = ()
    """Addresses or networks allowed to call; empty allows any."""
    trusted_proxies: tuple[str, ...] = ()
    """Proxies whose ``X-Forwarded-For`` is believed; empty believes none."""
    insecure: bool = False
    """Allow listening beyond loopback with neither auth nor an allow-list."""


@dataclass(frozen=True, slots=True)
class EventsProfile(HooksProfile):
    """``[profiles.NAME.events]`` before its password is resolved: the event receiver."""

    relay: str | None = None
    """Forward every event as received to this URL too."""


@dataclass(frozen=True, slots=True)
class Profile:
    """One ``[profiles.NAME]`` table with the defaults filled in; secrets not yet resolved."""

    name: str
    """The table's name, ``NAME`` in ``[profiles.NAME]``."""
    url: str
    """The PBX's base URL, normalised."""
    auth: AuthMode = "both"
    """Which credentials the API account uses."""
    username: str = ""
    """Basic-auth username."""
    password: SecretSource | None = None
    """Where the Basic-auth password comes from."""
    api_key: SecretSource | None = None
    """Where the ``X-APIKEY`` comes from."""
    verify: bool | str = True
    """TLS verification: True, False, or a CA bundle path."""
    timezone: str = DEFAULT_PBX_TIMEZONE
    """The PBX's time zone."""
    poll_interval: float | None = 3.0
    """Seconds between polls; None polls on demand (``poll_interval = 0``)."""
    request_timeout: float = 10.0
    """Seconds per request."""
    dial: DialDefaults = field(default_factory=DialDefaults)
    """``[profiles.NAME.dial]``."""
    campaign: CampaignDefaults = field(default_factory=CampaignDefaults)
    """``[profiles.NAME.campaign]``."""
    hooks: HooksProfile = field(default_factory=HooksProfile)
    """``[profiles.NAME.hooks]``."""
    events: EventsProfile = field(default_factory=EventsProfile)
    """``[profiles.NAME.events]``."""
    country_code: str = DEFAULT_COUNTRY_CODE
    """The PBX's country code: ``+CC…``/``00CC…`` is dialled as ``0…``; empty rewrites nothing."""
    downloads: Path | None = None
    """Where exports and recordings go; None: the user's downloads directory, ``simotui``."""
    readonly: bool = False
    """Look, never touch: no dial, campaign or removal is offered or sent."""
    archive_after: float | None = None
    """Seconds after its end a settled call leaves the live panel; None (``0``) keeps it."""
    bell_on: tuple[str, ...] = ()
    """States that ring the bell (``simotui.calls.bell``); empty: off."""


@dataclass(frozen=True, slots=True)
class ConfigFile:
    """A read and checked config file (or the empty one when there is no file)."""

    path: Path
    """Where the file is (or would be)."""
    exists: bool = False
    """Whether there was a file to read."""
    default_profile: str | None = None
    """``default_profile``, checked to name a profile."""
    profiles: Mapping[str, Profile] = field(default_factory=dict)
    """Every ``[profiles.NAME]``, by name, in file order."""
    journal: JournalSettings = field(default_factory=JournalSettings)
    """``[journal]``."""
    keys: Mapping[str, str] = field(default_factory=dict)
    """``[keys]``: binding id → keys (see :mod:`simotui.keymap`); checked by ``config check``."""


@dataclass(frozen=True, slots=True)
class Overrides:
    """What the command line says; ``None`` leaves a value to the lower layers."""

    profile: str | None = None
    """``--profile``."""
    url: str | None = None
    """``--url``."""
    username: str | None = None
    """``--username``."""
    auth: str | None = None
    """``--auth``."""
    timezone: str | None = None
    """``--timezone``."""
    poll_interval: float | None = None
    """``--poll-interval`` in seconds; 0 means poll only on demand."""
    request_timeout: float | None = None
    """``--request-timeout`` (``ping --timeout``)."""
    verify: bool | str | None = None
    """False for ``--insecure``, a path for ``--ca-bundle``."""


# ---------------------------------------------------------------------------------------------
# Reading the file


def load_config(path: Path | None = None) -> ConfigFile:
    """Read and check the config file (``paths.config_file()`` by default); no file is no profiles.

    Raises:
        ConfigFileError: the file is unreadable, not TOML, or not a valid simotui config.
    """
    path = path if path is not None else paths.config_file()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return ConfigFile(path=path)
    except OSError as exc:
        raise ConfigFileError(path, None, "", f"cannot read the file ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigFileError(path, None, "", "the file is not UTF-8 text") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # The decoder's message names a position, never the content, so it is safe to show.
        message = str(exc)
        match = _SYNTAX_LINE.search(message)
        raise ConfigFileError(
            path, int(match[1]) if match else None, "", f"TOML syntax error: {message}"
        ) from None
    except RecursionError:
        # tomllib recurses once per nested array or inline table; no config nests like that.
        raise ConfigFileError(path, None, "", "values nested far too deeply to be a config file") from None
    return _Reader(path, text).config(data)


class _Reader:
    """Turns parsed TOML into the model, failing with the file, line and key path."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text
        self.literals: list[str] = []

    def fail(self, key: str, problem: str) -> ConfigFileError:
        return ConfigFileError(self.path, find_key_line(self.text, key), key, problem)

    # -- typed values -----------------------------------------------------------------------

    def table(self, data: Mapping[str, Any], prefix: str, allowed: frozenset[str]) -> None:
        for key in data:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                raise self.fail(_join(prefix, key), f"unknown key (known keys here: {known})")

    def sub_table(self, data: Mapping[str, Any], prefix: str, key: str) -> Mapping[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(_join(prefix, key), f"expected a table, got {_kind(value)}")
        return cast("Mapping[str, Any]", value)

    def string(self, data: Mapping[str, Any], prefix: str, key: str, default: str) -> str:
        value = data.get(key, default)
        if not isinstance(value, str):
            raise self.fail(_join(prefix, key), f"expected a string, got {_kind(value)}")
        return value

    def integer(self, data: Mapping[str, Any], prefix: str, key: str, default: int, minimum: int) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(_join(prefix, key), f"expected a whole number, got {_kind(value)}")
        if value < minimum:
            raise self.fail(_join(prefix, key), f"must be {minimum} or more")
        return value

    def number(self, data: Mapping[str, Any], prefix: str, key: str, default: float, minimum: float) -> float:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(_join(prefix, key), f"expected a number, got {_kind(value)}")
        if not math.isfinite(value):
            # TOML has nan and inf; neither is a duration.
            raise self.fail(_join(prefix, key), f"must be a finite number, not {value}")
        if value < minimum:
            raise self.fail(_join(prefix, key), f"must be {minimum:g} or more")
        return float(value)

    def boolean(self, data: Mapping[str, Any], prefix: str, key: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(_join(prefix, key), f"expected true or false, got {_kind(value)}")
        return value

    def strings(self, data: Mapping[str, Any], prefix: str, key: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.fail(_join(prefix, key), f"expected a list of strings, got {_kind(value)}")
        return tuple(value)

    def secret(self, data: Mapping[str, Any], prefix: str, key: str, profile: str) -> SecretSource | None:
        command_key = f"{key}_command"
        if key in data and command_key in data:
            raise self.fail(_join(prefix, command_key), f"set {key} or {command_key}, not both")
        if command_key in data:
            value = data[command_key]
            path = _join(prefix, command_key)
            if isinstance(value, str):
                try:
                    argv = tuple(shlex.split(value))
                except ValueError as exc:
                    raise self.fail(path, f"cannot be split into arguments ({exc})") from None
            elif isinstance(value, list) and all(isinstance(item, str) for item in value):
                argv = tuple(value)
            else:
                raise self.fail(path, f"expected a string or a list of strings, got {_kind(value)}")
            if not argv or not argv[0]:
                raise self.fail(path, "names no command")
            return SecretSource(key=path, profile=profile, command=argv)
        if key not in data:
            return None
        value = data[key]
        path = _join(prefix, key)
        if not isinstance(value, str):
            # The value is not shown: a mistyped secret is still a secret.
            raise self.fail(path, f"expected a string, got {_kind(value)}")
        match = _ENV_REFERENCE.match(value)
        if match:
            return SecretSource(key=path, profile=profile, env=match[1])
        if not value:
            raise self.fail(path, "is empty")
        self.literals.append(path)
        return SecretSource(key=path, profile=profile, literal=Secret(value))

    # -- tables -------------------------------------------------------------------------------

    def config(self, data: Mapping[str, Any]) -> ConfigFile:
        self.table(data, "", frozenset({"default_profile", "profiles", "journal", "keys"}))
        profiles_data = self.sub_table(data, "", "profiles")
        profiles: dict[str, Profile] = {}
        for name in profiles_data:
            profiles[name] = self.profile(profiles_data, name)
        journal_data = self.sub_table(data, "", "journal")
        self.table(journal_data, "journal", frozenset({"retention_days", "max_calls"}))
        defaults = JournalSettings()
        journal = JournalSettings(
            retention_days=self.integer(
                journal_data, "journal", "retention_days", defaults.retention_days, 1
            ),
            max_calls=self.integer(journal_data, "journal", "max_calls", defaults.max_calls, 1),
        )
        default_profile: str | None = None
        if "default_profile" in data:
            default_profile = self.string(data, "", "default_profile", "")
            if default_profile not in profiles:
                known = ", ".join(sorted(profiles)) or "none"
                raise self.fail("default_profile", f"no profile {default_profile!r} (profiles: {known})")
        self.check_literals_allowed()
        return ConfigFile(
            path=self.path,
            exists=True,
            default_profile=default_profile,
            profiles=profiles,
            journal=journal,
            keys=self.keys(data),
        )

    def keys(self, data: Mapping[str, Any]) -> dict[str, str]:
        # Unknown ids are not refused here (a typo must not stop the console): `config check`
        # names them and the console ignores them.
        table = self.sub_table(data, "", "keys")
        keys = {}
        for binding_id in table:
            keys[binding_id] = self.string(table, "keys", binding_id, "")
        return keys

    def check_literals_allowed(self) -> None:
        if not self.literals or os.name == "nt":
            # Windows has no owner/group/other mode bits to check.
            return
        try:
            mode = self.path.stat().st_mode
        except OSError as exc:
            raise ConfigFileError(self.path, None, "", f"cannot stat the file ({exc.strerror})") from None
        if mode & 0o077:
            raise self.fail(
                self.literals[0],
                f"a secret is written in clear text but {self.path} can be read by other users "
                f"(mode {mode & 0o777:03o}); run: chmod 600 {shlex.quote(str(self.path))}  "
                "(or use ${ENV_VAR} or a *_command instead)",
            )

    def profile(self, profiles: Mapping[str, Any], name: str) -> Profile:
        prefix = _join("profiles", name)
        data = self.sub_table(profiles, "profiles", name)
        self.table(data, prefix, _PROFILE_KEYS)
        if "url" not in data:
            raise ConfigFileError(self.path, find_key_line(self.text, prefix), prefix, "missing url")
        url_text = self.string(data, prefix, "url", "")
        try:
            url = normalize_base_url(url_text)
        except ConfigError as exc:
            raise self.fail(_join(prefix, "url"), exc.message) from None
        auth = self.string(data, prefix, "auth", "both")
        if auth not in AUTH_MODES:
            raise self.fail(_join(prefix, "auth"), f"must be basic, key or both, not {auth!r}")
        timezone = self.string(data, prefix, "timezone", DEFAULT_PBX_TIMEZONE)
        try:
            pbx_zone(timezone)
        except ValueError as exc:
            raise self.fail(_join(prefix, "timezone"), str(exc)) from None
        poll = self.number(data, prefix, "poll_interval", 3.0, 0.0)
        verify: bool | str = self.boolean(data, prefix, "verify", True)
        if "ca_bundle" in data:
            if not verify:
                raise self.fail(_join(prefix, "ca_bundle"), "set verify = false or ca_bundle, not both")
            bundle = Path(self.string(data, prefix, "ca_bundle", "")).expanduser()
            # A relative bundle lives beside the config file, wherever simotui is started from.
            bundle = bundle if bundle.is_absolute() else self.path.parent / bundle
            if not bundle.is_file():
                raise self.fail(_join(prefix, "ca_bundle"), f"no such file: {bundle}")
            verify = str(bundle)
        timeout = self.number(data, prefix, "request_timeout", 10.0, 0.0)
        if timeout <= 0:
            raise self.fail(_join(prefix, "request_timeout"), "must be more than 0")
        country_code = self.string(data, prefix, "country_code", DEFAULT_COUNTRY_CODE)
        if country_code and not (
            country_code.isascii() and country_code.isdigit() and len(country_code) <= 3
        ):
            raise self.fail(
                _join(prefix, "country_code"), 'expected 1 to 3 digits such as "98", or "" for none'
            )
        downloads: Path | None = None
        if "downloads" in data:
            folder = self.string(data, prefix, "downloads", "")
            if not folder:
                raise self.fail(_join(prefix, "downloads"), "is empty (leave it out for the default)")
            downloads = Path(folder).expanduser()
            # A relative folder lives beside the config file, wherever simotui is started from.
            downloads = downloads if downloads.is_absolute() else self.path.parent / downloads
        return Profile(
            name=name,
            url=url,
            auth=auth,
            username=self.string(data, prefix, "username", ""),
            password=self.secret(data, prefix, "password", name),
            api_key=self.secret(data, prefix, "api_key", name),
            verify=verify,
            timezone=timezone,
            poll_interval=poll or None,
            request_timeout=timeout,
            dial=self.dial(data, prefix),
            campaign=self.campaign(data, prefix),
            hooks=self.hooks(data, prefix, name),
            events=self.events(data, prefix, name),
            country_code=country_code,
            downloads=downloads,
            readonly=self.boolean(data, prefix, "readonly", False),
            archive_after=self.number(data, prefix, "archive_after", 0.0, 0.0) or None,
            bell_on=self.bell_on(data, prefix),
        )

    def bell_on(self, data: Mapping[str, Any], prefix: str) -> tuple[str, ...]:
        from simotui.calls.bell import bell_states

        words = self.strings(data, prefix, "bell_on")
        try:
            bell_states(words)
        except ValueError as exc:
            raise self.fail(_join(prefix, "bell_on"), str(exc)) from None
        return words

    def dial(self, profile: Mapping[str, Any], profile_prefix: str) -> DialDefaults:
        prefix = _join(profile_prefix, "dial")
        data = self.sub_table(profile, profile_prefix, "dial")
        self.table(data, prefix, frozenset({"context", "caller_id", "trunk", "timeout", "call_limit"}))
        d = DialDefaults()
        call_limit = self.integer(data, prefix, "call_limit", 0, 0)
        return DialDefaults(
            context=self.string(data, prefix, "context", d.context),
            caller_id=self.string(data, prefix, "caller_id", d.caller_id),
            trunk_name=self.string(data, prefix, "trunk", d.trunk_name),
            timeout=self.integer(data, prefix, "timeout", d.timeout, 1),
            call_limit=call_limit or None,
        )

    def campaign(self, profile: Mapping[str, Any], profile_prefix: str) -> CampaignDefaults:
        prefix = _join(profile_prefix, "campaign")
        data = self.sub_table(profile, profile_prefix, "campaign")
        self.table(data, prefix, _CAMPAIGN_KEYS)
        c = CampaignDefaults()
        return CampaignDefaults(
            trunk_manager_id=self.string(data, prefix, "trunk_manager_id", c.trunk_manager_id),
            announcement_id=self.string(data, prefix, "announcement_id", c.announcement_id),
            interface_context=self.string(data, prefix, "interface_context", c.interface_context),
            interface_text=self.string(data, prefix, "interface_text", c.interface_text),
            tries=self.integer(data, prefix, "tries", c.tries, 1),
            try_interval=self.integer(data, prefix, "try_interval", c.try_interval, 0),
            remove_when_done=self.boolean(data, prefix, "remove_when_done", c.remove_when_done),
        )

    def events(self, profile: Mapping[str, Any], profile_prefix: str, name: str) -> EventsProfile:
        # The same keys as [hooks] (one listener's hardening), and the relay.
        hooks = self.hooks(profile, profile_prefix, name, table="events", extra=frozenset({"relay"}))
        data = self.sub_table(profile, profile_prefix, "events")
        relay: str | None = None
        if "relay" in data:
            relay = self.string(data, _join(profile_prefix, "events"), "relay", "")
            if not relay.startswith(("http://", "https://")):
                raise self.fail(
                    _join(_join(profile_prefix, "events"), "relay"), "expected an http:// or https:// URL"
                )
        return EventsProfile(
            listen=hooks.listen,
            username=hooks.username,
            password=hooks.password,
            allowed_ips=hooks.allowed_ips,
            trusted_proxies=hooks.trusted_proxies,
            insecure=hooks.insecure,
            relay=relay,
        )

    def hooks(
        self,
        profile: Mapping[str, Any],
        profile_prefix: str,
        name: str,
        table: str = "hooks",
        extra: frozenset[str] = frozenset(),
    ) -> HooksProfile:
        prefix = _join(profile_prefix, table)
        data = self.sub_table(profile, profile_prefix, table)
        self.table(
            data,
            prefix,
            frozenset(
                {
                    "listen",
                    "username",
                    "password",
                    "password_command",
                    "allowed_ips",
                    "trusted_proxies",
                    "insecure",
                }
            )
            | extra,
        )
        listen: str | None = None
        if "listen" in data:
            listen = self.string(data, prefix, "listen", "")
            problem = listen_problem(listen)
            if problem:
                raise self.fail(_join(prefix, "listen"), problem)
        networks = {}
        for key in ("allowed_ips", "trusted_proxies"):
            networks[key] = self.strings(data, prefix, key)
            for entry in networks[key]:
                try:
                    ipaddress.ip_network(entry, strict=False)
                except ValueError:
                    raise self.fail(
                        _join(prefix, key), f"{entry!r} is not an IP address or network"
                    ) from None
        return HooksProfile(
            listen=listen,
            username=self.string(data, prefix, "username", ""),
            password=self.secret(data, prefix, "password", name),
            allowed_ips=networks["allowed_ips"],
            trusted_proxies=networks["trusted_proxies"],
            insecure=self.boolean(data, prefix, "insecure", False),
        )


_PROFILE_KEYS = frozenset(
    {
        "url",
        "auth",
        "username",
        "password",
        "password_command",
        "api_key",
        "api_key_command",
        "verify",
        "ca_bundle",
        "timezone",
        "poll_interval",
        "request_timeout",
        "dial",
        "campaign",
        "hooks",
        "events",
        "bell_on",
        "country_code",
        "downloads",
        "readonly",
        "archive_after",
    }
)
_CAMPAIGN_KEYS = frozenset(
    {
        "trunk_manager_id",
        "announcement_id",
        "interface_context",
        "interface_text",
        "tries",
        "try_interval",
        "remove_when_done",
    }
)


def listen_problem(text: str) -> str | None:
    """Why ``text`` is not ``HOST:PORT`` (``[v6]:PORT`` for IPv6), or None when it is."""
    try:
        parse_listen(text)
    except ValueError as exc:
        return str(exc)
    return None


def _join(prefix: str, key: str) -> str:
    """A dotted key path as TOML writes it: parts that are not bare keys are quoted."""
    part = key if _BARE_KEY.match(key) else '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{prefix}.{part}" if prefix else part


def _kind(value: object) -> str:
    names = {bool: "a boolean", int: "a whole number", float: "a number", str: "a string", list: "a list"}
    if isinstance(value, dict):
        return "a table"
    return names.get(type(value), type(value).__name__)


def _split_key(text: str) -> tuple[str, ...]:
    return tuple(next(g for g in match.groups() if g is not None) for match in _KEY_PART.finditer(text))


def find_key_line(text: str, key: str) -> int | None:
    """The line that sets dotted ``key`` (or opens its table), found by scanning the TOML text.

    Headers and ``a.b = ...`` keys are followed; for a key inside an inline table, the line of
    the inline table. Good enough to point a person at the right place.
    """
    target = _split_key(key)
    table: tuple[str, ...] = ()
    best: tuple[int, int] | None = None  # (length of the matched prefix, line)
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        header = _HEADER.match(stripped)
        if header and not stripped.startswith("[["):
            table = _split_key(header[1])
            candidate = table
        else:
            assignment = _KEY_VALUE.match(stripped)
            if not assignment:
                continue
            candidate = table + _split_key(assignment[1])
        if candidate == target:
            return number
        if len(candidate) < len(target) and target[: len(candidate)] == candidate:
            if best is None or len(candidate) > best[0]:
                best = (len(candidate), number)
    return best[1] if best else None


# ---------------------------------------------------------------------------------------------
# Layers → Settings


def chosen_profile(config: ConfigFile, overrides: Overrides, env: Mapping[str, str]) -> str | None:
    """The profile to use: ``--profile``, ``SIMOTUI_PROFILE``, ``default_profile``, or the only one.

    An explicit URL (``--url`` or ``SIMOTUI_URL``) without an explicit profile uses no profile,
    so a default profile's secrets are never sent to a server the user named by hand.
    """
    explicit = overrides.profile or env.get(ENV_PROFILE, "").strip() or None
    if explicit:
        return explicit
    if overrides.url or env.get(ENV_URL, "").strip():
        return None
    if config.default_profile is None and len(config.profiles) == 1:
        return next(iter(config.profiles))
    return config.default_profile


def has_target(config: ConfigFile, overrides: Overrides, env: Mapping[str, str]) -> bool:
    """Whether the layers name a Simotel at all (a URL or a profile)."""
    return bool(chosen_profile(config, overrides, env) or overrides.url or env.get(ENV_URL, "").strip())


def resolve_settings(
    config: ConfigFile,
    overrides: Overrides | None = None,
    env: Mapping[str, str] | None = None,
    *,
    prompt: Prompt | None = None,
    with_hooks: bool = True,
) -> Settings:
    """Merge flags, environment, profile and defaults into Settings, resolving the needed secrets.

    Args:
        config: the read config file.
        overrides: the command line's values.
        env: the environment (``os.environ`` by default).
        prompt: asks for a secret nothing else provides; None fails instead.
        with_hooks: also resolve the bridge responder's password (only the console needs it).

    Raises:
        ConfigError: no Simotel is named, the profile is unknown, a value is invalid, or a
            secret cannot be had.
    """
    overrides = overrides or Overrides()
    env = os.environ if env is None else env
    name = chosen_profile(config, overrides, env)
    env_url = env.get(ENV_URL, "").strip()
    if name is not None:
        profile = config.profiles.get(name)
        if profile is None:
            known = ", ".join(sorted(config.profiles)) or "none"
            raise ConfigError(f"no profile {name!r} in {config.path} (profiles: {known})")
    elif overrides.url or env_url:
        profile = Profile(name=ADHOC_PROFILE, url=overrides.url or env_url)
    else:
        raise ConfigError(
            f"no Simotel to connect to: give --url or --profile, set {ENV_URL}, or add a profile "
            f"(and default_profile) to {config.path}; `simotui config init` writes an example"
        )
    url = normalize_base_url(overrides.url or env_url or profile.url)
    auth = overrides.auth or env.get(ENV_AUTH, "").strip() or profile.auth
    if auth not in AUTH_MODES:
        source = "--auth" if overrides.auth else ENV_AUTH
        raise ConfigError(f"{source}: must be basic, key or both, not {auth!r}")
    mode: AuthMode = auth
    username = overrides.username or env.get(ENV_USERNAME, "").strip() or profile.username
    where = f"profile {profile.name!r}" if name is not None else "the command line"
    password = api_key = None
    if mode in ("basic", "both"):
        if not username:
            raise ConfigError(
                f"{where}: auth {mode!r} needs a username (username, {ENV_USERNAME} or --username)"
            )
        password = _secret(env, ENV_PASSWORD, profile.password, prompt, "Password", name, "password")
    if mode in ("key", "both"):
        api_key = _secret(env, ENV_API_KEY, profile.api_key, prompt, "API key", name, "api_key")
    timezone = overrides.timezone or env.get(ENV_TIMEZONE, "").strip() or profile.timezone
    try:
        pbx_zone(timezone)
    except ValueError as exc:
        raise ConfigError(f"time zone: {exc}") from None
    return Settings(
        base_url=url,
        credentials=Credentials(mode, username, password, api_key),
        profile=profile.name,
        request_timeout=overrides.request_timeout or profile.request_timeout,
        verify=overrides.verify if overrides.verify is not None else profile.verify,
        pbx_timezone=timezone,
        poll_interval=_poll_interval(overrides, env, profile),
        dial=profile.dial,
        campaign=profile.campaign,
        hooks=_hooks(profile, env) if with_hooks else HooksSettings(),
        events=_events(profile, env) if with_hooks else EventsSettings(),
        country_code=profile.country_code,
        downloads=profile.downloads,
        read_only=profile.readonly,
        archive_after=profile.archive_after,
        bell_on=profile.bell_on,
    )


def _secret(
    env: Mapping[str, str],
    variable: str,
    source: SecretSource | None,
    prompt: Prompt | None,
    label: str,
    profile: str | None,
    key: str,
) -> Secret:
    value = env.get(variable, "")
    if value:
        return Secret(value)
    if source is not None:
        return source.resolve(env)
    if prompt is not None:
        answer = prompt(label)
        if answer:
            return Secret(answer)
    if profile is None:
        raise ConfigError(f"no {label.lower()}: set {variable} (there is no terminal to ask on)")
    table = _join("profiles", profile)
    raise ConfigError(
        f"profile {profile!r}: no {label.lower()}: set {key} or {key}_command in [{table}], or {variable}"
    )


def _poll_interval(overrides: Overrides, env: Mapping[str, str], profile: Profile) -> float | None:
    if overrides.poll_interval is not None:
        return overrides.poll_interval or None
    text = env.get(ENV_POLL_INTERVAL, "").strip()
    if text:
        try:
            value = float(text)
        except ValueError:
            raise ConfigError(f"{ENV_POLL_INTERVAL}: expected seconds, not {text!r}") from None
        if value < 0 or value != value:
            raise ConfigError(f"{ENV_POLL_INTERVAL}: must be 0 (on demand) or more")
        return value or None
    return profile.poll_interval


def _hooks(profile: Profile, env: Mapping[str, str]) -> HooksSettings:
    hooks = profile.hooks
    # The responder's password is only needed when it listens; its command is not run otherwise.
    password = hooks.password.resolve(env) if hooks.password is not None and hooks.listen else None
    return HooksSettings(
        listen=hooks.listen,
        username=hooks.username,
        password=password,
        allowed_ips=hooks.allowed_ips,
        trusted_proxies=hooks.trusted_proxies,
        insecure=hooks.insecure,
    )


def _events(profile: Profile, env: Mapping[str, str]) -> EventsSettings:
    events = profile.events
    password = events.password.resolve(env) if events.password is not None and events.listen else None
    return EventsSettings(
        listen=events.listen,
        username=events.username,
        password=password,
        allowed_ips=events.allowed_ips,
        trusted_proxies=events.trusted_proxies,
        insecure=events.insecure,
        relay=events.relay,
    )


def load_settings(
    overrides: Overrides | None = None,
    env: Mapping[str, str] | None = None,
    *,
    prompt: Prompt | None = None,
    with_hooks: bool = True,
) -> Settings:
    """Read the config file and resolve the chosen profile into Settings (see resolve_settings)."""
    return resolve_settings(load_config(), overrides, env, prompt=prompt, with_hooks=with_hooks)


# ---------------------------------------------------------------------------------------------
# The example file


EXAMPLE_CONFIG = """\
# simotui configuration. `simotui config check` validates it and pings every profile.
# Flags beat SIMOTUI_* environment variables, which beat the profile, which beats the defaults.

# The profile used when neither --profile nor SIMOTUI_PROFILE names one.
default_profile = "sim"

# The local simulator (`simotui sim`); its default credentials are public, so they are written
# here as literals. A literal secret is accepted only while this file is readable by you alone
# (chmod 600).
[profiles.sim]
url = "http://127.0.0.1:8800"
auth = "both"                      # basic | key | both
username = "admin"
password = "simotel"
api_key = "simotui-demo-key"

# A real Simotel. Secrets come from the environment or a command, never from this file:
# [profiles.prod]
# url = "https://pbx.example.com"
# auth = "both"
# username = "api"
# password = "${SIMOTEL_PASSWORD}"           # an environment variable
# api_key_command = "pass show simotel/api-key"   # its standard output, run without a shell
# verify = true                     # false skips TLS checks
# ca_bundle = "/etc/ssl/certs/pbx-ca.pem"   # verify against this CA instead
# timezone = "Asia/Tehran"          # the PBX's time zone
# poll_interval = 3                 # seconds between polls of tracked calls; 0 = on demand
# request_timeout = 10              # seconds per request
# country_code = "98"               # +98… and 0098… are dialled as 0…; "" rewrites nothing
# downloads = "~/simotel-exports"   # exports and recordings (default: ~/Downloads/simotui)
# readonly = true                   # look, never touch: no dial, campaign or removal is sent
# archive_after = 600               # settled calls leave the live panel 10 min after they end
# bell_on = ["answered", "failed", "no CDR"]   # bell + notification when a call reaches one
#
# [profiles.prod.dial]              # dial form defaults
# context = "main_routing"
# caller_id = ""                    # empty presents the caller's own number
# trunk = "Cisco"                   # needed for a PSTN caller
# timeout = 30                      # seconds the first party may ring
# call_limit = 600                  # maximum talk time in seconds; 0 or absent = none
#
# [profiles.prod.campaign]          # campaign-mode defaults
# trunk_manager_id = ""
# announcement_id = ""
# interface_context = "simotui"
# interface_text = "bridge"
# tries = 1
# try_interval = 60
# remove_when_done = true
#
# [profiles.prod.hooks]             # the bridge responder Simotel calls back
# listen = "0.0.0.0:8081"
# username = "simotel"
# password_command = ["pass", "show", "simotel/hooks"]
# trusted_proxies = ["10.0.0.1"]    # a reverse proxy in front: believe its X-Forwarded-For
# insecure = false                  # listen beyond loopback with neither auth nor allow-list
# allowed_ips = ["10.0.0.5", "192.168.1.0/24"]
#
# [profiles.prod.events]            # the receiver Simotel pushes its events to (API settings)
# listen = "0.0.0.0:8082"           # same keys and checks as [hooks]
# username = "simotel"
# password_command = ["pass", "show", "simotel/events"]
# allowed_ips = ["10.0.0.5"]
# relay = "http://10.0.0.7/simotel-hook"   # forward every event as received (optional)

# How much history the journal keeps.
[journal]
retention_days = 90
max_calls = 10000

# Keys: a binding id and the keys that replace its defaults (comma-separated). `simotui config
# check` names an id it does not know; the README lists them all.
[keys]
# "dashboard.recent" = "f6"
# "app.reports" = "ctrl+r,f2"
"""


def write_example(path: Path) -> None:
    """Create ``path`` with :data:`EXAMPLE_CONFIG`, readable by its owner alone.

    Raises:
        ConfigError: the file exists (it is never overwritten) or cannot be written.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # O_EXCL: refuse to replace a file, even one created a moment ago by someone else.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ConfigError(f"{path} already exists; it is not overwritten") from None
    except OSError as exc:
        raise ConfigError(f"cannot create {path} ({exc.strerror})") from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(EXAMPLE_CONFIG)
