"""The originate call engine on a frozen clock: lifecycle, CDR fields, failures, determinism."""

from __future__ import annotations

import re

from simotui.sim import SimulatedPbx, build_pbx
from simotui.sim.ids import object_id_epoch
from simotui.sim.models import CdrRecord
from simotui.sim.render import cdr as render_cdr

from .helpers import TEHRAN, frozen_config

JALALI = re.compile(r"^1[34]\d\d-\d\d-\d\d \d\d:\d\d:\d\d$")
GREGORIAN = re.compile(r"^20\d\d-\d\d-\d\d \d\d:\d\d:\d\d$")


def rows_for(pbx: SimulatedPbx, call_id: str) -> list[CdrRecord]:
    """Stored CDR rows of one originated call."""
    return [r for r in pbx.cdrs if r.originated_call_id == call_id]


def test_extension_to_extension_lifecycle(pbx: SimulatedPbx) -> None:
    """557 answers, 552 is dialled via main_routing, talk ≤ call_limit, CDR at hang-up."""
    t0 = pbx.clock.now()
    call_id = pbx.originate("557", "552", "main_routing", "557", timeout=30, call_limit=30)
    assert re.fullmatch(rf"orig\.call\.{int(t0)}\.\d{{6}}", call_id)
    call = pbx.originated[call_id]
    assert call.state == "dialing-caller"
    assert rows_for(pbx, call_id) == []  # nothing is stored before the events are due

    pbx.advance(7)
    assert call.state in ("dialing-callee", "talking")
    pbx.advance(120)
    assert call.state == "ended" and call.result == "ANSWERED"
    [row] = rows_for(pbx, call_id)
    assert row.type == "local" and row.src == "557" and row.dst == "552"
    assert row.comment == f"originated call: {call_id}"
    assert row.disposition == "ANSWERED" and 5 <= row.billsec <= 30
    assert row.dcontext == "main_routing" and row.lastapp == "Dial"
    assert row.channel.startswith("SIP/557-") and row.dstchannel.startswith("SIP/552-")
    assert [step[0] for step in row.route or []] == ["OutgoingRoute", "Extension"]
    assert object_id_epoch(row.oid) == int(row.endtime)  # _id stamped at insertion (hang-up)
    assert row.cuid.startswith(f"{int(t0)}.")
    assert row.record is not None and row.record.endswith(f"_{row.cuid}.wav")  # 552 records calls

    out = render_cdr(row, TEHRAN, "cdr")
    assert JALALI.match(out["start"]) and JALALI.match(out["starttime"])
    assert GREGORIAN.match(out["answer"])
    assert out["ANSWERED"] == 1 and out["local"] == 1
    assert out["originated_call_id"] == call_id
    assert isinstance(out["sequence"], str) and out["sequence"].isdigit()
    assert set(out["endtime"]) == {"$date"} and isinstance(out["route"][0]["duration"], float)
    assert out["billsec_hhmmss"].count(":") == 2 and "duration_hhmmss" in out
    assert isinstance(render_cdr(row, TEHRAN, "ordered")["endtime"], str)


def test_extension_to_pstn_goes_out_through_the_trunk(pbx: SimulatedPbx) -> None:
    """Scenario 3: 521 → 09371234567 is an outgoing call via OutgoingRoute → Switcher → Trunk."""
    call_id = pbx.originate("521", "09371234567", "main_routing", "557")
    pbx.advance(200)
    [row] = rows_for(pbx, call_id)
    assert row.type == "outgoing" and row.outgoing_point == "Center"
    kinds = [step[0] for step in row.route or []]
    assert kinds[0] == "OutgoingRoute" and kinds[1] == "Switcher" and kinds[-1] == "Trunk"
    assert row.lastdata.startswith("SIP/Center/09371234567,")


def test_pstn_caller_through_named_trunk(pbx: SimulatedPbx) -> None:
    """Scenario 2: a PSTN first party needs trunk_name; then 521 is dialled."""
    call_id = pbx.originate("09371234567", "521", "main_routing", "557", trunk_name="Cisco")
    pbx.advance(200)
    [row] = rows_for(pbx, call_id)
    assert row.disposition == "ANSWERED" and row.channel.startswith("SIP/Cisco-")
    assert row.type == "outgoing" and row.outgoing_point == "Cisco"


