"""``simotui config init|check``: write an example config, or validate one and ping its profiles."""

from __future__ import annotations

import argparse
import asyncio
import os

from simotui import paths
from simotui.api.client import SimotelClient
from simotui.commands.args import ExitCode, exit_code_for
from simotui.config import (
    ENV_API_KEY,
    ENV_AUTH,
    ENV_PASSWORD,
    ENV_POLL_INTERVAL,
    ENV_PROFILE,
    ENV_TIMEZONE,
    ENV_URL,
    ENV_USERNAME,
    Overrides,
    load_config,
    resolve_settings,
    write_example,
)
from simotui.errors import ConfigError, SimotuiError
from simotui.keymap import keymap_problems
from simotui.settings import Settings

# `config check` checks the file as written: these would change what each profile means.
OVERRIDE_VARIABLES = frozenset(
    {ENV_URL, ENV_USERNAME, ENV_PASSWORD, ENV_API_KEY, ENV_AUTH, ENV_PROFILE, ENV_TIMEZONE, ENV_POLL_INTERVAL}
)


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:
    """Add ``config init`` and ``config check``."""
    parser = commands.add_parser(
        "config",
        help="write an example config file, or check the config file",
        description="Manage the config file (see `simotui locate config`; SIMOTUI_CONFIG overrides it).",
    )
    actions = parser.add_subparsers(dest="config_action", metavar="ACTION", required=True)
    init = actions.add_parser(
        "init",
        help="write a commented example config (never overwrites; mode 600)",
        description="Write a commented example config file, readable by you alone. An existing file is "
        "never overwritten.",
    )
    init.set_defaults(run=run_init)
    check = actions.add_parser(
        "check",
        help="validate the config file and ping every profile",
        description="Validate the config file, then resolve and ping each profile, one line each. "
        "SIMOTUI_* override variables are ignored here: the file is checked as written. Exit 0 when "
        "every profile answers, else the exit code of the first that failed (3 for the file itself).",
    )
    check.set_defaults(run=run_check)


def run_init(args: argparse.Namespace) -> int:
    """Write the example file."""
    path = paths.config_file()
    write_example(path)
    print(path)
    return ExitCode.OK


def run_check(args: argparse.Namespace) -> int:
    """Validate the file and ping each profile."""
    config = load_config()
    if not config.exists:
        raise ConfigError(
            f"there is no config file at {config.path}; `simotui config init` writes an example"
        )
    if not config.profiles:
        print(f"{config.path}: valid, but it has no profiles")
        return ExitCode.CONFIG
    problems = keymap_problems(config.keys)
    worst = ExitCode.CONFIG if problems else ExitCode.OK
    if problems:
        # The console starts anyway and ignores these entries; say which, so they can be fixed.
        print(f"{config.path}: valid, but [keys] has {len(problems)} problem(s) the console ignores:")
        for problem in problems:
            print(f"  [keys] {problem}")
    else:
        print(f"{config.path}: valid")
    env = {key: value for key, value in os.environ.items() if key not in OVERRIDE_VARIABLES}
    width = max(len(name) for name in config.profiles)
    for name in config.profiles:
        marker = " (default)" if name == config.default_profile else ""
        try:
            settings = resolve_settings(config, Overrides(profile=name), env)
            elapsed = asyncio.run(_ping(settings))
        except SimotuiError as error:
            code = exit_code_for(error)
            print(f"{name:<{width}}  FAILED  {error.title}: {error.message}{marker}")
            worst = worst or code
        else:
            print(f"{name:<{width}}  OK      {settings.base_url}  pong in {elapsed * 1000:.0f} ms{marker}")
    return worst


async def _ping(settings: Settings) -> float:
    async with SimotelClient(
        settings.base_url,
        settings.credentials,
        timeout=settings.request_timeout,
        verify=settings.verify,
        pbx_timezone=settings.pbx_timezone,
    ) as client:
        return await client.setting.ping()
