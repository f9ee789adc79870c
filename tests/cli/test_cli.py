"""The scripting CLI against the simulator, as a subprocess: output formats and exit codes."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from simotui import paths
from simotui.api import CdrQuery, Pagination, SimotelClient
from simotui.api.dates import pbx_zone
from simotui.export import CDR_CSV_FIELDS, to_json
from simotui.sim import SimConfig, SimulatorHandle, start_simulator
from simotui.store import Journal
from tests.support.clock import clock_running

from .conftest import assert_no_secret, simotui, text

CANARY = "leak-Canary-55-secret"
ORIGINATED_ID = re.compile(r"^orig\.call\.\d+\.\d+$")


# -- ping, exit codes -------------------------------------------------------------------------


def test_ping_with_the_default_profile(profile: Path) -> None:
    result = simotui("ping", "--json")
    out, err = text(result)
    assert result.returncode == 0, err
    answer = json.loads(out)
    assert answer["profile"] == "test"
    assert answer["ms"] >= 0


def test_legacy_ping_flags_still_work(sim: SimulatorHandle) -> None:
    env = {"SIMOTUI_PASSWORD": sim.settings.password, "SIMOTUI_API_KEY": sim.settings.api_key}
    result = simotui("ping", "--url", sim.url, "--username", sim.settings.username, "--timeout", "5", env=env)
    assert result.returncode == 0, result.stderr
    assert text(result)[0].startswith(f"{sim.url}: pong in ")


def test_wrong_credentials_exit_4_without_showing_them(profile: Path) -> None:
    result = simotui("ping", env={"SIMOTUI_PASSWORD": CANARY})
    assert result.returncode == 4
    assert "Authentication failed" in text(result)[1]
    assert_no_secret(result, [CANARY])


def test_unreachable_exit_5(sim: SimulatorHandle) -> None:
    env = {"SIMOTUI_PASSWORD": CANARY, "SIMOTUI_API_KEY": CANARY, "SIMOTUI_USERNAME": "u"}
    result = simotui("ping", "--url", "http://127.0.0.1:9", "--request-timeout", "3", env=env)
    assert result.returncode == 5
    assert "unreachable" in text(result)[1]
    assert_no_secret(result, [CANARY])


def test_bad_config_exit_3_with_file_line_and_key(isolated: Path) -> None:
    config = isolated / "config.toml"
    config.write_text('[profiles.prod]\nurl = "http://a.example.com"\npoll_interval = "soon"\n')
    result = simotui("ping")
    out, err = text(result)
    assert result.returncode == 3
    assert f"{config}, line 3: profiles.prod.poll_interval: expected a number" in err
    assert "Traceback" not in err and out == ""


def test_literal_secret_in_a_readable_file_exit_3_without_showing_it(isolated: Path) -> None:
    config = isolated / "config.toml"
    config.write_text(
        f'[profiles.prod]\nurl = "http://a.example.com"\nusername = "u"\npassword = "{CANARY}"\n'
    )
    config.chmod(0o644)
    result = simotui("ping")
    assert result.returncode == 3
    assert f"chmod 600 {config}" in text(result)[1]
    assert_no_secret(result, [CANARY])


def test_failing_password_command_exit_3_without_its_output(isolated: Path) -> None:
    config = isolated / "config.toml"
    script = isolated / "pw.py"
    script.write_text(f"import sys\nprint({CANARY!r})\nprint({CANARY!r}, file=sys.stderr)\nsys.exit(1)\n")
    config.write_text(
        f'[profiles.prod]\nurl = "http://a.example.com"\nusername = "u"\nauth = "basic"\n'
        f'password_command = ["{sys.executable}", "{script}"]\n'
    )
    result = simotui("ping")
    assert result.returncode == 3
    assert (
        "profiles.prod.password_command (profile 'prod'): the command exited with status 1" in text(result)[1]
    )
    assert_no_secret(result, [CANARY])


def test_profile_choice_env_then_flag(profile: Path, sim: SimulatorHandle) -> None:
    with profile.open("a") as handle:
        handle.write('\n[profiles.dead]\nurl = "http://127.0.0.1:9"\nauth = "key"\n')
        handle.write('api_key = "${SIMOTUI_TEST_SIM_KEY}"\n')
    assert simotui("ping", env={"SIMOTUI_PROFILE": "dead"}).returncode == 5
    assert simotui("ping", "--profile", "test", env={"SIMOTUI_PROFILE": "dead"}).returncode == 0
    assert simotui("--profile", "test", "ping", env={"SIMOTUI_PROFILE": "dead"}).returncode == 0
    assert simotui("ping", "--profile", "nope").returncode == 3


def test_usage_errors_exit_2(profile: Path) -> None:
    assert simotui("originate", "--caller", "557").returncode == 2  # argparse: --callee missing
    result = simotui("originate", "--caller", "55x7", "--callee", "552", "--timeout", "900")
    assert result.returncode == 2
    err = text(result)[1]
    assert "--caller: digits only" in err and "--timeout: must be 5–300 s" in err
    assert simotui("cdr", "search", "--since", "last tuesday").returncode == 2
    assert simotui("recording", "1.2", "-o", "/tmp/x", "--insecure", "--ca-bundle", "x").returncode == 2
    assert not paths.journal_path().exists()  # nothing was dialled


def test_no_command_and_no_target_prints_help(isolated: Path) -> None:
    result = simotui()
    assert result.returncode == 2
    assert "usage: simotui" in text(result)[0]


# -- originate --------------------------------------------------------------------------------


def test_originate_prints_the_id_and_journals_it(profile: Path) -> None:
    result = simotui("originate", "--caller", "557", "--callee", "552")
    out, err = text(result)
    assert result.returncode == 0, err
    call_id = out.strip()
    assert ORIGINATED_ID.match(call_id)
    with Journal(paths.journal_path()) as journal:
        [entry] = journal.history()
        assert (entry.call_id, entry.placement, entry.profile, entry.mode) == (
            call_id,
            "accepted",
            "test",
            "originate",
        )
        assert entry.request["sent"]["call_limit"] == "20"  # the profile's [dial] default
        assert [e.call_id for e in journal.in_flight()] == [call_id]


def test_originate_wait_answered_json(profile: Path, sim: SimulatorHandle) -> None:
    with clock_running(sim):
        result = simotui(
            "originate", "--caller", "557", "--callee", "552", "--call-limit", "8", "--wait", "--json"
        )
    out, err = text(result)
    assert result.returncode == 0, err
    outcome = json.loads(out)
    assert outcome["state"] == "answered" and outcome["placement"] == "accepted"
    assert outcome["disposition"] == "ANSWERED" and not outcome["answer_lost"]
    assert 0 < outcome["billsec"] <= 8
    assert outcome["legs"] and outcome["legs"][0]["originated_call_id"] == outcome["originated_call_id"]
    with Journal(paths.journal_path()) as journal:
        [entry] = journal.history()
        assert (entry.state, entry.disposition, entry.final) == ("answered", "ANSWERED", True)
        assert entry.billsec == outcome["billsec"]
        assert journal.in_flight() == []


def test_originate_wait_busy_exit_7(profile: Path, sim: SimulatorHandle) -> None:
    with clock_running(sim):
        result = simotui("originate", "--caller", "557", "--callee", "09121234599", "--wait")
    out, err = text(result)
    assert result.returncode == 7, err
    assert " 2nd: busy  BUSY " in out


def test_originate_failure_is_journalled(profile: Path) -> None:
    result = simotui("originate", "--caller", "557", "--callee", "552", env={"SIMOTUI_PASSWORD": CANARY})
    assert result.returncode == 4
    # The ping before the dial found the credentials wrong: nothing was journalled, nothing sent.
    assert not paths.journal_path().exists() or Journal(paths.journal_path()).history() == []
    assert_no_secret(result, [CANARY])


def test_originate_refused_by_simotel_is_journalled(profile: Path, sim: SimulatorHandle) -> None:
    sim.settings.denied_services.add("call/originate/act")
    try:
        result = simotui("originate", "--caller", "557", "--callee", "552")
    finally:
        sim.settings.denied_services.discard("call/originate/act")
    assert result.returncode == 4, text(result)[1]
    with Journal(paths.journal_path()) as journal:
        [entry] = journal.history()
        assert (entry.placement, entry.state, entry.error_code, entry.final) == (
            "refused",
            "refused",
            "access_denied",
            True,
        )


# -- cdr search -------------------------------------------------------------------------------


def past_window(sim: SimulatorHandle, days: int = 10) -> tuple[str, str, datetime, datetime]:
    """A window of whole past days of the simulator's history (no new calls land in it)."""
    tz = pbx_zone("Asia/Tehran")
    today = datetime.fromtimestamp(sim.pbx.clock.now(), tz).date()
    first, last = today - timedelta(days=days + 2), today - timedelta(days=3)
    since = datetime(first.year, first.month, first.day, tzinfo=tz)
    until = datetime(last.year, last.month, last.day, 23, 59, tzinfo=tz)
    return first.isoformat(), last.isoformat(), since, until