def test_first_leg_failures_store_outgoing_spool_failed(pbx: SimulatedPbx) -> None:
    """Unknown extension, PSTN caller without trunk, a number ending 98: the FAILED row."""
    ids = [
        pbx.originate("123", "552", "main_routing", "557"),
        pbx.originate("09371234567", "552", "main_routing", "557", trunk_name=""),
        pbx.originate("09371234598", "552", "main_routing", "557", trunk_name="Cisco"),
        pbx.originate("09371234567", "552", "main_routing", "557", trunk_name="NoSuchTrunk"),
        pbx.originate("09371234567", "552", "main_routing", "557", trunk_name="trunk_name_new"),
    ]
    pbx.advance(2)
    for call_id in ids:
        [row] = rows_for(pbx, call_id)
        assert row.channel == "OutgoingSpoolFailed" and row.disposition == "FAILED"
        assert row.type == "local" and row.dst == "552"
        assert row.src == pbx.originated[call_id].caller
        assert row.comment == f"originated call: {call_id}"
        assert row.billsec == 0 and row.answer is None


def test_unanswered_or_busy_first_party_leaves_no_cdr(pbx: SimulatedPbx) -> None:
    """§3.3: when the first party never answers or is busy, nothing is stored."""
    never = pbx.originate("100", "552", "main_routing", "557", timeout=20)
    busy = pbx.originate("09121111199", "552", "main_routing", "557", trunk_name="Cisco")
    pbx.advance(10)
    assert pbx.originated[busy].result == "no-cdr:busy"
    assert pbx.originated[never].state == "dialing-caller"
    pbx.advance(15)
    assert pbx.originated[never].result == "no-cdr:no-answer"
    pbx.advance(600)
    assert rows_for(pbx, never) == [] and rows_for(pbx, busy) == []


def test_second_leg_outcomes(pbx: SimulatedPbx) -> None:
    """Callee busy / never answers / fails / unknown context: a CDR with that disposition."""
    busy = pbx.originate("557", "09371234599", "main_routing", "557")
    ring_out = pbx.originate("557", "09371234500", "main_routing", "557", timeout=25)
    failed = pbx.originate("557", "09371234598", "main_routing", "557")
    no_ctx = pbx.originate("557", "552", "no-such-context", "557")
    no_trunk = pbx.originate("557", "09371234567", "internal", "557")
    pbx.advance(120)
    [b] = rows_for(pbx, busy)
    [n] = rows_for(pbx, ring_out)
    [f] = rows_for(pbx, failed)
    [c] = rows_for(pbx, no_ctx)
    [t] = rows_for(pbx, no_trunk)
    assert b.disposition == "BUSY" and b.billsec == 0 and b.answer is None
    assert n.disposition == "NO ANSWER" and n.wait >= 25
    assert f.disposition == "FAILED" and f.channel.startswith("SIP/557-")
    assert c.disposition == "FAILED" and c.route is None
    assert t.disposition == "FAILED"


def test_same_seed_same_calls() -> None:
    """Two PBXs with one seed, driven alike, store identical rows and return identical ids."""
    first, second = build_pbx(frozen_config()), build_pbx(frozen_config())
    results = []
    for pbx in (first, second):
        ids = [
            pbx.originate("557", "552", "main_routing", "557", call_limit=30),
            pbx.originate("521", "09371234567", "main_routing", "557"),
        ]
        pbx.advance(300)
        results.append((ids, [render_cdr(r, TEHRAN, "cdr") for i in ids for r in rows_for(pbx, i)]))
    assert results[0] == results[1]
    other = build_pbx(frozen_config(seed=8))
    assert other.originate("557", "552", "main_routing", "557") != results[0][0][0]


def test_call_limit_caps_talk_time(pbx: SimulatedPbx) -> None:
    """Talk never exceeds call_limit."""
    ids = [
        pbx.originate("557", callee, "main_routing", "557", call_limit=7) for callee in ("552", "553", "521")
    ]
    pbx.advance(300)
    for call_id in ids:
        [row] = rows_for(pbx, call_id)
        assert row.disposition == "ANSWERED" and row.billsec <= 7
