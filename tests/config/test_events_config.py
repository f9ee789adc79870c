"""[profiles.NAME.events]: the receiver's listener, hardened like [hooks], and the relay."""

from __future__ import annotations

from pathlib import Path

import pytest

from simotui.config import ConfigFileError, load_config, resolve_settings


def _write(tmp_path: Path, events: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[profiles.a]\nurl = "http://x"\nauth = "key"\napi_key = "${{K}}"\n[profiles.a.events]\n{events}'
    )
    return path


def test_events_table_resolves_into_settings(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        'listen = "0.0.0.0:8766"\nusername = "simotel"\npassword = "${EVP}"\n'
        'allowed_ips = ["10.0.0.5"]\nrelay = "http://10.0.0.7/hook"\n',
    )
    settings = resolve_settings(load_config(path), env={"K": "k", "EVP": "pw", "SIMOTUI_PROFILE": "a"})
    events = settings.events
    assert (events.listen, events.username, events.allowed_ips, events.relay) == (
        "0.0.0.0:8766",
        "simotel",
        ("10.0.0.5",),
        "http://10.0.0.7/hook",
    )
    assert events.password is not None and events.password.reveal() == "pw"
    assert events.protection == "Basic auth + 1 allowed address(es)"
    assert settings.hooks.listen is None  # the two listeners are configured apart


@pytest.mark.parametrize(
    ("table", "words"),
    [
        ('relay = "ftp://x"\n', "events.relay"),
        ('listen = "nowhere"\n', "events.listen"),
        ('allowed_ips = ["not an ip"]\n', "events.allowed_ips"),
        ('colour = "red"\n', "colour"),
    ],
)
def test_bad_events_tables_are_refused_with_their_key(tmp_path: Path, table: str, words: str) -> None:
    with pytest.raises(ConfigFileError, match=words):
        load_config(_write(tmp_path, table))
