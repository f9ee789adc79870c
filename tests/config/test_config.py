"""Profiles, layers and secrets: precedence, every refusal, and no secret in any message."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from simotui import paths
from simotui.config import (
    EXAMPLE_CONFIG,
    ConfigFileError,
    Overrides,
    SecretSource,
    find_key_line,
    load_config,
    load_settings,
    resolve_settings,
    write_example,
)
from simotui.errors import ConfigError

PY = sys.executable
SECRET_PASSWORD = "pw-Zebra-71-secret"
SECRET_KEY = "key-Quokka-93-secret"


def write(path: Path, text: str, mode: int = 0o600) -> Path:
    """Write a config file with the given permissions."""
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def config_path() -> Path:
    return paths.config_file()


PRECEDENCE = f"""\
default_profile = "prod"

[profiles.prod]
url = "https://prod.example.com/api/v4/"
auth = "both"
username = "file-user"
password = "${{PROD_PW}}"
api_key_command = ["{PY}", "-c", "print('  {SECRET_KEY}  ')"]
timezone = "Europe/Berlin"
poll_interval = 5
request_timeout = 4.5
verify = false

[profiles.prod.dial]
context = "sales"
caller_id = "02100"
trunk = "Cisco"
timeout = 45
call_limit = 600

[profiles.prod.campaign]
trunk_manager_id = "tm1"
tries = 3
remove_when_done = false

[profiles.prod.hooks]
listen = "0.0.0.0:8081"
username = "hook"
password = "${{HOOK_PW}}"
allowed_ips = ["10.0.0.5", "192.168.1.0/24"]
trusted_proxies = ["10.0.0.1"]

[profiles.lab]
url = "http://lab.example.com"
auth = "key"
api_key = "${{LAB_KEY}}"

[journal]
retention_days = 30
max_calls = 500
"""


# -- precedence --------------------------------------------------------------------------------


def test_profile_values_and_defaults() -> None:
    write(config_path(), PRECEDENCE)
    env = {"PROD_PW": SECRET_PASSWORD, "HOOK_PW": "hook-secret"}
    settings = load_settings(env=env)
    assert settings.profile == "prod"
    assert settings.base_url == "https://prod.example.com"
    assert settings.credentials.username == "file-user"
    assert settings.credentials.password is not None
    assert settings.credentials.password.reveal() == SECRET_PASSWORD
    assert settings.credentials.api_key is not None
    assert settings.credentials.api_key.reveal() == SECRET_KEY  # stdout, stripped
    assert settings.pbx_timezone == "Europe/Berlin"
    assert settings.poll_interval == 5.0
    assert settings.request_timeout == 4.5
    assert settings.verify is False
    assert settings.dial.context == "sales"
    assert settings.dial.trunk_name == "Cisco"
    assert settings.dial.timeout == 45
    assert settings.dial.call_limit == 600
    assert settings.campaign.trunk_manager_id == "tm1"
    assert settings.campaign.tries == 3
    assert settings.campaign.remove_when_done is False
    assert settings.campaign.interface_context == "simotui"  # default kept
    assert settings.hooks.listen == "0.0.0.0:8081"
    assert settings.hooks.password is not None and settings.hooks.password.reveal() == "hook-secret"
    assert settings.hooks.allowed_ips == ("10.0.0.5", "192.168.1.0/24")
    assert settings.hooks.trusted_proxies == ("10.0.0.1",) and settings.hooks.insecure is False
    assert settings.hooks.protection == "Basic auth + 2 allowed address(es)"
    config = load_config()
    assert (config.journal.retention_days, config.journal.max_calls) == (30, 500)


def test_env_beats_profile_and_flags_beat_env() -> None:
    write(config_path(), PRECEDENCE)
    env = {
        "PROD_PW": SECRET_PASSWORD,
        "HOOK_PW": "h",
        "SIMOTUI_USERNAME": "env-user",
        "SIMOTUI_TIMEZONE": "Asia/Tehran",
        "SIMOTUI_POLL_INTERVAL": "7",
        "SIMOTUI_PASSWORD": "env-password",
        "SIMOTUI_URL": "http://env.example.com",
        "SIMOTUI_PROFILE": "prod",
    }
    from_env = resolve_settings(load_config(), Overrides(), env)
    assert from_env.credentials.username == "env-user"
    assert from_env.pbx_timezone == "Asia/Tehran"
    assert from_env.poll_interval == 7.0
    assert from_env.credentials.password is not None
    assert from_env.credentials.password.reveal() == "env-password"
    assert from_env.base_url == "http://env.example.com"
    flags = Overrides(
        url="http://flag.example.com",
        username="flag-user",
        timezone="UTC",
        poll_interval=0,
        request_timeout=2,
        verify="/tmp/ca.pem",
        auth="key",
    )
    from_flags = resolve_settings(load_config(), flags, env)
    assert from_flags.base_url == "http://flag.example.com"
    assert from_flags.credentials.username == "flag-user"
    assert from_flags.credentials.mode == "key"
    assert from_flags.pbx_timezone == "UTC"
    assert from_flags.poll_interval is None  # 0 = poll on demand
    assert from_flags.request_timeout == 2
    assert from_flags.verify == "/tmp/ca.pem"


def test_profile_choice_flag_then_env_then_default() -> None:
    write(config_path(), PRECEDENCE)
    env = {"PROD_PW": "p", "HOOK_PW": "h", "LAB_KEY": "lab", "SIMOTUI_PROFILE": "lab"}
    assert resolve_settings(load_config(), Overrides(), env).profile == "lab"
    assert resolve_settings(load_config(), Overrides(profile="prod"), env).profile == "prod"
    del env["SIMOTUI_PROFILE"]
    assert resolve_settings(load_config(), Overrides(), env).profile == "prod"


def test_explicit_url_without_profile_ignores_the_default_profile() -> None:
    write(config_path(), PRECEDENCE)
    env = {"SIMOTUI_PASSWORD": "p", "SIMOTUI_API_KEY": "k", "SIMOTUI_USERNAME": "u"}
    settings = resolve_settings(load_config(), Overrides(url="http://other.example.com"), env)
    assert settings.profile == "cli"
    assert settings.pbx_timezone == "Asia/Tehran"  # not the prod profile's Europe/Berlin
    assert settings.dial.context == "main_routing"


def test_no_file_no_target_and_unknown_profile() -> None:
    with pytest.raises(ConfigError, match="no Simotel to connect to"):
        load_settings(env={})
    assert not load_config().exists
    write(config_path(), PRECEDENCE)
    with pytest.raises(ConfigError, match=r"no profile 'nope'.*profiles: lab, prod"):
        load_settings(Overrides(profile="nope"), env={})


def test_only_the_secrets_the_auth_mode_needs_are_resolved(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    write(
        config_path(),
        f"""[profiles.k]
