"""The service table: one handler per ``<group>/<resource>/<action>``, laid out like the API.

Each endpoint family is a module named after its path, and declares its own ``SERVICES``:
``setting`` (ping), ``call`` (originate), ``reports``, ``pbx.users``, ``pbx.trunks``,
``pbx.queues`` (and agents), ``pbx.musiconholds``, ``pbx.announcements``, ``pbx.lists``
(black- and whitelists), ``pbx.faxes``, ``voicemails`` (boxes and inbox),
``autodialer.contacts``, ``autodialer.groups``, ``autodialer.campaigns``,
``autodialer.announcements``, ``autodialer.trunks`` (trunk managers), ``autodialer.reports``. A handler turns a parsed body into an
envelope ``message`` and ``data`` (``common.Reply``), or raises ``OperationFailed``.
"""

from __future__ import annotations

from simotui.sim.services import call, reports, setting, voicemails
from simotui.sim.services.autodialer import announcements as autodialer_announcements
from simotui.sim.services.autodialer import campaigns, contacts, groups
from simotui.sim.services.autodialer import reports as autodialer_reports
from simotui.sim.services.autodialer import trunks as trunk_managers
from simotui.sim.services.common import FileNotFound, FileReply, RawReply, Reply, Service, Upload
from simotui.sim.services.pbx import announcements, faxes, lists, musiconholds, queues, trunks, users

__all__ = [
    "ALIASES",
    "SERVICES",
    "FileNotFound",
    "FileReply",
    "RawReply",
    "Reply",
    "Service",
    "Upload",
    "resolve",
]

SERVICES: dict[str, Service] = {
    s.path: s
    for module in (
        setting,
        call,
        reports,
        users,
        trunks,
        queues,
        musiconholds,
        announcements,
        lists,
        faxes,
        voicemails,
        contacts,
        groups,
        campaigns,
        autodialer_announcements,
        trunk_managers,
        autodialer_reports,
    )
    for s in module.SERVICES
}

#: Lenient aliases seen in the docs' language tabs (§0, §13).
ALIASES: dict[str, str] = {
    "reports/cdr": "reports/quick/search",
    "autodialer/trunks": "autodialer/trunks/search",
    # The PHP SDK's inbox download; the docs send it through reports/audio/download.
    "voicemails/audio/download": "reports/audio/download",
}


def resolve(path: str) -> Service | None:
    """The service for a path relative to ``/api/v4/`` (aliases included), or ``None``."""
    key = path.strip("/")
    return SERVICES.get(ALIASES.get(key, key))
