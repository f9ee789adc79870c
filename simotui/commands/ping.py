"""``simotui ping``: does the server answer, and does it accept the credentials?"""

from __future__ import annotations

import argparse
import asyncio

from simotui.commands.args import ExitCode
from simotui.commands.common import connect
from simotui.export import to_json
from simotui.flags import positive_float


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:
    """Add ``ping``."""
    parser = commands.add_parser(
        "ping",
        parents=[parent],
        help="check that a Simotel answers and accepts the credentials",
        description="Ping a Simotel (setting/ping). Secrets come from the profile, SIMOTUI_PASSWORD "
        "and SIMOTUI_API_KEY, or a hidden prompt; never from the command line.",
    )
    # Kept from earlier versions: the request timeout, as --request-timeout elsewhere.
    parser.add_argument(
        "--timeout",
        dest="request_timeout",
        type=positive_float,
        default=argparse.SUPPRESS,
        help=argparse.SUPPRESS,
    )
    parser.add_argument("--json", action="store_true", help="print {url, profile, ms} as JSON")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Ping once and print the round trip."""
    connection = connect(args)

    async def ping() -> float:
        async with connection.client() as client:
            return await client.setting.ping()

    elapsed = asyncio.run(ping())
    settings = connection.settings
    if args.json:
        print(
            to_json({"url": settings.base_url, "profile": settings.profile, "ms": round(elapsed * 1000, 1)})
        )
    else:
        print(f"{settings.base_url}: pong in {elapsed * 1000:.0f} ms")
    return ExitCode.OK
