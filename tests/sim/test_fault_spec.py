"""The fault spec: its syntax, strict errors that name the bad part, rule resolution, seeded draws."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter

import pytest

from simotui.cli import build_parser
from simotui.sim.faults import FaultInjector, FaultSpecError, Latency, parse_faults

ORIGINATE = "call/originate/act"
CDR_SEARCH = "reports/cdr/search"
PING = "setting/ping/act"


def test_the_example_spec_parses_and_prints_back_canonically() -> None:
    text = (
        "latency=200ms±100,error5xx=0.1,timeout=0.05,reset=0.02,truncate=0.01,nonjson=0.01,"
        "html404=0.01,restart_every=60s"
    )
    spec = parse_faults(text)
    assert spec.restart_every == 60 and spec.restart_down == 5 and spec.hold == 30
    rules = spec.rules_for(PING)
    assert rules.latency_before == Latency(0.2, 0.1) and rules.latency_after is None
    assert rules.faults == (
        ("error5xx", "before", 0.1),
        ("timeout", "before", 0.05),
        ("reset", "before", 0.02),
        ("truncate", "after", 0.01),
        ("nonjson", "before", 0.01),
        ("html404", "before", 0.01),
    )
    assert parse_faults(str(spec)) == spec
    assert str(parse_faults("latency=1s+-0.5,seed=3,hold=2s")) == "latency=1s±500ms,hold=2s,seed=3"


def test_empty_and_none_mean_no_faults() -> None:
    assert parse_faults("").empty and parse_faults(" none ").empty
    assert str(parse_faults("")) == ""


def test_targets_select_services_by_word_or_path_suffix() -> None:
    spec = parse_faults("originate:error5xx@after=1,cdr/search:reset=0.5,/api/v4/pbx/users/search:html404=1")
    assert spec.rules_for(ORIGINATE).faults == (("error5xx", "after", 1.0),)
    assert spec.rules_for(CDR_SEARCH).faults == (("reset", "before", 0.5),)
    assert spec.rules_for("reports/cdr/ordered/id").faults == ()
    assert spec.rules_for("pbx/users/search").faults == (("html404", "before", 1.0),)
    assert spec.rules_for(PING).faults == () and spec.rules_for(None).faults == ()
    words = parse_faults("cdr:timeout=1")
    assert words.rules_for(CDR_SEARCH).faults and words.rules_for("reports/cdr/ordered/id").faults
    # An alias is matched too: reports/cdr is the docs' alias of reports/quick/search.
    assert parse_faults("reports/cdr:reset=1").rules_for("reports/quick/search").faults


def test_a_targeted_item_replaces_the_untargeted_ones_of_its_class_only() -> None:
    spec = parse_faults("error5xx=0.1,reset=0.2,originate:error5xx@after=0.4,originate:error5xx=0.4")
    assert spec.rules_for(ORIGINATE).faults == (
        ("error5xx", "before", 0.4),
        ("error5xx", "after", 0.4),
        ("reset", "before", 0.2),
    )
    assert spec.rules_for(PING).faults == (("error5xx", "before", 0.1), ("reset", "before", 0.2))
    exempt = parse_faults("error5xx=1,originate:error5xx=0")
    assert exempt.rules_for(ORIGINATE).faults == () and exempt.rules_for(PING).faults
    last_wins = parse_faults("call:timeout=0.3,originate:timeout=0.7")
    assert last_wins.rules_for(ORIGINATE).faults == (("timeout", "before", 0.7),)


@pytest.mark.parametrize(
    ("spec", "names"),
    [
        ("errr5xx=0.1", ["'errr5xx=0.1'", "unknown fault 'errr5xx'"]),
        ("error5xx=1.5", ["'error5xx=1.5'", "between 0 and 1"]),
        ("error5xx=lots", ["'lots' is not a probability"]),
        ("error5xx", ["'error5xx'", "NAME=VALUE"]),
        ("error5xx=0.1,,reset=0.1", ["empty item"]),
        ("originat:error5xx=1", ["no service matches 'originat'"]),
        ("orig inate:reset=1", ["not a service name or path"]),
        ("reset@during=1", ["@before or @after", "@during"]),
        ("truncate@before=0.5", ["always @after"]),
        ("latency=200", ["'latency=200'", "unit"]),
        ("latency=fast", ["'fast' is not a duration"]),
        ("latency=100ms±200ms", ["jitter cannot exceed"]),
        ("reset=0.1,reset=0.2", ["'reset=0.2'", "given twice"]),
        ("error5xx=0.7,reset=0.5", ["add up to 1.2"]),
        ("error5xx=0.5,originate:reset=0.6", ["add up to 1.1 for call/originate/act"]),
        ("originate:restart_every=60s", ["whole PBX"]),
        ("restart_down=3s", ["needs 'restart_every'"]),
        ("restart_every=5s,restart_down=5s", ["shorter than 'restart_every=5s'"]),
        ("restart_every=0s", ["longer than 0"]),
        ("hold=20m", ["at most 600 s"]),
        ("seed=abc", ["'seed=abc'", "whole number"]),
        ("seed=1,seed=2", ["seed is given twice"]),
    ],
)
def test_bad_specs_fail_with_a_message_naming_the_bad_part(spec: str, names: list[str]) -> None:
    with pytest.raises(FaultSpecError) as caught:
        parse_faults(spec)
    for name in names:
        assert name in str(caught.value)


def fates(spec: str, seed: int, service: str | None, count: int) -> list[tuple[str | None, str, int, float]]:
    injector = FaultInjector(seed, lambda: 0.0)
    injector.set(parse_faults(spec))
    out: list[tuple[str | None, str, int, float]] = []
    for _ in range(count):
        decision = injector.decide(service)
        assert decision is not None
        out.append((decision.label, decision.phase, decision.status, round(decision.delay_before, 6)))
    return out


def test_the_same_seed_and_request_sequence_give_the_same_faults() -> None:
    spec = "latency=50ms±50,error5xx=0.3,reset=0.2,nonjson=0.1"
    first = fates(spec, 11, PING, 300)
    assert first == fates(spec, 11, PING, 300)
    assert first != fates(spec, 12, PING, 300)
    assert first == fates(spec + ",seed=11", 99, PING, 300)  # the spec's seed wins
    counts = Counter(label for label, *_ in first)
    assert set(counts) == {"error5xx@before", "reset@before", "nonjson@before", None}
    assert {status for label, _, status, _ in first if label == "error5xx@before"} == {502, 503, 504}
    assert all(0 <= delay <= 0.1 for *_, delay in first)


def test_installing_a_spec_restarts_the_sequence() -> None:
    injector = FaultInjector(5, lambda: 0.0)
    spec = parse_faults("error5xx=0.5")
    injector.set(spec)
    once = [injector.decide(PING) for _ in range(20)]
    injector.set(spec)
    assert [injector.decide(PING) for _ in range(20)] == once
    injector.clear()
    assert injector.decide(PING) is None


def test_restarts_follow_the_virtual_clock_from_when_the_spec_was_set() -> None:
    now = [1000.0]
    injector = FaultInjector(1, lambda: now[0])
    injector.set(parse_faults("restart_every=60s,restart_down=10s"))
    seen = []
    for t in (1000, 1059, 1060, 1069.9, 1070, 1120, 1125, 1131):
        now[0] = float(t)
        decision = injector.decide(PING)
        assert decision is not None
        seen.append(decision.label)
    assert seen == [None, None, "restart", "restart", None, "restart", "restart", None]


def test_the_cli_turns_a_bad_spec_into_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """``simotui sim --faults`` parses the spec up front: exit 2 and the bad part named, no traceback."""
    with pytest.raises(SystemExit) as caught:
        build_parser().parse_args(["sim", "--faults", "latency=200ms,originat:error5xx=1"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "argument --faults: 'originat:error5xx=1': no service matches 'originat'" in err
    assert "Traceback" not in err
    args = build_parser().parse_args(["sim", "--faults", "originate:error5xx@after=1", "--control"])
    assert args.faults == "originate:error5xx@after=1" and args.control is True


async def test_held_requests_are_let_go_when_faults_change_or_the_server_stops() -> None:
    """A ``timeout`` hold never outlives the spec that made it, nor the server."""
    injector = FaultInjector(1, lambda: 0.0)
    held = asyncio.create_task(injector.hold(600))
    await asyncio.sleep(0)
    injector.clear()
    assert await asyncio.wait_for(held, 60) is False
    held = asyncio.create_task(injector.hold(600))
    await asyncio.sleep(0)
    threading.Thread(target=injector.close).start()  # as SimulatorHandle.stop does, off the loop
    assert await asyncio.wait_for(held, 60) is False
    assert await injector.hold(600) is False  # closed: no new holds
    assert await FaultInjector(1, lambda: 0.0).hold(0.01) is True  # a hold that runs out
