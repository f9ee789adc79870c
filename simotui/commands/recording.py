"""``simotui recording``: download a call's recording, by the call's cuid or the file's name."""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import tempfile
from pathlib import Path

from simotui.api.client import SimotelClient
from simotui.api.models import CdrQuery, Pagination
from simotui.commands.args import ExitCode
from simotui.commands.common import Connection, connect, say
from simotui.errors import ApiError, SimotuiError

# Asterisk unique ids look like ``1795358875.322``; recording names carry a date and an extension.
CUID = re.compile(r"^\d+\.\d+$")


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:
    """Add ``recording``."""
    parser = commands.add_parser(
        "recording",
        parents=[parent],
        help="download a call recording by cuid or file name",
        description="Download a recording (reports/audio/download). Given a cuid, the file is the "
        "'record' of that call's CDR (found by quick search). -o - writes to standard output; -o DIR "
        "keeps the server's file name. The path written is printed.",
    )
    parser.add_argument("target", metavar="CUID_OR_FILE", help="a call's cuid, or a recording file name")
    parser.add_argument("-o", "--output", required=True, metavar="PATH", help="file, directory, or -")
    parser.add_argument("--force", action="store_true", help="replace an existing file")
    parser.set_defaults(run=run)


async def recording_file(client: SimotelClient, target: str) -> str:
    """The recording file name a cuid's CDR names, or ``target`` itself when it is not a cuid.

    Raises:
        ApiError: no CDR has that cuid, or none of its rows has a recording.
    """
    if not CUID.match(target):
        return target
    page = await client.reports.quick_search(CdrQuery(cuid=target, alike=False), Pagination(0, 100))
    if not page.records:
        raise ApiError(f"no CDR has the cuid {target}", code="not_found", title="Not found")
    files = list(dict.fromkeys(cdr.record for cdr in page.records if cdr.record))
    if not files:
        raise ApiError(f"the call {target} was not recorded", code="no_recording", title="No recording")
    if len(files) > 1:
        others = ", ".join(files[1:])
        say(f"simotui: the call has {len(files)} recordings; taking {files[0]} (others: {others})")
    return files[0]


def destination(output: str, file: str) -> Path:
    """The path to write: ``output``, or the server's base name inside ``output`` when it is a directory."""
    path = Path(output).expanduser()
    if path.is_dir():
        # Only the base name: a server-chosen path must not climb out of the directory.
        return path / Path(file.replace("\\", "/")).name
    return path


def write_file(path: Path, content: bytes, *, force: bool) -> None:
    """Write atomically (a temporary file renamed over), refusing to replace unless ``force``."""
    if path.exists() and not force:
        raise SimotuiError(f"{path} exists; add --force to replace it", title="Not written")
    fd, temporary = tempfile.mkstemp(prefix=".simotui-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def run(args: argparse.Namespace) -> int:
    """Find, download and write the recording."""
    connection = connect(args)
    return asyncio.run(_download(args, connection))


async def _download(args: argparse.Namespace, connection: Connection) -> int:
    async with connection.client() as client:
        file = await recording_file(client, args.target)
        content, content_type = await client.reports.download_audio(file)
    if args.output == "-":
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
        say(f"simotui: {file}: {len(content)} bytes ({content_type or 'unknown type'})")
        return ExitCode.OK
    path = destination(args.output, file)
    try:
        write_file(path, content, force=args.force)
    except OSError as exc:
        raise SimotuiError(f"cannot write {path}: {exc.strerror or exc}", title="Not written") from None
    say(f"simotui: {file}: {len(content)} bytes ({content_type or 'unknown type'})")
    print(path)
    return ExitCode.OK
