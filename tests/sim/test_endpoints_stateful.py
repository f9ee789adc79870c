"""The directory, media and list endpoints are stateful: documented errors, and effects elsewhere.

Each test drives an in-process simulator (``httpx.ASGITransport``, no socket) on a frozen
clock, advancing it by hand.
"""

from __future__ import annotations

import io
import wave
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from simotui.sim import RequestLog, SimSettings, SimulatedPbx, build_pbx, create_app

from .helpers import AUTH, KEY_HEADER, frozen_config, load_sample, shape_problems

ORIGINATE = {"context": "main_routing", "timeout": "30"}


class Sim:
    """One in-process simulator and helpers to call it."""

    def __init__(self, **config: Any) -> None:
        self.pbx: SimulatedPbx = build_pbx(frozen_config(**config))
        app = create_app(self.pbx, SimSettings(), RequestLog(), control=True)
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 5555))
        self.http = httpx.AsyncClient(
            transport=transport, base_url="http://simotel.test", auth=AUTH, headers=KEY_HEADER
        )

    async def call(self, path: str, body: Any = None, *, method: str = "POST") -> dict[str, Any]:
        """The JSON answer of ``/api/v4/<path>`` (any HTTP status)."""
        response = await self.http.request(method, f"/api/v4/{path}", json=body if body is not None else {})
        data: dict[str, Any] = response.json()
        return data

    async def ok(self, path: str, body: Any = None) -> Any:
        """``data`` of a successful call."""
        answer = await self.call(path, body)
        assert answer.get("success") == 1, answer
        return answer["data"]

    async def failed(self, path: str, body: Any) -> str:
        """The message of a documented operation failure (HTTP 200, success 0)."""
        answer = await self.call(path, body)
        assert answer["success"] == 0 and answer["data"] is None, answer
        return str(answer["message"])

    async def upload(self, path: str, name: str, content: bytes, media: str) -> httpx.Response:
        """A multipart upload with one part named ``file``."""
        return await self.http.post(f"/api/v4/{path}", files={"file": (name, content, media)})

    async def originate(self, caller: str, callee: str, **extra: str) -> str:
        """Originate, let the call run to its end, return the CDR disposition (or ``no-cdr:...``)."""
        data = await self.ok(
            "call/originate/act",
            {"caller": caller, "callee": callee, "caller_id": caller, **ORIGINATE, **extra},
        )
        self.pbx.advance(200)
        call = self.pbx.originated[data["originated_call_id"]]
        assert call.result is not None
        return call.result

    async def agent_rows(self, **conditions: str) -> list[dict[str, Any]]:
        """``reports/agent/search`` rows today."""
        body = {
            "conditions": conditions,
            "date_range": {"from": "2024-05-20 00:00", "to": "2024-05-20 23:59"},
            "alike": "false",
        }
        return list((await self.ok("reports/agent/search", body))["data"])

    async def user(self, number: str) -> dict[str, Any]:
        """The users-search row of one extension."""
        rows = await self.ok("pbx/users/search", {"alike": "false", "conditions": {"number": number}})
        [row] = rows
        assert isinstance(row, dict)
        return row


@pytest.fixture
async def sim() -> AsyncIterator[Sim]:
    s = Sim()
    try:
        yield s
    finally:
        await s.http.aclose()


def user_body(number: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": f"User {number}",
        "number": number,
        "secret": "s3cret",
        "context": "main_routing",
        **extra,
    }


def tone(seconds: int) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as clip:
        clip.setnchannels(1)
        clip.setsampwidth(2)
        clip.setframerate(8000)
        clip.writeframes(b"\x00\x00" * 8000 * seconds)
    return buffer.getvalue()


# ------------------------------------------------------------------------------ users
async def test_a_user_added_is_found_by_search_and_can_be_dialled(sim: Sim) -> None:
    answer = await sim.call("pbx/users/add", user_body("777", nat="no", forward_policy={"Busy": "552"}))
    assert answer == {"status": "success", "message": "User created successfully", "user_id": "777"}
    row = await sim.user("777")
    assert (row["name"], row["secret"], row["nat"], row["forward_policy"]) == (
        "User 777",
        "******",
        "no",
        {"Busy": "552"},
    )
    assert await sim.originate("557", "777") == "ANSWERED"
    assert await sim.originate("777", "552") == "ANSWERED"