url = "http://k.example.com"
auth = "key"
api_key = "${{K}}"
password_command = ["{PY}", "-c", "open({str(marker)!r}, 'w')"]
""",
    )
    settings = load_settings(env={"K": "kk"})
    assert settings.credentials.password is None
    assert not marker.exists()


def test_missing_secret_is_asked_or_refused() -> None:
    write(config_path(), '[profiles.p]\nurl = "http://p.example.com"\nusername = "u"\nauth = "basic"\n')
    asked: list[str] = []

    def prompt(label: str) -> str:
        asked.append(label)
        return "typed"

    settings = load_settings(env={}, prompt=prompt)
    assert asked == ["Password"]
    assert settings.credentials.password is not None and settings.credentials.password.reveal() == "typed"
    with pytest.raises(ConfigError, match=r"profile 'p': no password: set password or password_command.*"):
        load_settings(env={})


# -- refusals ---------------------------------------------------------------------------------


def load_error(text: str, mode: int = 0o600) -> ConfigFileError:
    write(config_path(), text, mode)
    with pytest.raises(ConfigFileError) as info:
        load_config()
    return info.value


def test_syntax_error_names_file_and_line() -> None:
    error = load_error('default_profile = "a"\n\n[profiles.a]\nurl = "http://a\n')
    assert error.line == 4
    assert str(config_path()) in error.message
    assert ", line 4:" in error.message
    assert "TOML syntax error" in error.message


def test_unknown_key_names_line_and_key_path() -> None:
    error = load_error('[profiles.prod]\nurl = "http://a.example.com"\n\npoll_intervall = 3\n')
    assert (error.line, error.key) == (4, "profiles.prod.poll_intervall")
    assert "unknown key" in error.message and "poll_interval" in error.message
    assert error.message.startswith(f"{config_path()}, line 4: profiles.prod.poll_intervall: ")


def test_unknown_key_in_a_sub_table() -> None:
    error = load_error(
        '[profiles.prod]\nurl = "http://a.example.com"\n[profiles.prod.dial]\ncontext = "x"\ntimout = 3\n'
    )
    assert (error.line, error.key) == (5, "profiles.prod.dial.timout")


def test_unknown_top_level_key() -> None:
    error = load_error('colour = "blue"\n')
    assert (error.line, error.key) == (1, "colour")


def test_wrong_type_names_line_key_and_types() -> None:
    error = load_error('[profiles.prod]\nurl = "http://a.example.com"\npoll_interval = "fast"\n')
    assert (error.line, error.key) == (3, "profiles.prod.poll_interval")
    assert "expected a number, got a string" in error.message


@pytest.mark.parametrize(
    ("body", "key", "problem"),
    [
        ('verify = "yes"', "profiles.p.verify", "expected true or false"),
        ("request_timeout = true", "profiles.p.request_timeout", "expected a number, got a boolean"),
        ('dial = { timeout = "30" }', "profiles.p.dial.timeout", "expected a whole number"),
        ("auth = 'token'", "profiles.p.auth", "must be basic, key or both"),
        ("timezone = 'Mars/Olympus'", "profiles.p.timezone", "unknown time zone"),
        ("poll_interval = -1", "profiles.p.poll_interval", "must be 0 or more"),
        ("hooks.listen = '8081'", "profiles.p.hooks.listen", "expected HOST:PORT"),
        ("hooks.allowed_ips = ['10.0.0.300']", "profiles.p.hooks.allowed_ips", "not an IP address"),
        ("hooks.trusted_proxies = ['proxy']", "profiles.p.hooks.trusted_proxies", "not an IP address"),
        ("hooks.insecure = 'yes'", "profiles.p.hooks.insecure", "expected true or false"),
        ("ca_bundle = 'nowhere.pem'", "profiles.p.ca_bundle", "no such file"),
        ("password = 5", "profiles.p.password", "expected a string, got a whole number"),
        ("password_command = 5", "profiles.p.password_command", "expected a string or a list"),
        ("api_key_command = ''", "profiles.p.api_key_command", "names no command"),
    ],
)
def test_bad_values(body: str, key: str, problem: str) -> None:
    error = load_error(f'[profiles.p]\nurl = "http://a.example.com"\n{body}\n')
    assert error.key == key
    assert error.line == 3
    assert problem in error.message


def test_wrong_type_inside_an_inline_table_points_at_its_line() -> None:
    error = load_error('[profiles.p]\nurl = "http://a.example.com"\n\ndial = { context = 5 }\n')
    assert (error.line, error.key) == (4, "profiles.p.dial.context")


def test_missing_url() -> None:
    error = load_error('default_profile = "p"\n\n[profiles.p]\nusername = "u"\n')
    assert (error.line, error.key) == (3, "profiles.p")
    assert "missing url" in error.message


def test_bad_url_and_default_profile() -> None:
    assert "http(s)://host" in load_error('[profiles.p]\nurl = "pbx.example.com"\n').message
    error = load_error('default_profile = "q"\n[profiles.p]\nurl = "http://a.example.com"\n')
    assert (error.line, error.key) == (1, "default_profile")


def test_password_and_password_command_together() -> None:
    error = load_error(
        '[profiles.p]\nurl = "http://a.example.com"\npassword = "${X}"\npassword_command = "pass show x"\n'
    )
    assert (error.line, error.key) == (4, "profiles.p.password_command")
    assert "not both" in error.message


def test_journal_limits_must_be_positive() -> None:
    error = load_error("[journal]\nretention_days = 0\n")
    assert (error.line, error.key) == (2, "journal.retention_days")


@pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")
@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o660])
def test_literal_secret_in_a_file_others_can_read_is_refused(mode: int) -> None:
    text = f'[profiles.p]\nurl = "http://a.example.com"\nusername = "u"\npassword = "{SECRET_PASSWORD}"\n'
    error = load_error(text, mode)
    assert error.key == "profiles.p.password"
    assert error.line == 4
    assert f"chmod 600 {config_path()}" in error.message
    assert str(config_path()) in error.message
    assert SECRET_PASSWORD not in error.message
    config_path().chmod(0o600)
    config = load_config()
    assert config.profiles["p"].password is not None


@pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")
def test_secrets_by_reference_need_no_private_file() -> None:
    write(
        config_path(),
        '[profiles.p]\nurl = "http://a.example.com"\npassword = "${PW}"\napi_key_command = "echo k"\n',
        0o644,
    )
    assert load_config().profiles["p"].api_key is not None


def test_literal_hooks_password_is_a_literal_secret_too() -> None:
    error = load_error('[profiles.p]\nurl = "http://a.example.com"\nhooks.password = "hp"\n', 0o644)
    assert error.key == "profiles.p.hooks.password"


# -- resolving secrets ------------------------------------------------------------------------


def test_missing_environment_variable() -> None:
    write(
        config_path(),
        '[profiles.prod]\nurl = "http://a.example.com"\nusername = "u"\npassword = "${PROD_PW}"\n',
    )
    with pytest.raises(ConfigError) as info:
        load_settings(Overrides(profile="prod"), env={"SIMOTUI_API_KEY": "k"})
    message = info.value.message
    assert "profiles.prod.password" in message and "'prod'" in message
    assert "PROD_PW" in message and "not set" in message
    with pytest.raises(ConfigError, match="is empty"):
        load_settings(Overrides(profile="prod"), env={"SIMOTUI_API_KEY": "k", "PROD_PW": ""})


def test_failing_command_names_profile_and_key_but_not_its_output(tmp_path: Path) -> None:
    script = tmp_path / "secret.py"
    script.write_text(
        f"import sys\nprint({SECRET_PASSWORD!r})\nprint({SECRET_KEY!r}, file=sys.stderr)\nsys.exit(3)\n"
    )
    write(
        config_path(),
        f'[profiles.prod]\nurl = "http://a.example.com"\nusername = "u"\n'
        f'password_command = ["{PY}", "{script}"]\n',
    )
    with pytest.raises(ConfigError) as info:
        load_settings(Overrides(profile="prod", auth="basic"), env={})
    message = info.value.message
    assert "profiles.prod.password_command" in message and "'prod'" in message
    assert "status 3" in message
    assert SECRET_PASSWORD not in message and SECRET_KEY not in message
    assert SECRET_PASSWORD not in repr(info.value) and SECRET_KEY not in repr(info.value)


def test_command_not_found_timeout_and_silence() -> None:
    def source(*argv: str) -> SecretSource:
        return SecretSource(key="profiles.x.api_key_command", profile="x", command=argv)

    with pytest.raises(ConfigError, match="command not found: no-such-simotui-helper"):
        source("no-such-simotui-helper").resolve({})
    with pytest.raises(ConfigError, match=r"did not finish within 0\.5 s"):
        source(PY, "-c", "import time; time.sleep(5)").resolve({}, timeout=0.5)
    with pytest.raises(ConfigError, match="printed nothing"):
        source(PY, "-c", "print('   ')").resolve({})


def test_command_runs_without_a_shell(tmp_path: Path) -> None:
    target = tmp_path / "pwned"
    source = SecretSource(
        key="profiles.x.password_command",
        profile="x",
        command=(PY, "-c", "import sys; print(sys.argv[1])", f"; touch {target}"),
    )
    assert source.resolve({}).reveal() == f"; touch {target}"
    assert not target.exists()


# -- nothing leaks ----------------------------------------------------------------------------


def test_no_secret_in_any_repr() -> None:
    write(
        config_path(),
        f'[profiles.p]\nurl = "http://a.example.com"\nusername = "u"\npassword = "{SECRET_PASSWORD}"\n'
        f'api_key_command = ["{PY}", "-c", "print(\'{SECRET_KEY}\')", "{SECRET_KEY}"]\n',
    )
    config = load_config()
    settings = resolve_settings(config, Overrides(profile="p"), {})
    for shown in (repr(config), str(config), repr(settings), str(settings), repr(config.profiles["p"])):
        assert SECRET_PASSWORD not in shown
        assert SECRET_KEY not in shown


# -- helpers ----------------------------------------------------------------------------------


def test_find_key_line() -> None:
    text = (
        "# comment\n"
        'default_profile = "a"\n'
        "[profiles.a]\n"
        'url = "x"\n'
        "dial.timeout = 3\n"
        "[profiles.'b c'.dial]\n"
        "  context = 'x'  # trailing\n"
        "[journal]\n"
        "max_calls = 1\n"
    )
    assert find_key_line(text, "default_profile") == 2
    assert find_key_line(text, "profiles.a") == 3
    assert find_key_line(text, "profiles.a.url") == 4
    assert find_key_line(text, "profiles.a.dial.timeout") == 5
    assert find_key_line(text, 'profiles."b c".dial.context') == 7
    assert find_key_line(text, "journal.max_calls") == 9
    assert find_key_line(text, "profiles.a.nothing") == 3  # the nearest enclosing table
    assert find_key_line(text, "elsewhere") is None


def test_example_config_is_valid_and_private(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "config.toml"
    write_example(path)
    if os.name != "nt":
        assert path.stat().st_mode & 0o777 == 0o600
    config = load_config(path)
    assert config.default_profile == "sim"
    assert config.profiles["sim"].url == "http://127.0.0.1:8800"
    with pytest.raises(ConfigError, match="already exists"):
        write_example(path)
    assert path.read_text() == EXAMPLE_CONFIG


def test_every_key_the_example_documents_is_accepted(tmp_path: Path) -> None:
    bundle = tmp_path / "ca.pem"
    bundle.write_text("not checked here")
    lines = []
    for line in EXAMPLE_CONFIG.splitlines():
        stripped = line.removeprefix("# ")
        is_setting = stripped.startswith("[profiles.prod") or (" = " in stripped and line.startswith("# "))
        lines.append(stripped if is_setting and not stripped.startswith("Flags") else line)
    text = "\n".join(lines).replace("/etc/ssl/certs/pbx-ca.pem", str(bundle))
    path = write(tmp_path / "full.toml", text)
    config = load_config(path)
    prod = config.profiles["prod"]
    assert prod.verify == str(bundle)
    assert prod.dial.call_limit == 600
    assert prod.hooks.listen == "0.0.0.0:8081"
    assert prod.hooks.password is not None and prod.hooks.password.command == (
        "pass",
        "show",
        "simotel/hooks",
    )


def test_country_code_downloads_and_keys(isolated: Path) -> None:
    write(
        config_path(),
        """[profiles.p]
