"""The console's flags go through the same layers as the subcommands; --demo stays as it was."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from simotui import cli
from simotui.api import Credentials
from simotui.secret import Secret
from simotui.settings import Settings
from simotui.sim import SimulatorHandle


class FakeApp:
    """Stands in for the Textual app: records that it was run."""

    return_code = 0

    def __init__(self, settings: Settings, seen: list[Settings], extras: dict[str, Any]) -> None:
        self.settings = settings
        self.seen = seen
        self.extras = extras

    def run(self) -> None:
        self.seen.append(self.settings)


@pytest.fixture
def launched(monkeypatch: pytest.MonkeyPatch) -> list[Settings]:
    """Settings each console launch was given (no terminal UI is started)."""
    import simotui.ui.app

    seen: list[Settings] = []

    def make_app(settings: Settings, *args: Any, **kwargs: Any) -> FakeApp:
        # The console always gets a journal (kill -9 safety) and a bridge link (campaign mode).
        assert kwargs.get("journal") is not None and kwargs.get("bridge") is not None
        return FakeApp(settings, seen, kwargs)

    monkeypatch.setattr(simotui.ui.app, "make_app", make_app)
    return seen


def test_console_on_the_default_profile(
    profile: Path, sim: SimulatorHandle, launched: list[Settings]
) -> None:
    assert cli.main(["--poll-interval", "0", "--timezone", "UTC"]) == 0
    [settings] = launched
    assert (settings.profile, settings.base_url) == ("test", sim.url)
    assert settings.poll_interval is None
    assert settings.pbx_timezone == "UTC"
    assert settings.dial.call_limit == 20


def test_console_on_a_url_with_env_secrets(
    sim: SimulatorHandle, launched: list[Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIMOTUI_PASSWORD", "p")
    monkeypatch.setenv("SIMOTUI_API_KEY", "k")
    assert cli.main(["--url", sim.url, "--username", "u", "--insecure", "--auth", "basic"]) == 0
    [settings] = launched
    assert (settings.profile, settings.verify, settings.credentials.mode) == ("cli", False, "basic")
    assert settings.credentials.api_key is None


def test_console_without_secrets_or_terminal_is_a_config_error(
    launched: list[Settings], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--url", "http://127.0.0.1:9", "--username", "u"]) == 3
    assert "no password" in capsys.readouterr().err
    assert launched == []


def test_demo_runs_a_demo_session(launched: list[Settings], monkeypatch: pytest.MonkeyPatch) -> None:
    import simotui.demo
    from simotui.responder.link import BridgeLink

    calls: list[dict[str, Any]] = []

    @contextmanager
    def demo_session(**kwargs: Any) -> Iterator[Any]:
        calls.append(kwargs)
        settings = Settings(
            base_url="http://127.0.0.1:1", credentials=Credentials("key", api_key=Secret("k"))
        )
        yield simotui.demo.DemoSession(settings, BridgeLink(), None)  # type: ignore[arg-type]

    monkeypatch.setattr(simotui.demo, "demo_session", demo_session)
    assert cli.main(["--demo", "--seed", "4", "--speed", "2"]) == 0
    assert calls == [{"seed": 4, "speed": 2.0, "poll_interval": 3.0}]
    assert len(launched) == 1


def test_sim_accepts_component_api_url(monkeypatch: pytest.MonkeyPatch) -> None:
    import simotui.sim

    served: list[Any] = []
    monkeypatch.setattr(simotui.sim, "serve", lambda config, host, port: served.append((config, host, port)))
    assert cli.main(["sim", "--port", "0", "--component-api-url", "http://u:p@127.0.0.1:8081/hook"]) == 0
    [(config, host, port)] = served
    assert config.component_api_url == "http://u:p@127.0.0.1:8081/hook"
    assert (host, port) == ("127.0.0.1", 0)


def test_switching_profile_in_the_app_reopens_the_console_on_it(
    profile: Path, sim: SimulatorHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    import simotui.ui.app

    profile.write_text(
        profile.read_text(encoding="utf-8")
        + f"""
[profiles.other]
url = "{sim.url}"
auth = "key"
api_key = "${{SIMOTUI_TEST_SIM_KEY}}"
""",
        encoding="utf-8",
    )
    launches: list[tuple[str, tuple[str, ...]]] = []

    class SwitchingApp(FakeApp):
        def run(self) -> None:
            launches.append((self.settings.profile, tuple(self.extras["profiles"])))
            self.switch_to = "other" if len(launches) == 1 else None

    def make_app(settings: Settings, *args: Any, **kwargs: Any) -> FakeApp:
        return SwitchingApp(settings, [], kwargs)

    monkeypatch.setattr(simotui.ui.app, "make_app", make_app)
    assert cli.main([]) == 0
    assert launches == [("test", ("test", "other")), ("other", ("test", "other"))]


def test_hooks_listen_flag_starts_the_responder_there(
    profile: Path, launched: list[Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert cli.main(["--hooks-listen", f"127.0.0.1:{port}"]) == 0
    [settings] = launched
    assert settings.hooks.listen == f"127.0.0.1:{port}"


def test_bad_hooks_listen_is_a_usage_error(profile: Path, launched: list[Settings]) -> None:
    assert cli.main(["--hooks-listen", "nowhere"]) == 2
    assert launched == []