async def test_users_add_can_answer_the_envelope_of_every_other_add() -> None:
    """§1.3: a simulator may emit either shape; ``users_add_reply="envelope"`` is the usual one."""
    sim = Sim(users_add_reply="envelope")
    try:
        body = {**load_sample("sa-users_add.json")["request"], "number": "4020"}
        answer = await sim.call("pbx/users/add", body)
        assert (answer["success"], answer["message"]) == (1, "Requested operation is done successfully")
        assert (await sim.user("4020"))["_id"] == answer["data"]["_id"]
        assert await sim.failed("pbx/users/add", body) == "This number already exists"
    finally:
        await sim.http.aclose()


async def test_users_documented_errors(sim: Sim) -> None:
    assert await sim.failed("pbx/users/add", user_body("552")) == "This number already exists"
    assert (
        await sim.failed("pbx/users/add", {"name": "x", "number": "778"}) == "Field 'secret':value is missing"
    )
    assert (
        await sim.failed("pbx/users/add", {"number": "778", "secret": "x"}) == "Field 'name':value is missing"
    )
    unknown = {"_id": "0123456789abcdef01234567", "name": "x"}
    assert await sim.failed("pbx/users/update", unknown) == "Requested operation failed"
    assert (
        await sim.failed("pbx/users/remove", {"_id": "0123456789abcdef01234567"})
        == "Requested operation failed"
    )
    assert await sim.failed("pbx/users/remove", {}) == "Field '_id':value is missing"
    me = await sim.user("553")
    assert (
        await sim.failed("pbx/users/update", {"_id": me["_id"], "number": "552"})
        == "This number already exists"
    )


async def test_a_user_renumbered_or_removed_follows_through_queues_and_calls(sim: Sim) -> None:
    me = await sim.user("557")
    assert "999" in me["queues"]
    await sim.ok("pbx/users/update", {"_id": me["_id"], "number": "5570", "name": "Narges"})
    assert sim.pbx.queues["999"].members == ["5570"]
    assert (await sim.user("5570"))["queues"] == me["queues"]
    await sim.ok("pbx/users/remove", {"_id": me["_id"]})
    assert await sim.ok("pbx/users/search", {"alike": "false", "conditions": {"number": "5570"}}) == []
    assert "5570" not in sim.pbx.queues["999"].members
    assert await sim.originate("552", "5570") == "FAILED"  # no such extension any more


# ----------------------------------------------------------------------------- trunks
async def test_trunks_add_update_remove_and_what_originate_sees(sim: Sim) -> None:
    body = {"name": "Irancell", "host": "10.1.1.1", "active": "yes", "register_string": "u:p@10.1.1.1/u"}
    oid = (await sim.ok("pbx/trunks/add", body))["_id"]
    rows = await sim.ok("pbx/trunks/search", {"alike": "false", "conditions": {"name": "Irancell"}})
    assert rows[0]["register_string"] == "u:p@10.1.1.1/u" and rows[0]["_id"] == oid
    assert await sim.failed("pbx/trunks/add", {"name": "irancell"}) == "This trunk already exists"
    assert await sim.failed("pbx/trunks/add", {"host": "x"}) == "Field 'name':value is missing"
    assert await sim.originate("09121234567", "552", trunk_name="Irancell") == "ANSWERED"
    await sim.ok("pbx/trunks/update", {"_id": oid, "active": "no"})
    assert await sim.originate("09121234567", "552", trunk_name="Irancell") == "FAILED"
    assert (
        await sim.failed("pbx/trunks/update", {"_id": oid, "name": "Center"}) == "This trunk already exists"
    )
    await sim.ok("pbx/trunks/remove", {"_id": oid})
    assert await sim.failed("pbx/trunks/remove", {"_id": oid}) == "Requested operation failed"


# ----------------------------------------------------------------------------- queues
async def test_queues_documented_errors(sim: Sim) -> None:
    assert await sim.failed("pbx/queues/add", {"name": "Dup", "number": "900"}) == "this queue already exists"
    assert await sim.failed("pbx/queues/add", {"number": "905"}) == "Field 'name':value is missing"
    oid = (await sim.ok("pbx/queues/add", {"name": "New", "number": "905", "strategy": "rrmemory"}))["_id"]
    [row] = await sim.ok("pbx/queues/search", {"alike": "false", "conditions": {"number": "905"}})
    assert (row["_id"], row["strategy"], row["name"]) == (oid, "rrmemory", "New")
    assert await sim.failed("pbx/queues/update", {"_id": oid, "number": "900"}) == "this queue already exists"
    assert await sim.failed("pbx/queues/addagent", {"queue": "4242", "source": "552", "agent": "552"}) == (
        "Requested operation failed"
    )
    assert (
        await sim.failed("pbx/queues/pauseagent", {"queue": "905", "agent": "552"})
        == "Requested operation failed"
    )
    assert (
        await sim.failed("pbx/queues/addagent", {"queue": "905", "agent": "552"})
        == "Field 'source':value is missing"
    )