url = "http://pbx"
auth = "key"
api_key = "${K}"
country_code = "49"
downloads = "exports"

[keys]
"dashboard.recent" = "f6"
""",
    )
    config = load_config()
    profile = config.profiles["p"]
    assert profile.country_code == "49"
    assert profile.downloads == config_path().parent / "exports"  # beside the config file
    assert config.keys == {"dashboard.recent": "f6"}
    settings = resolve_settings(config, Overrides(profile="p"), {"K": "k"})
    assert (settings.country_code, settings.downloads) == ("49", config_path().parent / "exports")


def test_defaults_are_iran_and_the_downloads_directory(isolated: Path) -> None:
    write(config_path(), '[profiles.p]\nurl = "http://pbx"\nauth = "key"\napi_key = "${K}"\n')
    settings = resolve_settings(load_config(), Overrides(profile="p"), {"K": "k"})
    assert settings.country_code == "98" and settings.downloads is None
    assert paths.downloads_dir() == isolated / "xdg_download_dir" / "simotui"


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ('country_code = "+98"', "profiles.p.country_code: expected 1 to 3 digits"),
        ('country_code = "۹۸"', "profiles.p.country_code: expected 1 to 3 digits"),
        ("country_code = 98", "profiles.p.country_code: expected a string"),
        ('downloads = ""', "profiles.p.downloads: is empty"),
    ],
)
def test_bad_country_code_or_downloads(isolated: Path, line: str, words: str) -> None:
    write(config_path(), f'[profiles.p]\nurl = "http://pbx"\n{line}\n')
    with pytest.raises(ConfigFileError) as caught:
        load_config()
    assert words in caught.value.message


def test_keys_must_be_strings(isolated: Path) -> None:
    write(config_path(), '[keys]\n"app.reports" = 5\n')
    with pytest.raises(ConfigFileError) as caught:
        load_config()
    assert 'keys."app.reports": expected a string' in caught.value.message


def test_readonly_and_archive_after() -> None:
    write(
        config_path(),
        'default_profile = "look"\n\n[profiles.look]\nurl = "https://pbx.example.com"\nauth = "key"\n'
        'api_key = "${K}"\nreadonly = true\narchive_after = 600\n\n'
        '[profiles.plain]\nurl = "https://pbx.example.com"\nauth = "key"\napi_key = "${K}"\n',
    )
    settings = load_settings(env={"K": "k"})
    assert settings.read_only is True and settings.archive_after == 600.0
    plain = load_settings(Overrides(profile="plain"), env={"K": "k"})
    assert plain.read_only is False and plain.archive_after is None
    write(
        config_path(),
        '[profiles.bad]\nurl = "https://pbx.example.com"\nreadonly = "yes"\n',
    )
    with pytest.raises(ConfigFileError, match="readonly"):
        load_config()
