"""Run every public method of the PyPI client ``simotel-connect`` against a running simulator.

``simotel-connect`` is a Python client of the Simotel v4 API written by others from the public
docs; nothing here depends on it, and no test or CI run needs it. Install it in a venv of its
own and point this script at a simulator::

    python3.11 -m venv /tmp/sc/v && /tmp/sc/v/bin/pip install simotel-connect==1.0.6
    .venv/bin/simotui sim --port 8800 &
    /tmp/sc/v/bin/python tests/sim/third_party.py --url http://127.0.0.1:8800

It calls each method once, in an order that lets the ids one call returns feed the next (a user
added is then updated, then removed), with the values of the documented samples
(``tests/fixtures/doc_samples``): the client's own parameters, as its docstrings show them, plus
the documented fields it has no parameter for (an update's ``_id``, a report's ``date_range``)
where it takes ``**kwargs``; an add that answers no id is found by a search, as a user would.
It prints one line per method, ``OK`` or the error the client raised, and the tally.

A download counts as a success only when the bytes are not an error envelope (the client hands
the caller whatever the server sent). ``--post`` is a diagnostic, not a measurement of the
client: it sends POST wherever the client sends PUT (the docs' verb), to show what else fails.

Only ``simotel_connect`` and the standard library are imported: this runs in the client's venv.
"""

from __future__ import annotations

import argparse
import copy
import io
import json
import sys
import tempfile
import traceback
import wave
from collections.abc import Callable
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from simotel_connect import (  # type: ignore[import-not-found]
    Simotel,
    SimotelConnectionError,
    SimotelError,
)

SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "doc_samples"