def numbers_as_numbers(body: dict[str, Any]) -> dict[str, Any]:
    """``body`` with every digit string sent as a JSON number (what some clients send)."""
    return {k: int(v) if isinstance(v, str) and v.isdigit() else v for k, v in body.items()}


@pytest.mark.parametrize(
    ("family", "key", "flag"),
    [
        ("queues", {"number": "9019"}, "ringinuse"),
        ("trunks", {"name": "typed"}, "qualify"),
        ("users", {"number": "4019"}, "qualify"),
    ],
)
async def test_a_row_answers_its_documented_types_whatever_the_add_sent(
    sim: Sim, family: str, key: dict[str, str], flag: str
) -> None:
    """§6.3 "every value is a string", §1.5 ``"port":"5060"``: numbers sent come back as digits.

    The documented add, its digit strings sent as JSON numbers (``"timeout": 30``, ``"port":
    5060``, as the PyPI client ``simotel-connect`` sends them) and a list for a yes/no flag, is
    searched back with the keys and JSON types of the documented search row.
    """
    body = numbers_as_numbers({**load_sample(f"sa-{family}_add.json")["request"], **key})
    sent_as_numbers = {k for k, v in body.items() if isinstance(v, int)}
    assert sent_as_numbers  # the documented add does carry digit strings
    body[flag] = ["no"]  # not a string: the column keeps its value
    answer = await sim.call(f"pbx/{family}/add", body)
    assert answer.get("success") == 1 or answer.get("status") == "success", answer
    [row] = await sim.ok(f"pbx/{family}/search", {"alike": "false", "conditions": key})
    assert shape_problems(load_sample(f"sa-{family}_search.json")["response"]["data"][0], row) == []
    echoed = {k: row[k] for k in sent_as_numbers - {"secret"} if k in row}  # the secret is masked
    assert echoed and echoed == {k: str(body[k]) for k in echoed}
    assert row[flag] in ("yes", "no")


async def test_an_agent_added_paused_resumed_and_removed_shows_everywhere(sim: Sim) -> None:
    queue = {"queue": "999", "agent": "555"}
    added = await sim.ok("pbx/queues/addagent", {**queue, "source": "555", "penalty": "2"})
    assert added == {"message": "Added successfully", "ok": 1}
    assert "999" in (await sim.user("555"))["queues"]
    [session] = await sim.agent_rows(exten="555", queue="999")
    assert (session["type"], session["duration"]) == ("inout", 0)
    sim.pbx.advance(30)
    assert (await sim.ok("pbx/queues/pauseagent", queue)) == {"message": "Paused successfully", "ok": 1}
    members = (await sim.http.get("/_sim/queues")).json()["queues"]
    [mine] = [m for q in members if q["number"] == "999" for m in q["members"] if m["agent"] == "555"]
    assert mine == {"agent": "555", "source": "555", "penalty": "2", "paused": True}
    sim.pbx.advance(20)
    paused = [r for r in await sim.agent_rows(exten="555") if r["type"] == "pause"]
    assert len(paused) == 1 and paused[0]["pause"] == 1 and paused[0]["pause_du"] == 20
    assert (await sim.ok("pbx/queues/resumeagent", queue))["message"] == "UnPaused successfully"
    sim.pbx.advance(40)
    rows = {r["type"]: r for r in await sim.agent_rows(exten="555")}
    assert rows["pause"]["duration"] == 20  # closed when resumed
    assert rows["inout"]["duration"] == 90  # still in the queue: ends "now" so far
    assert sim.pbx.queues["999"].paused == set()
    assert (await sim.ok("pbx/queues/removeagent", queue))["message"] == "Removed successfully"
    assert "999" not in (await sim.user("555"))["queues"]
    sim.pbx.advance(100)
    rows = {r["type"]: r for r in await sim.agent_rows(exten="555")}
    assert rows["inout"]["duration"] == 90  # closed when removed


