"""Bad flag and config values get one clear line and a usage exit code, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from simotui import cli

DEAD = "http://127.0.0.1:9"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    """Run the CLI in-process; the exit code and what it printed to stderr."""
    try:
        code = cli.main(list(argv))
    except SystemExit as exit_:  # argparse's usage errors
        code = int(exit_.code or 0)
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    return code, err


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (("ping", "--url", DEAD, "--timeout", "²"), "--timeout: not a number: '²'"),
        (("ping", "--url", DEAD, "--timeout", "①⓪"), "--timeout: not a number"),
        (("ping", "--url", DEAD, "--timeout", "nan"), "--timeout: must be a finite number above 0"),
        (("ping", "--url", DEAD, "--timeout", "inf"), "--timeout: must be a finite number above 0"),
        (("ping", "--url", DEAD, "--timeout", "0"), "--timeout: must be a finite number above 0"),
        (("ping", "--url", DEAD, "--request-timeout=-inf"), "--request-timeout: must be a finite"),
        (("ping", "--url", DEAD, "--poll-interval", "nan"), "--poll-interval: must be a finite number"),
        (("ping", "--url", "http://[::1"), "--url: the Simotel URL 'http://[::1' cannot be read"),
        (("ping", "--url", "http://pbx:99999"), "cannot be read: Port out of range"),
        (("ping", "--url", "http://:80"), "must look like http(s)://host[:port]"),
        (("--url", "http://[::1"), "--url: the Simotel URL"),
        (("sim", "--speed", "nan"), "--speed: must be a finite number"),
        (("sim", "--speed", "inf"), "--speed: must be a finite number"),
        (("sim", "--port", "①"), "--port: not a whole number: '①'"),
        (("sim", "--seed", "²"), "--seed: not a whole number"),
        (("sim", "--history", "³"), "--history: not a whole number"),
        (("originate", "--url", DEAD, "--caller", "557", "--callee", "552", "--timeout", "²"), "--timeout"),
    ],
)
def test_bad_flags_are_usage_errors(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    argv: tuple[str, ...],
    words: str,
) -> None:
    # Credentials that load, so each check is reached whatever order they run in.
    monkeypatch.setenv("SIMOTUI_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("SIMOTUI_AUTH", "key")
    monkeypatch.setenv("SIMOTUI_API_KEY", "k")
    code, err = run(capsys, *argv)
    assert code == 2 and words in err, err


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("request_timeout = nan", "profiles.p.request_timeout: must be a finite number, not nan"),
        ("poll_interval = inf", "profiles.p.poll_interval: must be a finite number, not inf"),
        ("poll_interval = -inf", "profiles.p.poll_interval: must be a finite number"),
        ('url = "http://[::1"', "profiles.p.url: the Simotel URL 'http://[::1' cannot be read"),
        ("x = " + "[" * 5000 + "]" * 5000, "nested far too deeply"),
        ("x = " + "{a=" * 5000 + "1" + "}" * 5000, "nested far too deeply"),
    ],
)
def test_bad_config_values_are_config_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, words: str
) -> None:
    config = tmp_path / "config.toml"
    lines = ["[profiles.p]", 'auth = "key"', 'api_key = "k"']
    if not body.startswith("url"):
        lines.append('url = "http://127.0.0.1:9"')
    config.write_text("\n".join([*lines, body, ""]), encoding="utf-8")
    config.chmod(0o600)
    monkeypatch.setenv("SIMOTUI_CONFIG", str(config))
    code, err = run(capsys, "ping", "--profile", "p")
    assert code == 3 and words in err, err


@pytest.mark.parametrize(
    ("argv", "name", "value"),
    [
        (("sim", "--history", "٣"), "history", 3),
        (("sim", "--port", "۸۸۰۱"), "port", 8801),
        (("sim", "--seed", "１２"), "seed", 12),
        (("sim", "--speed", "۲.۵"), "speed", 2.5),
        (("ping", "--timeout", "۳"), "request_timeout", 3.0),
        (("cdr", "search", "--limit", "۱۰", "--from", "۰۹۱۲ ۱۲۳"), "limit", 10),
        (("cdr", "search", "--from", "۰۹۱۲ ۱۲۳-۴"), "src", "09121234"),
        (("campaign-report", "--number", "(0912) 123.45"), "number", "091212345"),
    ],
)
def test_number_flags_take_digits_of_any_script(argv: tuple[str, ...], name: str, value: object) -> None:
    args = cli.build_parser(list(argv)).parse_args(list(argv))
    assert getattr(args, name) == value