def sample(name: str) -> dict[str, Any]:
    """The documented request body of ``<name>.json`` (a fresh copy)."""
    data = json.loads((SAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    return copy.deepcopy(data["request"])


def without(body: dict[str, Any], *keys: str) -> dict[str, Any]:
    """``body`` less ``keys`` (those the client's own parameters already send)."""
    return {k: v for k, v in body.items() if k not in keys}


def new_id(response: Any) -> str | None:
    """The ``_id`` an add answered in ``data`` (``{"_id": null}`` and the users-add anomaly have none)."""
    data = response.data
    if isinstance(data, dict) and isinstance(data.get("_id"), str):
        return str(data["_id"])
    return None


def rows(response: Any) -> list[dict[str, Any]]:
    """A search's rows (a bare list ``data``, or a paginated ``data.data``)."""
    data = response.data
    if isinstance(data, dict):
        data = data.get("data")
    return [row for row in data if isinstance(row, dict)] if isinstance(data, list) else []


def first_row(response: Any) -> dict[str, Any] | None:
    """The first row of a search."""
    found = rows(response)
    return found[0] if found else None


def batch_problem(data: Any) -> str | None:
    """Why a batch reply (``data: {"Data": [...], "ok": 0|1}``) says nothing was done."""
    if isinstance(data, dict) and data.get("ok") == 0:
        items = data.get("Data") or data.get("data") or []
        first = items[0].get("message") if items and isinstance(items[0], dict) else None
        return f"success 1, but data.ok 0 (nothing done): {first!r}"
    return None


def wav_bytes() -> bytes:
    """A one-second silent 8 kHz mono WAV (what an announcement upload carries)."""
    out = io.BytesIO()
    with wave.open(out, "wb") as clip:
        clip.setnchannels(1)
        clip.setsampwidth(2)
        clip.setframerate(8000)
        clip.writeframes(b"\x00\x00" * 8000)
    return out.getvalue()


class Run:
    """The calls, the ids they pass on, and what each one got."""

    def __init__(self, sm: Any, files: Path) -> None:
        """Call through ``sm``; temporary upload files go in ``files``."""
        self.sm = sm
        self.ids: dict[str, str] = {}
        self.results: list[tuple[str, str | None]] = []
        self.wav = files / "welcome.wav"
        self.wav.write_bytes(wav_bytes())
        self.csv = files / "numbers.csv"
        self.csv.write_text("09151234567\n09151234568\n09151234569\n", encoding="ascii")
        self.tiff = files / "fax.tiff"
        self.tiff.write_bytes(b"II*\x00" + b"\x00" * 60)

    def call(
        self,
        label: str,
        action: Callable[[], Any],
        keep: str | None = None,
        find: tuple[str, str, str] | None = None,
    ) -> Any:
        """Run one call; record OK or its error.

        ``keep`` names the id an add returned; ``find`` is ``(name, field, value)``: keep as
        ``name`` the ``_id`` of the search row whose ``field`` is ``value`` (an add that answers
        no id is found that way, as a user of the client would).
        """
        try:
            with redirect_stdout(io.StringIO()):  # the client prints a curl line per request
                response = action()
        except SimotelError as exc:
            self.results.append((label, f"{type(exc).__name__}: {str(exc).splitlines()[0]}"))
            return None
        except Exception as exc:  # a crash of the client is a result too
            last = traceback.extract_tb(exc.__traceback__)[-1]
            self.results.append((label, f"{type(exc).__name__}: {exc} (at {last.name})"))
            return None
        if isinstance(response, bytes):
            problem = download_problem(response)
            self.results.append((label, problem))
            return None if problem else response
        problem = batch_problem(getattr(response, "data", None))
        self.results.append((label, problem))
        if keep is not None and new_id(response):
            self.ids[keep] = str(new_id(response))
        if find is not None:
            name, key, value = find
            match = next((r for r in rows(response) if str(r.get(key)) == value and r.get("_id")), None)
            if match is not None:
                self.ids[name] = str(match["_id"])
        return response

    def id(self, key: str, fallback: str) -> str:
        """The id an earlier add returned, else the documented one."""
        return self.ids.get(key, fallback)


def download_problem(content: bytes) -> str | None:
    """Why a download's bytes are not a file: an error envelope, or nothing at all."""
    if not content:
        return "empty body"
    if content[:1] == b"{":
        try:
            body = json.loads(content)
        except ValueError:
            return None
        if isinstance(body, dict) and body.get("success") == 0:
            return f"error envelope instead of a file: {body.get('message')!r}"
    return None


def run_all(run: Run) -> None:
    """Every public method of every manager, once."""
    sm = run.sm

    # ------------------------------------------------------------ setting, call
    run.call("setting.ping", lambda: sm.setting.ping())
    o = sample("sa-call-originate")
    run.call(
        "call.originate",
        lambda: sm.call.originate(
            caller=o["caller"],
            callee=o["callee"],
            context=o["context"],
            caller_id=o["caller_id"],
            timeout=o["timeout"],
            trunk_name=o["trunk_name"],
            call_limit=o["call_limit"],
        ),
    )

    # ------------------------------------------------------------ pbx.users
    u = sample("sa-users_add")
    run.call(
        "pbx.users.add",
        lambda: sm.pbx.users.add(
            extension=u["number"],
            name=u["name"],
            password=u["secret"],
            email=u.get("email") or None,
            **without(u, "number", "name", "email"),
        ),
        keep="user",
    )
    run.call(
        "pbx.users.search",
        lambda: sm.pbx.users.search(extension=u["number"]),
        find=("user", "number", u["number"]),
    )
    ue = sample("sa-users_edit")
    ue["number"] = "4091"  # the documented 909 is a seeded user's number
    run.call(
        "pbx.users.update",
        lambda: sm.pbx.users.update(
            extension=ue["number"], **without(ue, "number", "_id"), _id=run.id("user", ue["_id"])
        ),
    )
    run.call("pbx.users.remove", lambda: sm.pbx.users.remove(extension=u["number"]))

    # ------------------------------------------------------------ pbx.trunks
    t = sample("sa-trunks_add")
    t["name"] = "sc_trunk"
    run.call(
        "pbx.trunks.add",
        lambda: sm.pbx.trunks.add(
            name=t["name"],
            host=t["host"],
            username="3591011020",
            password="as#3591011020",
            trunk_type=t["trunk_type"],
            **without(t, "name", "host", "trunk_type", "type"),
        ),
        keep="trunk",
    )
    run.call(
        "pbx.trunks.search", lambda: sm.pbx.trunks.search(name=t["name"]), find=("trunk", "name", t["name"])
    )
    te = sample("sa-trunks_edit")
    run.call(
        "pbx.trunks.update",
        lambda: sm.pbx.trunks.update(
            name=t["name"], **without(te, "name", "_id"), _id=run.id("trunk", te["_id"])
        ),
    )
    run.call("pbx.trunks.remove", lambda: sm.pbx.trunks.remove(name=t["name"]))

    # ------------------------------------------------------------ pbx.queues (and agents)
    q = sample("sa-queues_add")
    q["number"], q["name"] = "9077", "sc_queue"
    run.call(
        "pbx.queues.add",
        lambda: sm.pbx.queues.add(
            name=q["name"],
            strategy=q["strategy"],
            timeout=q["timeout"],
            **without(q, "name", "strategy", "timeout"),
        ),
        keep="queue",
    )
    run.call(
        "pbx.queues.search", lambda: sm.pbx.queues.search(name=q["name"]), find=("queue", "name", q["name"])
    )
    qe = sample("sa-queues_edit")
    qe["number"] = q["number"]
    run.call(
        "pbx.queues.update",
        lambda: sm.pbx.queues.update(
            name=q["name"], **without(qe, "name", "_id"), _id=run.id("queue", qe["_id"])
        ),
    )
    a = sample("sa-queue_addagent")
    queue, agent = q["number"], a["agent"]
    run.call(
        "pbx.queues.add_agent",
        lambda: sm.pbx.queues.add_agent(queue=queue, agent=agent, penalty=int(a["penalty"])),
    )
    run.call("pbx.queues.pause_agent", lambda: sm.pbx.queues.pause_agent(queue=queue, agent=agent))
    run.call("pbx.queues.resume_agent", lambda: sm.pbx.queues.resume_agent(queue=queue, agent=agent))
    run.call("pbx.queues.remove_agent", lambda: sm.pbx.queues.remove_agent(queue=queue, agent=agent))
    batch = [row["agent"] for row in sample("sa-queue_batchaddagent")["agents"]]
    run.call("pbx.queues.batch_add_agent", lambda: sm.pbx.queues.batch_add_agent(queue=queue, agents=batch))
    run.call(
        "pbx.queues.batch_pause_agent",
        lambda: sm.pbx.queues.batch_pause_agent(queue=queue, agents=batch),
    )
    run.call(
        "pbx.queues.batch_resume_agent",
        lambda: sm.pbx.queues.batch_resume_agent(queue=queue, agents=batch),
    )
    run.call(
        "pbx.queues.batch_remove_agent",
        lambda: sm.pbx.queues.batch_remove_agent(queue=queue, agents=batch),
    )
    run.call("pbx.queues.remove", lambda: sm.pbx.queues.remove(name=q["name"]))

    # ------------------------------------------------------------ pbx.blacklists, whitelists
    for kind, prefix in (("blacklists", "sa-blacklist"), ("whitelists", "sa-whitelist")):
        manager = getattr(sm.pbx, kind)
        add = sample(f"{prefix}_add")
        add["number"] = "0915777000" + ("1" if kind == "blacklists" else "2")
        run.call(
            f"pbx.{kind}.add",
            lambda m=manager, b=add: m.add(number=b["number"], **without(b, "number")),
            keep=kind,
        )
        run.call(
            f"pbx.{kind}.search",
            lambda m=manager, b=add: m.search(number=b["number"]),
            find=(kind, "number", add["number"]),
        )
        edit = sample(f"{prefix}_edit")
        run.call(
            f"pbx.{kind}.update",
            lambda m=manager, e=edit, k=kind: m.update(
                number=e["number"], **without(e, "number", "_id"), _id=run.id(k, e["_id"])
            ),
        )
        run.call(f"pbx.{kind}.remove", lambda m=manager, b=add: m.remove(number=b["number"]))

    # ------------------------------------------------------------ pbx.announcements, moh, faxes
    pa = sample("sa-announcements_add")
    up = run.call("pbx.announcements.upload", lambda: sm.pbx.announcements.upload(str(run.wav)))
    uploaded = (up.data or {}).get("filename") if up is not None and isinstance(up.data, dict) else None
    pa["name"] = "sc_sound"
    pa["filename"] = uploaded or pa["filename"]
    run.call(
        "pbx.announcements.add",
        lambda: sm.pbx.announcements.add(name=pa["name"], **without(pa, "name")),
        keep="announcement",
    )
    run.call(
        "pbx.announcements.search",
        lambda: sm.pbx.announcements.search(name=pa["name"]),
        find=("announcement", "name", pa["name"]),
    )
    pe = sample("sa-announcements_edit")
    run.call(
        "pbx.announcements.update",
        lambda: sm.pbx.announcements.update(
            name=pa["name"],
            filename=pa["filename"],
            comment=pe["comment"],
            _id=run.id("announcement", pe["_id"]),
        ),
    )
    run.call("pbx.announcements.remove", lambda: sm.pbx.announcements.remove(name=pa["name"]))
    run.call("pbx.musiconholds.search", lambda: sm.pbx.musiconholds.search(**sample("sa-musiconhold_search")))
    fu = run.call("pbx.faxes.upload", lambda: sm.pbx.faxes.upload(str(run.tiff)))
    fax = sample("sa-fax_add")
    if fu is not None and isinstance(fu.data, dict) and fu.data.get("filename"):
        fax["file"] = fu.data["filename"]
    run.call("pbx.faxes.add", lambda: sm.pbx.faxes.add(**fax), keep="fax")
    fs = sample("sa-fax_search")
    found = run.call("pbx.faxes.search", lambda: sm.pbx.faxes.search(limit=20, offset=0, **fs))
    row = first_row(found) if found is not None else None
    fax_id = str(row["_id"]) if row and row.get("_id") else run.id("fax", "6033876dc92de036d1390923")
    run.call("pbx.faxes.download", lambda: sm.pbx.faxes.download(fax_id=fax_id))

    # ------------------------------------------------------------ voicemails
    v = sample("sa-voicemail_add")
    v["number"] = "4077"
    run.call("voicemails.add", lambda: sm.voicemails.add(**v), keep="voicemail")
    run.call("voicemails.search", lambda: sm.voicemails.search(**sample("sa-voicemail_search")))
    ve = sample("sa-voicemail_edit")
    ve["_id"], ve["number"] = run.id("voicemail", ve["_id"]), "4078"
    run.call("voicemails.update", lambda: sm.voicemails.update(**ve))
    run.call(
        "voicemails.remove",
        lambda: sm.voicemails.remove(_id=run.id("voicemail", sample("sa-voicemail_remove")["_id"])),
    )
    inbox = run.call(
        "voicemails.inbox_search", lambda: sm.voicemails.inbox_search(**sample("sa-inbox_search"))
    )
    message = first_row(inbox) if inbox is not None else None
    message_id = str(message["_id"]) if message and message.get("_id") else "6033876dc92de036d1390923"
    run.call("voicemails.download_audio", lambda: sm.voicemails.download_audio(message_id=message_id))

    # ------------------------------------------------------------ reports
    run.call("reports.quick_search", lambda: sm.reports.quick_search(**sample("sa-quick_search-1")))
    run.call("reports.quick_info", lambda: sm.reports.quick_info(**sample("sa-quick_info")))
    c = sample("sa-report_cdr_search")
    cdrs = run.call(
        "reports.cdr_search",
        lambda: sm.reports.cdr_search(
            date_range=c["date_range"], pagination=c["pagination"], alike=c["alike"]
        ),
    )
    run.call("reports.cdr_ordered", lambda: sm.reports.cdr_ordered(after_id=""))
    qs = sample("sa-queue_search")
    run.call(
        "reports.queue_search",
        lambda: sm.reports.queue_search(queue=qs["conditions"]["qnum"], **without(qs, "queue")),
    )
    run.call("reports.queue_ordered", lambda: sm.reports.queue_ordered(after_id=""))
    qd = sample("sa-queue_details_search")
    run.call(
        "reports.queue_details_search",
        lambda: sm.reports.queue_details_search(queue=qd["conditions"]["queue"], **without(qd, "queue")),
    )
    run.call("reports.queue_details_ordered", lambda: sm.reports.queue_details_ordered(after_id=""))
    ag = sample("sa-agent_search")
    run.call(
        "reports.agent_search",
        lambda: sm.reports.agent_search(agent=ag["conditions"]["exten"], **without(ag, "agent")),
    )
    run.call("reports.poll_search", lambda: sm.reports.poll_search(**sample("sa-report_poll")))
    recorded = None
    if cdrs is not None:
        rows = cdrs.data.get("data", []) if isinstance(cdrs.data, dict) else []
        recorded = next((r["record"] for r in rows if isinstance(r, dict) and r.get("record")), None)
    record = recorded or "20210622_1624340875.75933.mp3"
    run.call("reports.download_audio", lambda: sm.reports.download_audio(file=record))
    run.call(
        "reports.download_audio_dual_channel", lambda: sm.reports.download_audio_dual_channel(file=record)
    )

    # ------------------------------------------------------------ autodialer
    aa = sample("ad-announcement_add")
    aup = run.call(
        "autodialer.announcements.upload", lambda: sm.autodialer.announcements.upload(str(run.wav))
    )
    if aup is not None and isinstance(aup.data, dict) and aup.data.get("filename"):
        aa["filename"] = aup.data["filename"]
    aa["name"] = "sc_campaign_sound"
    run.call(
        "autodialer.announcements.add",
        lambda: sm.autodialer.announcements.add(name=aa["name"], **without(aa, "name")),
        keep="ad_announcement",
    )
    run.call("autodialer.announcements.search", lambda: sm.autodialer.announcements.search(name=aa["name"]))
    ae = sample("ad-announcement_edit")
    run.call(
        "autodialer.announcements.update",
        lambda: sm.autodialer.announcements.update(
            _id=run.id("ad_announcement", ae["_id"]),
            name=ae["name"],
            filename=aa["filename"],
            description=ae["description"],
        ),
    )

    gup = run.call("autodialer.groups.upload", lambda: sm.autodialer.groups.upload(str(run.csv)))
    g = sample("ad-group_add")
    g["name"] = "sc_group"
    run.call(
        "autodialer.groups.add",
        lambda: sm.autodialer.groups.add(name=g["name"], numbers=g["numbers"], description=g["description"]),
        keep="group",
    )
    run.call("autodialer.groups.search", lambda: sm.autodialer.groups.search(name=g["name"]))
    ge = sample("ad-group_edit")
    run.call(
        "autodialer.groups.update",
        lambda: sm.autodialer.groups.update(
            _id=run.id("group", ge["_id"]),
            name="sc_group_new",
            numbers=ge["numbers"],
            description=ge["description"],
        ),
    )
    del gup

    ct = sample("ad-contact_add")
    run.call(
        "autodialer.contacts.add",
        lambda: sm.autodialer.contacts.add(
            number=ct["number"], name=ct["name"], description=ct["description"]
        ),
        keep="contact",
    )
    run.call(
        "autodialer.contacts.search",
        lambda: sm.autodialer.contacts.search(number=ct["number"]),
        find=("contact", "number", ct["number"]),
    )
    ce = sample("ad-contact_edit")
    run.call(
        "autodialer.contacts.update",
        lambda: sm.autodialer.contacts.update(
            number=ct["number"],
            name=ce["name"],
            description=ce["description"],
            _id=run.id("contact", ce["_id"]),
        ),
    )
    run.call("autodialer.contacts.remove", lambda: sm.autodialer.contacts.remove(number=ct["number"]))

    managers = run.call(
        "autodialer.trunks.search", lambda: sm.autodialer.trunks.search(**sample("ad-trunk_manager_search"))
    )
    manager = first_row(managers) if managers is not None else None
    tm = sample("ad-trunk_manager_edit")
    manager_id = str(manager["_id"]) if manager and manager.get("_id") else tm["_id"]
    run.call(
        "autodialer.trunks.update",
        lambda: sm.autodialer.trunks.update(name=tm["title"], **without(tm, "_id"), _id=manager_id),
    )

    cp = sample("ad-campaign_add")
    run.call(
        "autodialer.campaigns.add",
        lambda: sm.autodialer.campaigns.add(
            name="sc_campaign",
            trunk_manager_id=manager_id,
            numbers=cp["numbers"],
            groups=[run.id("group", cp["groups"][0])],
            announcement=run.id("ad_announcement", cp["announcement"]),
            try_interval=cp["try_interval"],
            try_count=cp["try"],
            start=cp["start"],
            end=cp["end"],
            count=cp["count"],
            interface_context=cp["interface_context"],
            interface_text=cp["interface_text"],
            description=cp["description"],
        ),
        keep="campaign",
    )
    run.call("autodialer.campaigns.search", lambda: sm.autodialer.campaigns.search(name="sc_campaign"))
    cu = sample("ad-campaign_edit")
    run.call(
        "autodialer.campaigns.update",
        lambda: sm.autodialer.campaigns.update(
            _id=run.id("campaign", cu["_id"]),
            name="sc_campaign_new",
            **without(cu, "_id", "name", "trunk_manager_id", "announcement"),
        ),
    )

    rs = sample("ad-report_search")
    reports = run.call(
        "autodialer.reports.search",
        lambda: sm.autodialer.reports.search(
            date_range=rs["date_range"], pagination=rs["pagination"], alike=rs["alike"]
        ),
    )
    run.call("autodialer.reports.ordered", lambda: sm.autodialer.reports.ordered(after_id=""))
    report = first_row(reports) if reports is not None else None
    tries = report.get("tries") if report else None
    cdr_id = sample("ad-report_info")["_id"]
    if isinstance(tries, list) and tries and isinstance(tries[0], dict):
        raw = tries[0].get("cdr_id")
        cdr_id = str(raw.get("$oid") if isinstance(raw, dict) else raw)
    run.call("autodialer.reports.info", lambda: sm.autodialer.reports.info(_id=cdr_id))

    run.call(
        "autodialer.campaigns.remove",
        lambda: sm.autodialer.campaigns.remove(_id=run.id("campaign", cu["_id"])),
    )
    run.call("autodialer.groups.remove", lambda: sm.autodialer.groups.remove(_id=run.id("group", ge["_id"])))
    run.call(
        "autodialer.announcements.remove",
        lambda: sm.autodialer.announcements.remove(_id=run.id("ad_announcement", ae["_id"])),
    )


def public_methods(sm: Any) -> set[str]:
    """``namespace.manager.method`` of every public method the client offers."""
    found: set[str] = set()

    def walk(obj: Any, prefix: str, depth: int) -> None:
        for name in dir(obj):
            if name.startswith("_"):
                continue
            attr = getattr(obj, name)
            if callable(attr) and hasattr(attr, "__self__"):
                found.add(prefix + name)
            elif depth < 2 and type(attr).__module__.startswith("simotel_connect.managers"):
                walk(attr, f"{prefix}{name}.", depth + 1)

    walk(sm, "", 0)
    return found


def main(argv: list[str] | None = None) -> int:
    """Parse the options, run every call, print the lines and the tally."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the simulator, e.g. http://127.0.0.1:8800")
    parser.add_argument("--username", default="admin")
    parser.add_argument("--password", default="simotel")
    parser.add_argument("--api-key", default="simotui-demo-key")
    parser.add_argument(
        "--post", action="store_true", help="diagnostic: send POST where the client sends PUT"
    )
    args = parser.parse_args(argv)
    url = urlsplit(args.url)
    default_port = 443 if url.scheme == "https" else 80
    sm = Simotel(
        host=url.hostname,
        port=url.port or default_port,
        scheme=url.scheme or "http",
        username=args.username,
        password=args.password,
        api_key=args.api_key,
        timeout=10,
    )
    session = sm._client._session  # the diagnostic swaps the verb, nothing else
    if args.post:
        session.put = session.post
    try:
        with redirect_stdout(io.StringIO()):
            sm.setting.ping()
    except SimotelConnectionError as exc:
        if "Could not connect" in str(exc):
            print(f"{exc}: is the simulator running at {args.url}?", file=sys.stderr)
            return 2
    except SimotelError:
        pass  # reachable: the measured ping below says what went wrong
    with tempfile.TemporaryDirectory(prefix="simotel-connect-") as files:
        run = Run(sm, Path(files))
        run_all(run)
    called = {label for label, _ in run.results}
    missing = sorted(public_methods(sm) - called)
    width = max(len(label) for label, _ in run.results)
    for label, problem in run.results:
        print(f"{label:<{width}}  {'OK' if problem is None else problem}")
    for label in missing:
        print(f"{label:<{width}}  NOT CALLED (new in this version of the client?)")
    ok = sum(1 for _, problem in run.results if problem is None)
    total = len(run.results) + len(missing)
    mode = " (diagnostic: POST instead of PUT)" if args.post else ""
    print(f"\n{ok} of {total} calls succeed{mode}")
    return 0 if ok == total else 1


if __name__ == "__main__":
    sys.exit(main())