async def test_batch_agents_answer_data_Data_item_by_item(sim: Sim) -> None:
    body = {"agents": [{"queue": "10000", "agent": "570"}, {"queue": "10000", "agent": "561"}]}
    data = await sim.ok("pbx/queues/batchpauseagent", body)
    assert data["ok"] == 0  # 561 is not in queue 10000
    assert [(d["agent"], d["ok"], d["message"]) for d in data["Data"]] == [
        ("570", 1, "Paused successfully"),
        ("561", 0, "Requested operation failed"),
    ]
    assert sim.pbx.queues["10000"].paused == {"570"}
    added = await sim.ok(
        "pbx/queues/batchaddagent",
        {"agents": [{"queue": "10000", "source": "561", "agent": "561", "penalty": ""}]},
    )
    assert added["ok"] == 1 and added["Data"][0]["agents"] == "561"
    assert await sim.failed("pbx/queues/batchremoveagent", {}) == "Field 'agents':value is missing"


# ------------------------------------------------------------------------------ lists
async def test_a_blacklisted_number_cannot_be_dialled_unless_whitelisted(sim: Sim) -> None:
    assert await sim.originate("557", "552") == "ANSWERED"
    assert (await sim.ok("pbx/blacklists/add", {"number": "552", "comment": "spam"})) == {"_id": None}
    assert await sim.originate("557", "552") == "FAILED"  # the second leg is never dialled
    assert await sim.originate("552", "557") == "FAILED"  # nor the first: an OutgoingSpoolFailed row
    rows = await sim.ok("pbx/blacklists/search", {"alike": "false", "conditions": {"number": "552"}})
    assert [(r["number"], r["comment"]) for r in rows] == [("552", "spam")]
    await sim.ok("pbx/whitelists/add", {"number": "552", "labels": ["vip"], "comment": ""})
    assert await sim.originate("557", "552") == "ANSWERED"
    [white] = await sim.ok("pbx/whitelists/search", {"alike": "false", "conditions": {"number": "552"}})
    assert white["number"] == "552" and white["labels"] == ["vip"]
    [long] = await sim.ok("pbx/whitelists/search", {"alike": "true", "conditions": {"number": "0912333"}})
    assert long["number"] == "0912*******"  # masked, as documented
    await sim.ok("pbx/blacklists/remove", {"_id": rows[0]["_id"]})
    assert await sim.failed("pbx/blacklists/remove", {"_id": rows[0]["_id"]}) == "Requested operation failed"


async def test_list_adds_are_upserts_and_updates_refuse_duplicates(sim: Sim) -> None:
    await sim.ok("pbx/blacklists/add", {"number": "02100000001", "comment": "a"})
    await sim.ok("pbx/blacklists/add", {"number": "02100000001", "comment": "b"})
    rows = await sim.ok("pbx/blacklists/search", {"alike": "false", "conditions": {"number": "02100000001"}})
    assert [r["comment"] for r in rows] == ["b"]
    other = await sim.ok("pbx/blacklists/search", {"alike": "false", "conditions": {"number": "02188887799"}})
    update = {"_id": other[0]["_id"], "number": "02100000001"}
    assert await sim.failed("pbx/blacklists/update", update) == "This number already exists"
    assert await sim.failed("pbx/whitelists/add", {"labels": ["x"]}) == "Field 'number':value is missing"


# ------------------------------------------------------------------------- transport
async def test_an_empty_json_array_is_an_empty_object(sim: Sim) -> None:
    """PHP's ``json_encode([])`` is how its SDK says "no parameters"."""
    ping = await sim.http.post(
        "/api/v4/setting/ping/act", content=b"[]", headers={"Content-Type": "application/json"}
    )
    assert ping.status_code == 200 and ping.json()["success"] == 1
    users = await sim.http.post(
        "/api/v4/pbx/users/search", content=b" [ ] ", headers={"Content-Type": "application/json"}
    )
    assert len(users.json()["data"]) > 10
    missing = await sim.http.post(
        "/api/v4/pbx/users/add", content=b"[]", headers={"Content-Type": "application/json"}
    )
    assert missing.json()["message"] == "Field 'name':value is missing"
    not_empty = await sim.http.post(
        "/api/v4/setting/ping/act", content=b"[1]", headers={"Content-Type": "application/json"}
    )
    assert not_empty.status_code == 400