async def server_records(client: SimotelClient, query: CdrQuery) -> list[object]:
    """Every record of a query, fetched page by page with the client, as plain JSON."""
    records: list[object] = []
    while True:
        page = await client.reports.cdr_search(query, Pagination(len(records), 100, {"starttime": 1}))
        records.extend(json.loads(to_json(cdr.raw)) for cdr in page.records)
        if not page.records or len(records) >= page.total:
            return records


async def test_cdr_search_json_equals_the_servers_records(
    profile: Path, sim: SimulatorHandle, client: SimotelClient
) -> None:
    first, last, since, until = past_window(sim)
    result = simotui("cdr", "search", "--since", first, "--until", last, "--json")
    out, err = text(result)
    assert result.returncode == 0, err
    printed = json.loads(out)
    expected = await server_records(client, CdrQuery(date_from=since, date_to=until))
    assert len(expected) > 500  # more than one page of the CLI's 500
    assert printed == expected
    assert f"{len(expected)} CDRs" in err


async def test_cdr_search_csv_and_limit(profile: Path, sim: SimulatorHandle) -> None:
    first, last, _, _ = past_window(sim, days=2)
    result = simotui("cdr", "search", "--since", first, "--until", last, "--csv", "--limit", "7")
    out, err = text(result)
    assert result.returncode == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert tuple(rows[0]) == CDR_CSV_FIELDS
    assert len(rows) == 8
    index = CDR_CSV_FIELDS.index("start")
    starts = [datetime.fromisoformat(row[index]) for row in rows[1:] if row[index]]
    assert starts == sorted(starts)


