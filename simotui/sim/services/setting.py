"""``setting/*``: ping (§2)."""

from __future__ import annotations

from typing import Any

from simotui.sim.services.common import Reply, Service, service
from simotui.sim.state import SimulatedPbx

PING_MESSAGE = "If the 'Ping' event is enabled in the settings menu, you'll receive it when it's sent"


def ping(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``setting/ping/act``: also pushes the Ping event (§7.3)."""
    pbx.webhooks.ping()
    return Reply(PING_MESSAGE, None)


SERVICES: tuple[Service, ...] = (service("setting/ping/act", ping, "PUT"),)