async def test_uploads_are_multipart_with_one_file_part(sim: Sim) -> None:
    up = await sim.upload("pbx/announcements/upload", "Welcome Message.MP3", b"ID3...", "audio/mpeg")
    assert up.status_code == 200
    body = up.json()
    assert body["message"] == "1 file(s) uploaded successfully"
    name = body["data"]["filename"]
    assert name.startswith("file-20240520063000-") and name.endswith("-welcomemessagemp3_.wav")
    oid = (await sim.ok("pbx/announcements/add", {"name": "welcome", "filename": name, "comment": ""}))["_id"]
    rows = await sim.ok("pbx/announcements/search", {"alike": "false", "conditions": {"name": "welcome"}})
    assert [(r["_id"], r["filename"]) for r in rows] == [(oid, name)]
    assert (
        await sim.failed("pbx/announcements/add", {"name": "x", "filename": "nope.wav"})
        == "Requested operation failed"
    )
    # A JSON body where a file is expected, and a file where JSON is expected.
    assert await sim.failed("pbx/faxes/upload", {"file": "x"}) == "Field 'file':value is missing"
    wrong = await sim.upload("pbx/announcements/add", "a.wav", b"RIFF", "audio/wav")
    assert wrong.status_code == 415 and wrong.json()["message"] == "Unsupported Media Type"
    no_part = await sim.http.post(
        "/api/v4/pbx/faxes/upload", files={"other": ("a.tif", b"II*", "image/tiff")}
    )
    assert no_part.json()["message"] == "Field 'file':value is missing"


async def test_a_group_from_an_uploaded_csv_is_dialled_by_a_campaign(sim: Sim) -> None:
    csv = b"name,number\nali,09121110001\nsara,+09121110002\n"
    up = await sim.upload("autodialer/groups/upload", "Book1.csv", csv, "text/csv")
    filename = up.json()["data"]["filename"]
    assert up.json()["message"] == "" and filename.endswith("-book1csv.csv")
    gid = (await sim.ok("autodialer/groups/add", {"name": "csv", "filename": filename, "description": ""}))[
        "_id"
    ]
    assert await sim.failed("autodialer/groups/add", {"name": "none"}) == "Field 'numbers':value is missing"
    updated = await sim.ok("autodialer/groups/update", {"_id": gid, "name": "csv2"})
    assert (updated["name"], updated["numbers"], updated["count"]) == (
        "csv2",
        ["09121110001", "09121110002"],
        2,
    )
    assert "$date" in updated["date"]
    body = {
        "name": "from-csv",
        "trunk_manager_id": "5ec63107ce4f6d12c43e250f",
        "groups": [gid],
        "numbers": [],
    }
    cid = (await sim.ok("autodialer/campaigns/add", body))["_id"]
    sim.pbx.advance(600)
    rows = await sim.ok("autodialer/reports/search", {"alike": "false", "conditions": {"campaign_id": cid}})
    assert sorted(r["number"] for r in rows["data"]) == ["09121110001", "09121110002"]


async def test_an_uploaded_announcement_plays_for_its_length(sim: Sim) -> None:
    up = await sim.upload("autodialer/announcements/upload", "offer.wav", tone(25), "audio/wav")
    filename = up.json()["data"]["filename"]
    aid = (await sim.ok("autodialer/announcements/add", {"name": "offer", "filename": filename}))["_id"]
    assert sim.pbx.announcements[aid].seconds == 25
    body = {
        "name": "offer",
        "trunk_manager_id": "5ec63107ce4f6d12c43e250f",
        "numbers": ["09121234567"],
        "announcement": aid,
    }
    cid = (await sim.ok("autodialer/campaigns/add", body))["_id"]
    sim.pbx.advance(120)
    [row] = (
        await sim.ok("autodialer/reports/search", {"alike": "false", "conditions": {"campaign_id": cid}})
    )["data"]
    assert row["disposition"] == "ANSWERED" and 23 <= row["billsec"] <= 27