async def test_cdr_search_by_cuid_alone(profile: Path, sim: SimulatorHandle, client: SimotelClient) -> None:
    _, _, since, until = past_window(sim, days=1)
    page = await client.reports.cdr_search(CdrQuery(date_from=since, date_to=until), Pagination(0, 1))
    cuid = page.records[0].cuid
    result = simotui("cdr", "search", "--cuid", cuid, "--exact", "--json")
    assert result.returncode == 0, result.stderr
    assert {record["cuid"] for record in json.loads(result.stdout)} == {cuid}


def test_cdr_search_table_goes_to_stdout_and_the_count_to_stderr(profile: Path, sim: SimulatorHandle) -> None:
    first, last, _, _ = past_window(sim, days=1)
    result = simotui("cdr", "search", "--since", first, "--until", last, "--limit", "3")
    out, err = text(result)
    assert result.returncode == 0
    assert len(out.splitlines()) == 3 and " → " in out
    assert err.startswith("simotui: 3 CDRs")


# -- campaign-report --------------------------------------------------------------------------


def test_campaign_report_json_and_csv(profile: Path) -> None:
    result = simotui("campaign-report", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows and all("campaign_id" in row for row in rows)
    campaign = rows[0]["campaign_id"]
    campaign_id = campaign["$oid"] if isinstance(campaign, dict) else campaign
    narrowed = simotui("campaign-report", "--campaign-id", campaign_id, "--csv")
    assert narrowed.returncode == 0, narrowed.stderr
    table = list(csv.DictReader(io.StringIO(narrowed.stdout.decode())))
    assert table and {row["campaign_id"] for row in table} == {campaign_id}


# -- recording --------------------------------------------------------------------------------


async def test_recording_by_cuid_and_by_file(
    profile: Path, sim: SimulatorHandle, client: SimotelClient, tmp_path: Path
) -> None:
    _, _, since, until = past_window(sim)
    page = await client.reports.cdr_search(CdrQuery(date_from=since, date_to=until), Pagination(0, 200))
    recorded = next(cdr for cdr in page.records if cdr.record)
    assert recorded.record is not None
    expected, _ = await client.reports.download_audio(recorded.record)

    by_cuid = simotui("recording", recorded.cuid, "-o", str(tmp_path / "call.wav"))
    assert by_cuid.returncode == 0, by_cuid.stderr
    assert (tmp_path / "call.wav").read_bytes() == expected
    assert (tmp_path / "call.wav").stat().st_mode & 0o777 == 0o600
    assert text(by_cuid)[0].strip() == str(tmp_path / "call.wav")

    into_dir = simotui("recording", recorded.record, "-o", str(tmp_path))
    assert into_dir.returncode == 0, into_dir.stderr
    assert (tmp_path / recorded.record).read_bytes() == expected

    to_stdout = simotui("recording", recorded.cuid, "-o", "-")
    assert to_stdout.returncode == 0 and to_stdout.stdout == expected

    again = simotui("recording", recorded.cuid, "-o", str(tmp_path / "call.wav"))
    assert again.returncode == 1 and "--force" in text(again)[1]


def test_recording_of_an_unknown_call_exit_6(profile: Path, tmp_path: Path) -> None:
    result = simotui("recording", "1.2", "-o", str(tmp_path / "x.wav"))
    assert result.returncode == 6
    assert "no CDR has the cuid 1.2" in text(result)[1]
    assert not (tmp_path / "x.wav").exists()


# -- locate and config ------------------------------------------------------------------------


def test_locate(isolated: Path) -> None:
    assert text(simotui("locate", "config"))[0].strip() == str(isolated / "config.toml")
    journal = text(simotui("locate", "journal"))[0].strip()
    assert Path(journal).is_relative_to(isolated / "xdg_data_home")
    log = text(simotui("locate", "log"))[0].strip()
    assert Path(log).is_relative_to(isolated)


def test_config_init_then_refuses_to_overwrite(isolated: Path) -> None:
    first = simotui("config", "init")
    assert first.returncode == 0
    path = isolated / "config.toml"
    assert path.stat().st_mode & 0o777 == 0o600
    second = simotui("config", "init")
    assert second.returncode == 3
    assert "already exists" in text(second)[1]


def test_config_check(profile: Path) -> None:
    with profile.open("a") as handle:
        handle.write(
            '\n[profiles.wrong]\nurl = "'
            + re.search(r'url = "([^"]+)"', profile.read_text())[1]  # type: ignore[index]
            + '"\nauth = "key"\napi_key = "${SIMOTUI_TEST_WRONG_KEY}"\n'
        )
    result = simotui("config", "check", env={"SIMOTUI_TEST_WRONG_KEY": CANARY, "SIMOTUI_PASSWORD": CANARY})
    out, _ = text(result)
    assert result.returncode == 4
    lines = out.splitlines()
    assert lines[0].endswith(": valid")
    assert re.match(r"^test\s+OK\s+http://127\.0\.0\.1:\d+\s+pong in \d+ ms \(default\)$", lines[1])
    assert re.match(r"^wrong\s+FAILED\s+Authentication failed: ", lines[2])
    assert_no_secret(result, [CANARY])


def test_config_check_names_unknown_key_binding_ids(profile: Path) -> None:
    with profile.open("a") as handle:
        handle.write(
            '\n[keys]\n"dashboard.recent" = "f6"\n"dashboard.recnet" = "f7"\n"confirm.yes" = "enter"\n'
        )
    result = simotui("config", "check")
    out, _ = text(result)
    assert result.returncode == 3, out
    assert "[keys] unknown binding id 'dashboard.recnet'" in out
    assert "[keys] confirm.yes: enter cannot dial" in out
    assert "dashboard.recent" not in out  # a known id with a key is fine
    assert re.search(r"^test\s+OK\s", out, re.MULTILINE)  # the profiles are still checked


def test_config_check_without_a_file(isolated: Path) -> None:
    result = simotui("config", "check")
    assert result.returncode == 3
    assert "config init" in text(result)[1]


def test_originate_wait_follows_a_call_whose_answer_a_gateway_lost(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A gateway answers 502 to every originate after forwarding it: the call is still followed."""
    faulty = start_simulator(SimConfig(seed=4, speed=50, faults="originate:error5xx@after=1"))
    try:
        monkeypatch.setenv("SIMOTUI_TEST_SIM_PASSWORD", faulty.settings.password)
        monkeypatch.setenv("SIMOTUI_TEST_SIM_KEY", faulty.settings.api_key)
        (isolated / "config.toml").write_text(
            f"""default_profile = "lossy"

[profiles.lossy]
url = "{faulty.url}"
username = "{faulty.settings.username}"
password = "${{SIMOTUI_TEST_SIM_PASSWORD}}"
api_key = "${{SIMOTUI_TEST_SIM_KEY}}"
poll_interval = 0.2
""",
            encoding="utf-8",
        )
        result = simotui(
            "originate", "--caller", "557", "--callee", "552", "--call-limit", "10", "--wait", "--json"
        )
        out, err = text(result)
        assert result.returncode == 0, err
        outcome = json.loads(out)
        assert outcome["state"] == "answered" and outcome["disposition"] == "ANSWERED"
        assert outcome["placement"] == "found" and outcome["answer_lost"] is True
        assert "502" in outcome["note"] or "503" in outcome["note"] or "504" in outcome["note"]
        assert "MAY HAVE BEEN PLACED" in err and "NOT retried" in err
        placed = [r for r in faulty.requests if r.path.endswith("call/originate/act")]
        assert len(placed) == 1 and placed[0].processed  # one originate, never retried
        assert outcome["originated_call_id"] == next(iter(faulty.pbx.originated))
        with Journal(paths.journal_path()) as journal:
            [entry] = journal.history()
            assert (entry.placement, entry.state, entry.final) == ("found", "answered", True)
    finally:
        faulty.stop()


def test_originate_without_wait_reports_a_lost_answer_as_unknown(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    faulty = start_simulator(SimConfig(seed=4, speed=0, faults="originate:error5xx@after=1"))
    try:
        monkeypatch.setenv("SIMOTUI_PASSWORD", faulty.settings.password)
        monkeypatch.setenv("SIMOTUI_API_KEY", faulty.settings.api_key)
        result = simotui(
            "originate",
            "--url",
            faulty.url,
            "--username",
            "admin",
            "--caller",
            "557",
            "--callee",
            "552",
            "--json",
        )
        out, err = text(result)
        assert result.returncode == 6, err  # an answer that is not Simotel's
        outcome = json.loads(out)
        assert outcome["state"] == "may have been placed" and outcome["placement"] == "unknown"
        assert "MAY HAVE BEEN PLACED" in err
        with Journal(paths.journal_path()) as journal:
            [entry] = journal.in_flight()  # still to be found by the next run that polls
            assert entry.placement == "unknown"
    finally:
        faulty.stop()


def test_originate_sends_ascii_numbers_typed_in_any_script(profile: Path, sim: SimulatorHandle) -> None:
    result = simotui("originate", "--caller", "۵۵۷", "--callee", "0912 123-4567", "--timeout", "۲۵")
    out, err = text(result)
    assert result.returncode == 0, err
    call_id = out.strip()
    body = next(
        r.body
        for r in reversed(sim.requests)
        if r.path.endswith("call/originate/act")
        and isinstance(r.body, dict)
        and r.body.get("caller") == "557"
    )
    assert (body["caller"], body["callee"], body["caller_id"], body["timeout"]) == (
        "557",
        "09121234567",
        "557",
        "25",
    )
    with Journal(paths.journal_path()) as journal:
        [entry] = journal.history()
        assert entry.call_id == call_id and entry.request["sent"]["callee"] == "09121234567"


def test_originate_turns_the_country_code_into_the_trunk_prefix(profile: Path, sim: SimulatorHandle) -> None:
    result = simotui("originate", "--caller", "557", "--callee", "+98 912 123 4500", "--json")
    _out, err = text(result)
    assert result.returncode == 0, err
    body = next(r.body for r in reversed(sim.requests) if r.path.endswith("call/originate/act"))
    assert isinstance(body, dict) and body["callee"] == "09121234500"
