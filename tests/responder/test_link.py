"""running_bridge: what it refuses to open, and what it tells the console."""

from __future__ import annotations

import httpx
import pytest

from simotui.errors import ConfigError
from simotui.responder.link import open_listener_problem, running_bridge
from simotui.secret import Secret
from simotui.settings import HooksSettings


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "10.0.0.7", "pbx-gateway.example"])
def test_an_open_listener_beyond_loopback_is_refused(host: str) -> None:
    problem = open_listener_problem(HooksSettings(listen=f"{host}:8081"), host)
    assert problem is not None and "hooks.allowed_ips" in problem and "hooks.insecure" in problem


@pytest.mark.parametrize(
    "hooks",
    [
        HooksSettings(listen="0.0.0.0:8081", allowed_ips=("10.0.0.5",)),
        HooksSettings(listen="0.0.0.0:8081", username="simotel", password=Secret("pw")),
        HooksSettings(listen="0.0.0.0:8081", insecure=True),
    ],
)
def test_protected_or_insecure_listeners_are_allowed(hooks: HooksSettings) -> None:
    assert open_listener_problem(hooks, "0.0.0.0") is None


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_loopback_may_listen_open(host: str) -> None:
    assert open_listener_problem(HooksSettings(listen=f"{host}:0"), host) is None


def test_running_bridge_raises_before_it_binds() -> None:
    with pytest.raises(ConfigError, match="neither Basic auth nor an IP allow-list"):
        with running_bridge(HooksSettings(listen="0.0.0.0:0")):
            pass


def test_running_bridge_counts_and_describes() -> None:
    hooks = HooksSettings(listen="127.0.0.1:0", allowed_ips=("10.0.0.5",))
    with running_bridge(hooks) as link:
        assert link.protection == "1 allowed address(es)" and link.url
        assert httpx.post(link.url, json={"src": "557"}).status_code == 403
        assert link.stats.refused_total == 1
    assert link.url is None