# ---------------------------------------------------------------------- faxes, voicemail
async def test_a_fax_is_sent_then_settles_and_downloads(sim: Sim) -> None:
    up = await sim.upload("pbx/faxes/upload", "Invoice 12.pdf", b"II*\x00fax", "application/pdf")
    filename = up.json()["data"]["filename"]
    assert filename.startswith("sen_file-") and filename.endswith("-invoice12pdf_.tiff")
    body = {"sender_id": "558", "to": "09121234567", "ext": "", "trunk_name": "Center", "file": filename}
    fid = (await sim.ok("pbx/faxes/add", body))["_id"]
    bad = {"sender_id": "558", "to": "09121234598", "file": filename}
    bad_id = (await sim.ok("pbx/faxes/add", bad))["_id"]
    search = {"alike": "false", "conditions": {"src": "558"}, "pagination": {"count": 10}}
    assert {r["status"] for r in (await sim.ok("pbx/faxes/search", search))["data"]} == {"SENDING"}
    sim.pbx.advance(60)
    status = {r["_id"]: r["status"] for r in (await sim.ok("pbx/faxes/search", search))["data"]}
    assert status == {fid: "SENT", bad_id: "FAILED"}  # 09121234598 fails, as a call to it would
    download = await sim.http.post("/api/v4/pbx/faxes/download", json={"_id": fid})
    assert download.status_code == 200 and download.content == b"II*\x00fax"
    assert download.headers["content-type"] == "image/tiff"
    missing = await sim.http.post("/api/v4/pbx/faxes/download", json={"_id": "0123456789abcdef01234567"})
    assert missing.status_code == 404
    assert await sim.failed("pbx/faxes/add", {"to": "1"}) == "Field 'file':value is missing"
    assert await sim.failed("pbx/faxes/add", {"file": filename}) == "Field 'to':value is missing"


async def test_voicemail_boxes_and_the_inbox(sim: Sim) -> None:
    body = {"name": "sales", "number": "555", "password": "1234", "Play_CID": "yes"}
    oid = (await sim.ok("voicemails/voicemails/add", body))["_id"]
    [row] = await sim.ok("voicemails/voicemails/search", {"alike": "false", "conditions": {"number": "555"}})
    assert (row["_id"], row["Play_CID"], row["send_email"]) == (oid, "yes", "no")
    assert await sim.failed("voicemails/voicemails/add", body) == "This number already exists"
    assert (
        await sim.failed("voicemails/voicemails/add", {"name": "x", "number": "1"})
        == "Field 'password':value is missing"
    )
    await sim.ok("voicemails/voicemails/remove", {"_id": oid})
    inbox = await sim.ok(
        "voicemails/inbox/search",
        {"alike": "false", "conditions": {"number": "400"}, "pagination": {"count": 50}},
    )
    assert inbox["pagination"]["total"] == 11 and inbox["pagination"]["sorting"] == {"date": -1}
    saved = [m for m in inbox["data"] if "filename" in m]
    assert saved and all(isinstance(m["read"], bool) for m in inbox["data"])
    for path in ("reports/audio/download", "voicemails/audio/download"):
        audio = await sim.http.post(f"/api/v4/{path}", json={"file": saved[0]["filename"]})
        assert audio.status_code == 200 and audio.content[:4] == b"RIFF"


async def test_contacts_and_music_on_hold(sim: Sim) -> None:
    assert (await sim.ok("autodialer/contacts/add", {"name": "a", "number": "0912"})) == {"_id": None}
    await sim.ok("autodialer/contacts/add", {"name": "b", "number": "0912"})
    page = await sim.ok("autodialer/contacts/search", {"alike": "false", "conditions": {"number": "0912"}})
    assert [c["name"] for c in page["data"]] == ["b"] and page["pagination"]["sorting"] == {"name": 1}
    assert await sim.failed("autodialer/contacts/add", {"name": "c"}) == "Field 'number':value is missing"
    classes = await sim.ok("pbx/musiconholds/search", {"alike": "true", "conditions": {"name": ""}})
    assert {c["name"] for c in classes} >= {"default", "wait", "gole orkideh"}
    [wait] = [c for c in classes if c["name"] == "wait"]
    assert wait["musics"][0]["size"] == "55.18 KB" and wait["count"] == 1


# ------------------------------------------------------------------------------ cursors
@pytest.mark.parametrize("path", ["reports/queue/ordered/id", "reports/queue_details/ordered/id"])
async def test_queue_cursors_walk_every_row_once(path: str) -> None:
    s = Sim()
    seen: list[str] = []
    last = ""
    for _ in range(50):
        page = await s.ok(path, {"_id": last})
        if not page["data"]:
            assert page["last_id"] == last  # the end echoes the same last_id
            break
        seen += [row["_id"] for row in page["data"]]
        last = page["last_id"]
    assert seen == sorted(seen) and len(seen) == len(set(seen)) > 0
    assert await s.failed(path, {"_id": "not-an-id"}) == "Requested operation failed"
    await s.http.aclose()
