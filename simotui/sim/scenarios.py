# The documented records are kept one per line, so each can be checked against its sample.
"""Seed data: the PBX directory (extensions, trunks, queues, contexts, autodialer objects) and the
records the documented examples return, rebuilt through the internal model.

Documented records keep their documented ``_id``s and times (their ids then also carry
the documented insertion epochs), so each documented request finds a record of the
documented shape. A few "alike" twins are added where a sample's own record does not
match its request (e.g. the quick-search sample returns a December 2022 call for a range
ending June 2022).
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from simotui.sim.dates import parse_local
from simotui.sim.models import (
    ANNOUNCEMENT_OUTPUT,
    AgentSession,
    Announcement,
    ApiComponent,
    AttemptInfo,
    AutodialerRoute,
    Campaign,
    CampaignReport,
    CdrRecord,
    Context,
    Detail,
    Group,
    PollRecord,
    Queue,
    QueueStat,
    ReportTry,
    RouteStep,
    Trunk,
    TrunkManager,
    User,
)
from simotui.sim.state import SimulatedPbx

#: Extension number -> display name. 100-105 are named by number, as in the docs' lab PBX.
EXTENSIONS: dict[str, str] = {
    "100": "100",
    "101": "101",
    "102": "102",
    "103": "103",
    "104": "104",
    "105": "105",
    "200": "Reception",
    "521": "Reza Karimi",
    "550": "Zahra Hashemi",
    "552": "Sara Mohammadi",
    "553": "Hossein Rahimi",
    "554": "Leila Sadeghi",
    "555": "Mohammad Alavi",
    "557": "Narges Hosseini",
    "558": "Fax Room",
    "560": "hoshmand",
    "561": "Parisa Kazemi",
    "562": "Mehdi Ahmadi",
    "564": "Fatemeh Jafari",
    "570": "Amir Moradi",
}

#: Extensions whose calls are recorded (``call_record: "yes"``).
RECORDED_EXTENSIONS = {"552", "562", "564"}

#: Queue number -> (name, member extensions).
QUEUES: dict[str, tuple[str, list[str]]] = {
    "900": ("Sales", ["555", "557", "570"]),
    "901": ("Support", ["560", "564", "561"]),
    "903": ("Billing", ["550", "552"]),
    "910": ("VIP", ["553", "554", "561"]),
    "9009": ("NasimTelecom", ["552", "557"]),
}

#: Trunk name -> (host, register user, DID).
TRUNKS: dict[str, tuple[str, str, str]] = {
    "Cisco": ("192.168.51.1", "31041000", "31041000"),
    "Center": ("10.10.20.1", "5131041", "5131041570"),
    "t1541": ("192.168.51.30", "1541", "1541"),
    "trunk_name_new": ("192.168.1.10", "3591011020", "3591011020"),
}

#: The seeded trunk manager (the documented one), open every hour of every day.
DEMO_TRUNK_MANAGER_ID = "5ec63107ce4f6d12c43e250f"
#: ``interface_context`` of a "call originate via campaign" (§5.8): the demo Autodialer Route.
BRIDGE_CONTEXT = "simotui"
#: ``interface_text`` whose row leads to the demo API component.
BRIDGE_TEXT = "bridge"
#: ``interface_text`` whose row plays the campaign's announcement instead.
ANNOUNCE_TEXT = "announce"
#: Name of the demo API component (Exten API or Trunk API, per ``SimConfig.component_kind``).
BRIDGE_COMPONENT = "simotui-bridge"

#: Persian-looking caller numbers used by the history generator (prefix -> digits to add).
PSTN_PREFIXES = ("0912", "0915", "0935", "0936", "0937", "0919", "021", "0513", "031")


def seed_directory(pbx: SimulatedPbx) -> None:
    """Extensions, trunks, queues, contexts, trunk manager, announcements and groups."""
    tz = pbx.tz
    rng = random.Random(f"simotel-directory|{pbx.seed}")

    def j(text: str) -> float:
        return parse_local(text, tz)

    base = j("1401-01-15 10:00:00")
    for number, name in EXTENSIONS.items():
        date = base + rng.randint(0, 400) * 86400 + rng.randint(0, 30000)
        oid = pbx.object_ids.new(date)
        if number == "101":
            # The users-search sample's record (its documented _id has a 25th digit: a typo).
            oid, date = "64b558207af75f2cf3788898", j("1402-04-26 19:32:56")
        pbx.users[number] = User(
            oid=oid,
            number=number,
            name=name,
            date=date,
            call_record="yes" if number in RECORDED_EXTENSIONS else "no",
            secret=f"{number}{rng.randint(1000, 9999)}",
            mapped=number in {"552", "557", "560", "564"},
        )
    for qnum, (qname, members) in QUEUES.items():
        date = base + rng.randint(0, 400) * 86400
        oid = pbx.object_ids.new(date)
        if qnum == "9009":
            oid, date = "603c8d9ffc909f2e766d40d3", j("1399-12-11 10:15:51")
        pbx.queues[qnum] = Queue(
            oid=oid,
            name=qname,
            number=qnum,
            date=date,
            members=list(members),
            music="gole orkideh" if qnum == "9009" else "default",
        )
        for member in members:
            pbx.users[member].queues.append(qnum)
    for tname, (host, user, did) in TRUNKS.items():
        date = base + rng.randint(0, 400) * 86400
        oid = pbx.object_ids.new(date)
        active = "yes"
        if tname == "Cisco":
            oid = "5f19760ace4f6d16dd2e3e0c"  # the trunk behind the documented trunk manager
        if tname == "trunk_name_new":
            oid, date, active = "603b7ff482f9b45dfc5429f9", j("1399-12-10 15:05:16"), "no"
        pbx.trunks[tname] = Trunk(
            oid=oid,
            name=tname,
            host=host,
            username=user,
            secret=f"as#{user}",
            date=date,
            active=active,
            did=did,
        )
    for ctx in (
        Context("main_routing", "Outgoing Route", "Center", record_pstn=True),
        Context("internal", "Internal Route", None),
        Context("from-pstn", None, None),
        Context("incoming", None, None),
        Context("simotel-local-agents", None, None),
        Context("auto", None, None),
        Context("poll07", None, None),
    ):
        pbx.contexts[ctx.name] = ctx

    seed_dialplan(pbx)

    all_hours = [str(h) for h in range(24)]
    tm = TrunkManager(
        oid=DEMO_TRUNK_MANAGER_ID,
        title="autodialer",
        trunk_oid=pbx.trunks["Cisco"].oid,
        date=j("1399-03-01 12:13:03"),
        active_times={str(day): list(all_hours) for day in range(1, 8)},
    )
    pbx.trunk_managers[tm.oid] = tm

    for ann in (
        Announcement(
            "653e02b6959ca20a2f1b7293",
            "test_sound",
            "file-20200825065434-58826-bbc-farsi-pargarmp3_.wav",
            "Just for test",
            j("1402-08-07 10:29:02"),
            file_data="",
            seconds=9,
        ),
        Announcement(
            "6045d7bd095d846433440144",
            "Hello_World",
            "file-20210308075228-82244-Hello_World.wav",
            "",
            j("1399-12-18 11:22:29"),
            file_data=None,  # older records lack ``fileData`` (sample ad-example-1)
            seconds=6,
        ),
        Announcement(
            "652ea0eba9315b2d0c025574",
            "azan",
            "file-20231017151315-40213-azan_.wav",
            "",
            j("1402-07-25 18:13:15"),
            seconds=12,
        ),
        Announcement(
            "65433892c08a113c497ee373",
            "welcome_offer",
            "file-20231102055002-19871-welcome-offer_.wav",
            "Promotion message",
            j("1402-08-11 09:20:02"),
            seconds=11,
        ),
    ):
        pbx.announcements[ann.oid] = ann

    def numbers(count: int) -> list[str]:
        return [f"0915{rng.randint(1000000, 9999999)}" for _ in range(count)]

    groups = [
        ("5c9f0a1e76c2c0747f3a7e01", "pilot-list", j("1398-01-07 09:12:44"), numbers(12)),
        ("5ca4a83976c2c0747f3a7e55", "pilot-list-2", j("1398-01-14 11:03:05"), numbers(20)),
        ("5ca5e52b76c2c0747f3a7e9a", "mashhad-clinic", j("1398-01-15 16:40:11"), numbers(35)),
        ("5ca6f0a876c2c0747f3a7eb3", "nasim-contact", j("1398-01-16 10:01:28"), numbers(9)),
        (
            "5cab4ed776c2c0747f3a7f7b",
            "nasim-contact-update-980119",
            j("1398-01-19 18:08:31"),
            numbers(109),
        ),
        ("5cac595276c2c011a94f4b43", "nasimcontact-step2", j("1398-01-20 13:05:30"), numbers(101)),
        (
            "5e96c8c2c92de0468920657e",
            "customers-mashhad",
            j("1399-01-27 12:04:50"),
            ["09187213593"],
        ),
        ("5e96d40cc92de025690d0a61", "customers-tehran", j("1399-01-27 12:52:52"), ["09188898969"]),
    ]
    for oid, name, date, nums in groups:
        pbx.groups[oid] = Group(oid, name, "", nums, date)


def seed_dialplan(pbx: SimulatedPbx) -> None:
    """The demo Autodialer Route (context ``simotui``) and the API components it leads to.

    Rows: ``bridge`` → the console's bridge component (``simotui-bridge``), ``announce`` → the
    campaign's announcement, ``exten``/``trunk``/``ivr``/``smart`` → the demo component of that
    kind (``SimConfig.components``), ``any`` → the bridge component (so an empty
    ``interface_text`` bridges too). Each demo component also has a context of its own
    (``api-exten``, ``api-trunk``, ``api-ivr``, ``api-smart``) whose Outgoing Route leads every
    number into it, so an originate reaches it too.
    """
    config = pbx.config
    component = ApiComponent(
        name=BRIDGE_COMPONENT,
        kind=config.component_kind,
        url=config.component_api_url or None,
        style=config.component_style,
        method=config.component_method,
        timeout=config.component_timeout,
    )
    pbx.api_components[component.name] = component
    rows = [(BRIDGE_TEXT, component.name), (ANNOUNCE_TEXT, ANNOUNCEMENT_OUTPUT)]
    for spec in config.components:
        demo = ApiComponent(
            name=spec.name,
            kind=spec.kind,
            url=spec.url or None,
            style=spec.style,
            method=spec.method,
            timeout=spec.timeout,
            cases=dict(spec.cases),
        )
        pbx.api_components[demo.name] = demo
        pbx.contexts[spec.context] = Context(spec.context, f"{spec.name} route", None, component=demo.name)
        rows.append((spec.kind, demo.name))
    rows.append(("any", component.name))
    pbx.autodialer_routes[BRIDGE_CONTEXT] = AutodialerRoute(
        name="simotui-autodialer", context=BRIDGE_CONTEXT, rows=rows
    )


# --------------------------------------------------------------------------- CDR doc records
def _cdr(pbx: SimulatedPbx, **fields: object) -> CdrRecord:
    """A CdrRecord from keyword fields; Jalali/Gregorian strings are parsed to epochs."""
    tz = pbx.tz
    for key in ("start", "starttime", "endtime", "answer", "last_try"):
        value = fields.get(key)
        if isinstance(value, str):
            fields[key] = parse_local(value, tz) if value else None
    fields.setdefault("answer", None)
    return CdrRecord(**fields)  # type: ignore[arg-type]


def _route(*steps: tuple[str, str, float, int]) -> list[RouteStep]:
    return [(kind, name, dur, ms / 1000) for kind, name, dur, ms in steps]


def _spool_failed_rows(pbx: SimulatedPbx) -> Iterable[CdrRecord]:
    """The single-attempt ``OutgoingSpoolFailed`` rows of the CDR-ordered sample."""
    table = [
        # oid, cuid, uniqueid, dst, start, starttime, endtime, seq, orig id, route dur, route ms
        ("6320bea45cdfddf334adfa2b", "1663090338.4898", "1663090338.4898", "123", "22:02:18", "22:02:19", "22:02:20", "4699", "1663090338.906690", 0.047694, 1663090338596),
        ("6320bf735cdfddf334adfa2c", "1663090546.4900", "1663090546.4900", "123123", "22:05:46", "22:05:46", "22:05:47", "4700", "1663090546.236468", 0.047784, 1663090546116),
        ("6320bff05cdfddf334adfa30", "1663090670.4904", "1663090670.4904", "123123", "22:07:50", "22:07:51", "22:07:52", "4704", "1663090670.813361", 0.044777, 1663090670850),
        ("6320bff95cdfddf334adfa33", "1663090678.4906", "1663090679.4907", "123123", "22:07:59", "22:08:00", "22:08:01", "4707", "1663090679.355313", 0.042995, 1663090679676),
        ("6320c0335cdfddf334adfa34", "1663090738.4908", "1663090738.4908", "09370331680", "22:08:58", "22:08:58", "22:08:59", "4708", "1663090738.232689", 0.047314, 1663090738269),
        ("6320c0c55cdfddf334adfa35", "1663090884.4909", "1663090884.4909", "09370331680", "22:11:24", "22:11:24", "22:11:25", "4709", "1663090884.714394", 0.042723, 1663090884084),
        ("6320c0f15cdfddf334adfa36", "1663090927.4910", "1663090927.4910", "09370331680", "22:12:07", "22:12:08", "22:12:09", "4710", "1663090927.486356", 0.042818, 1663090927724),
        ("6320c31a5cdfddf334adfa37", "1663091480.4911", "1663091480.4911", "09370331680", "22:21:20", "22:21:21", "22:21:22", "4711", "1663091480.836814", 0.046078, 1663091480750),
        ("6320c32c5cdfddf334adfa38", "1663091499.4912", "1663091499.4912", "09370331680", "22:21:39", "22:21:39", "22:21:40", "4712", "1663091499.992905", 0.047142, 1663091499214),
        ("6320c3b25cdfddf334adfa39", "1663091632.4913", "1663091632.4913", "09370331680", "22:23:52", "22:23:53", "22:23:54", "4713", "1663091632.442785", 0.04448, 1663091632531),
        ("6320c4155cdfddf334adfa3a", "1663091731.4914", "1663091731.4914", "09370331680", "22:25:31", "22:25:32", "22:25:33", "4714", "1663091731.792878", 0.044469, 1663091731666),
        ("6320c4285cdfddf334adfa3b", "1663091751.4915", "1663091751.4915", "09370331680", "22:25:51", "22:25:51", "22:25:52", "4715", "1663091751.271903", 0.048014, 1663091751085),
        ("6320c5c65cdfddf334adfa3c", "1663092165.4918", "1663092165.4918", "09370331680", "22:32:45", "22:32:45", "22:32:46", "4718", "1663092162.399277", 0.044119, 1663092165340),
        ("6320c5c85cdfddf334adfa3d", "1663092167.4919", "1663092167.4919", "09370331680", "22:32:47", "22:32:47", "22:32:48", "4719", "1663092161.590786", 0.041649, 1663092167193),
        ("6320c5d25cdfddf334adfa3e", "1663092176.4921", "1663092176.4921", "09370331680", "22:32:56", "22:32:57", "22:32:58", "4721", "1663092174.349111", 0.047398, 1663092177031),
    ]  # fmt: skip
    day = "1401-06-22 "
    for oid, cuid, uniqueid, dst, start, starttime, endtime, seq, orig, dur, ms in table:
        yield _cdr(
            pbx,
            oid=oid, type="local", cuid=cuid, uniqueid=uniqueid, clid=f'"" <{dst}>',
            src="200", dst=dst, dcontext="main_routing", channel="OutgoingSpoolFailed",
            dstchannel="", lastapp="Hangup", lastdata="", start=day + start,
            duration=1, billsec=0, wait=1, disposition="FAILED", sequence=int(seq),
            starttime=day + starttime, endtime=day + endtime,
            comment=f"originated call: orig.call.{orig}", originated_call_id=f"orig.call.{orig}",
            route=_route(("OutgoingRoute", "Outgoing Route", dur, ms)),
        )  # fmt: skip


def _doc_cdrs(pbx: SimulatedPbx) -> Iterable[CdrRecord]:
    """Every CDR the documented report examples return (plus alike twins)."""
    # reports/cdr/search sample: 562 -> 09365018573 through trunk Center, recorded.
    yield _cdr(
        pbx,
        oid="60d179d3895b44fe5bbc66e2", type="outgoing", cuid="1624340875.75933",
        uniqueid="1624340875.75934", clid='"" <09365018573>', src="562", dst="09365018573",
        dcontext="main_routing", channel="SIP/center-00009cb6", dstchannel="", lastapp="Hangup",
        lastdata="", start="1400-04-01 10:19:04", answer="2021-06-22 10:19:04", duration=1,
        billsec=54, wait=14, disposition="ANSWERED", sequence=54231,
        starttime="1400-04-01 10:19:06", endtime=1624340947.977, outgoing_point="center",
        route=_route(
            ("OutgoingRoute", "out31041", 0.011272, 1624340875778),
            ("Switcher", "Switcher", 0.005508, 1624340875787),
            ("Answer", "Answer", 0.006667, 1624340875797),
            ("MixMonitor", "Mix Monitor", 0.005578, 1624340875808),
            ("Trunk", "Center", 68.601818, 1624340944416),
            ("Trunk", "Center", 0.004539, 1624340944442),
        ),
        record="20210622_1624340875.75933.mp3",
    )  # fmt: skip
    # reports/quick/search sample: an incoming call that hung up in the AGI.
    incoming_route = (
        ("IncomingRoute", "Incoming Route", 0.010565, 1669962473534),
        ("Announcement", "Welcome", 3.886591, 1669962477425),
        ("AGI", "AGI", 0.013045, 1669962477445),
    )
    yield _cdr(
        pbx,
        oid="63899aed43180c714b12b61f", type="incoming", cuid="1669962473.12",
        uniqueid="1669962473.12", clid='"" <05155252492>', src="05155252492", dst="1541",
        dcontext="incoming", channel="SIP/t1541-00000006", dstchannel="", lastapp="Hangup",
        lastdata="", start="1401-09-11 09:57:53", answer="2022-12-02 09:57:53", duration=3,
        billsec=3, wait=4, disposition="NO ANSWER", sequence=6,
        starttime="1401-09-11 09:57:54", endtime="1401-09-11 09:57:57", did="1541",
        entry_point="t1541", route=_route(*incoming_route),
    )  # fmt: skip
    # Alike twins: the quick-search samples ask for June 2022 and for cuid 1677933940.72434.
    for cuid in ("1655796432.41", "1677933940.72434"):
        epoch = int(cuid.split(".")[0])
        shift = epoch - 1669962473
        yield _cdr(
            pbx,
            oid=pbx.object_ids.new(epoch + 4), type="incoming", cuid=cuid, uniqueid=cuid,
            clid='"" <05155252492>', src="05155252492", dst="1541", dcontext="incoming",
            channel="SIP/t1541-0000002a", dstchannel="", lastapp="Hangup", lastdata="",
            start=float(epoch), answer=float(epoch), duration=3, billsec=3, wait=4,
            disposition="NO ANSWER", sequence=int(cuid.split(".")[1]), starttime=epoch + 1.0,
            endtime=epoch + 4.0, did="1541", entry_point="t1541",
            route=[(k, n, d, ms / 1000 + shift) for k, n, d, ms in incoming_route],
        )  # fmt: skip
    # reports/cdr/ordered/id sample (29 rows).
    yield _cdr(
        pbx,
        oid="631e25455cdfddf334adfa11", type="outgoing", cuid="1662920001.4837",
        uniqueid="1662920001.4837", clid='"" <09155326344>', src="09155326344",
        dst="09155326344", dcontext="main_routing", channel="SIP/t7075-000011f1",
        dstchannel="SIP/t1541-000011f2", lastapp="Dial", lastdata="SIP/t1541/09155326344,30,TtKk",
        start="1401-06-20 22:43:21", answer="2022-09-11 22:43:22", duration=1, billsec=1, wait=3,
        disposition="BUSY", sequence=4653, starttime="1401-06-20 22:43:24",
        endtime="1401-06-20 22:43:25", comment="originated call: orig.call.1662920001.861610",
        outgoing_point="t1541", originated_call_id="orig.call.1662920001.861610",
        route=_route(
            ("OutgoingRoute", "Outgoing Route", 0.033743, 1662920002254),
            ("Trunk", "Trunk", 1.632207, 1662920003890),
        ),
    )  # fmt: skip
    yield from _spool_failed_rows(pbx)
    # Originates with a retry: two ids share one cuid, with details[] (sample rows 4-5, 7-8).
    for cuid, first, second, d1, d2, sub in (
        ("1663090584.4901", "1663090584.477936", "1663090585.591270", "22:06:24", "22:06:26",
         [("6320bf9a5cdfddf334adfa2d", "1663090584.4901", "200", "123123", '"" <123>', "22:06:24", "22:06:25", "22:06:26", 4701, 1, 1, "FAILED", "Hangup", "", "1663090584.477936"),
          ("6320bf9b5cdfddf334adfa2e", "1663090587.4903", "123", "failed", '"" <123123>', "22:06:27", "22:06:27", "22:06:27", 4703, 0, 2, "NO ANSWER", "AGI", "agi://127.0.0.1:4573/dialplan, main_routing", "1663090585.591270")],
         ),
        ("1663090677.4905", "1663090677.536078", "1663090678.176089", "22:07:57", "22:07:58",
         [("6320bff75cdfddf334adfa31", "1663090677.4905", "200", "123123123", '"" <123123123>', "22:07:57", "22:07:58", "22:07:59", 4705, 1, 1, "FAILED", "Hangup", "", "1663090677.536078"),
          ("6320bff85cdfddf334adfa32", "1663090678.4906", "200", "123123123", '"" <123123123>', "22:07:58", "22:07:59", "22:08:00", 4706, 1, 2, "FAILED", "Hangup", "", "1663090678.176089")],
         ),
    ):  # fmt: skip
        comment = f"originated call: orig.call.{first}. originated call: orig.call.{second}"
        routes = {
            "1663090584.4901": ((0.043157, 1663090584648), (0.046354, 1663090586055)),
            "1663090677.4905": ((0.053833, 1663090677633), (0.045647, 1663090678872)),
        }[cuid]
        for (
            oid,
            uniqueid,
            src,
            dst,
            clid,
            start,
            starttime,
            endtime,
            seq,
            duration,
            wait,
            disp,
            app,
            data,
            orig,
        ) in sub:
            yield _cdr(
                pbx,
                oid=oid, type="local", cuid=cuid, uniqueid=uniqueid, clid=clid, src=src, dst=dst,
                dcontext="main_routing", channel="OutgoingSpoolFailed", dstchannel="",
                lastapp=app, lastdata=data, start="1401-06-22 " + start, duration=duration,
                billsec=0, wait=wait, disposition=disp, sequence=seq,
                starttime="1401-06-22 " + starttime, endtime="1401-06-22 " + endtime,
                comment=comment, originated_call_id=f"orig.call.{orig}",
                details=[
                    Detail(parse_local("1401-06-22 " + d1, pbx.tz), 0, None, "failed", comment),
                    Detail(parse_local("1401-06-22 " + d2, pbx.tz), 0, "NO ANSWER", "failed", None),
                ],
                route=_route(*(("OutgoingRoute", "Outgoing Route", d, ms) for d, ms in routes)),
            )  # fmt: skip
    # Plain extension-to-extension calls of July 2023.
    local_rows = [
        # oid, cuid, src, dst, channel, dstchannel, lastapp, lastdata, start, answer, duration, billsec, wait, disp, seq, starttime, endtime, route, hangup
        ("64b62a6543180c714b12b628", "1689660003.48", "100", "101", "SIP/100-0000001a", "", "Hangup", "", "1402-04-27 10:30:03", "", 1, 0, 1, "FAILED", 29, "1402-04-27 10:30:04", "1402-04-27 10:30:05", ((0.012684, 1689660003715), (0.015595, 1689660003734)), None),
        ("64b62a7743180c714b12b629", "1689660021.49", "100", "101", "SIP/100-0000001b", "", "Hangup", "", "1402-04-27 10:30:21", "", 1, 0, 1, "FAILED", 30, "1402-04-27 10:30:22", "1402-04-27 10:30:23", ((0.012309, 1689660021882), (0.019087, 1689660021905)), None),
        ("64b62c2043180c714b12b62a", "1689660330.50", "101", "100", "SIP/101-0000001c", "", "Hangup", "", "1402-04-27 10:37:28", "2023-07-18 10:37:28", 0, 112, 3, "ANSWERED", 33, "1402-04-27 10:37:28", "1402-04-27 10:37:28", ((0.013199, 1689660330630), (116.664123, 1689660447298)), None),
        ("64b62cec43180c714b12b62b", "1689660648.54", "101", "103", "SIP/101-0000001e", "SIP/103-0000001f", "Dial", "SIP/103,,TtKkg", "1402-04-27 10:40:48", "", 2, 0, 4, "BUSY", 34, "1402-04-27 10:40:50", "1402-04-27 10:40:52", ((0.014751, 1689660648723), (2.589351, 1689660651318)), None),
        ("64b63b5843180c714b12b62c", "1689664341.57", "103", "101", "SIP/103-00000020", "SIP/101-00000021", "Dial", "SIP/101,,TtKkg", "1402-04-27 11:42:21", "", 1, 0, 3, "NO ANSWER", 36, "1402-04-27 11:42:23", "1402-04-27 11:42:24", ((0.018989, 1689664341471), (1.470117, 1689664342946)), None),
        ("64b7a3d043180c714b12b630", "1689756562.69", "100", "101", "SIP/100-00000028", "", "Hangup", "", "1402-04-28 13:20:24", "", 0, 0, 62, "NO ANSWER", 47, "1402-04-28 13:20:24", "1402-04-28 13:20:24", ((0.011911, 1689756562962), (60.454433, 1689756623420)), None),
        ("64b7a3f443180c714b12b631", "1689756645.72", "101", "100", "SIP/101-0000002a", "SIP/100-0000002b", "Dial", "SIP/100,,TtKkg", "1402-04-28 13:20:45", "2023-07-19 13:20:47", 12, 11, 1, "ANSWERED", 48, "1402-04-28 13:20:48", "1402-04-28 13:21:00", ((0.013127, 1689756645791), (12.898469, 1689756658694)), "callee"),
    ]  # fmt: skip
    for (
        oid,
        cuid,
        src,
        dst,
        chan,
        dchan,
        app,
        data,
        start,
        answer,
        duration,
        billsec,
        wait,
        disp,
        seq,
        starttime,
        endtime,
        steps,
        hangup,
    ) in local_rows:
        (dur1, ms1), (dur2, ms2) = steps
        yield _cdr(
            pbx,
            oid=oid, type="local", cuid=cuid, uniqueid=cuid, clid=f'"{src}" <{src}>', src=src,
            dst=dst, dcontext="main_routing", channel=chan, dstchannel=dchan, lastapp=app,
            lastdata=data, start=start, answer=answer, duration=duration, billsec=billsec,
            wait=wait, disposition=disp, sequence=seq, starttime=starttime, endtime=endtime,
            route=_route(("OutgoingRoute", "Outgoing Route", dur1, ms1), ("Extension", "Extension", dur2, ms2)),
            hangup=hangup,
        )  # fmt: skip
    # A call that ended in a Poll component.
    yield _cdr(
        pbx,
        oid="64b7a34e43180c714b12b62f", type="local", cuid="1689756458.65", uniqueid="1689756458.65",
        clid='"100" <100>', src="100", dst="101", dcontext="main_routing",
        channel="SIP/100-00000026", dstchannel="", lastapp="Hangup", lastdata="",
        start="1402-04-28 13:18:13", answer="2023-07-19 13:18:13", duration=0, billsec=12, wait=10,
        disposition="ANSWERED", sequence=44, starttime="1402-04-28 13:18:14",
        endtime="1402-04-28 13:18:14",
        route=_route(
            ("OutgoingRoute", "Outgoing Route", 0.011792, 1689756458430),
            ("Extension", "Extension", 22.48743, 1689756480923),
            ("Poll", "Poll", 11.750317, 1689756492680),
        ),
    )  # fmt: skip
    # A failed fax spool: JSON accountcode, no route.
    yield _cdr(
        pbx,
        oid="64b802d343180c714b12b636", type="outgoing", cuid="1689780939.84",
        uniqueid="1689780939.84", clid='"" <000>', src="100", dst="101",
        dcontext="simotel-fax-send", channel="OutgoingSpoolFailed", dstchannel="",
        lastapp="SendFAX", lastdata="/var/www/html/files/fax/file-20230719153520-91583-at31m401tif.tif",
        start="1402-04-28 20:05:39", duration=6, billsec=0, wait=7, disposition="FAILED",
        accountcode='{"Uniqueid":"64b802ca7ec8cb8899ee28a6", "type":"fax", "src": "100", "dst": "101"}',
        sequence=58, comment="fax", starttime="1402-04-28 20:05:41", endtime="1402-04-28 20:05:47",
    )  # fmt: skip


def _doc_queue_rows(pbx: SimulatedPbx) -> None:
    """Queue reports of the documented examples (quick info, queue/queue-details, agent, poll)."""
    tz = pbx.tz
    for oid, src, dst, dst_name, chan, dchan, lastdata, uniqueid, seq, end_ms, try_ms in (
        ("60d0d647895b44fe5bbc6671", "09129285259", "564", "Fatemeh Jafari", "Local/564@simotel-local-agents-00000ba7;2", "SIP/564-00009bf3", "SIP/564,15,TtKkm", "1624299064.75569", 53968, 1624299079716, 1624299079718),
        ("60d0d647895b44fe5bbc6672", "09121234567", "560", "hoshmand", "Local/560@simotel-local-agents-00000ba6;2", "SIP/560-00009bf4", "SIP/560,15,TtKkm", "1624299064.75567", 53966, 1624299079724, 1624299079726),
    ):  # fmt: skip
        pbx.store_queue_report(
            _cdr(
                pbx,
                oid=oid, type="queue_report", cuid="1624299033.75565", uniqueid=uniqueid,
                clid='"09129285259" <09129285259>', src=src, dst=dst,
                dcontext="simotel-local-agents", channel=chan, dstchannel=dchan, lastapp="Dial",
                lastdata=lastdata, start="1400-03-31 22:41:04", duration=15, billsec=0, wait=15,
                disposition="NO ANSWER", sequence=seq, starttime="1400-03-31 22:41:04",
                endtime=end_ms / 1000, qnum="901", queue_id="1624299064.1411", tries=1,
                last_try=try_ms / 1000, dst_name=dst_name,
            )
        )  # fmt: skip
    pbx.store_queue_stat(
        QueueStat(
            oid="60c8a7ad8b2427f7c61c58ae", cuid="1623762811.55413", queue_id="1623762829.4035",
            qnum="901", src="02191015010", dst="564", dst_name="564", duration=0, wait=0,
            agent_wait=0, billsec=0, starttime=parse_local("1400-03-25 17:43:49", tz),
            endtime=1623762861.416, ringtime=1623762829.873, answeredtime=None,
            queue_status="TIMEOUT", disposition="MISSED", hangup="caller",
        )
    )  # fmt: skip
    pbx.agent_sessions.add(
        AgentSession(
            "60cb10824f9805dce1490b25", "550", "903",
            parse_local("1400-03-27 13:35:52", tz), parse_local("1400-03-27 13:36:10", tz),
        )
    )  # fmt: skip
    pbx.polls.add(
        PollRecord(
            "602244a95f1eb5fb5d42cb2b", "1612858371.2269", "09121234567", "555", 15, "sale", "900",
            parse_local("1399-11-21 11:45:37", tz),
        )
    )  # fmt: skip


def _doc_campaigns(pbx: SimulatedPbx) -> None:
    """Campaigns and autodialer report rows of the documented examples."""
    tz = pbx.tz

    def j(text: str) -> float:
        """A Jalali (or Gregorian, by year) PBX-local date string as epoch seconds."""
        return parse_local(text, tz)

    g = j
    campaigns = [
        Campaign(
            oid="654338c7766d71477c6319c3", name="test", trunk_manager_id="652ea11ed86c8023fb4bfa55",
            interface_context="auto", interface_text="text1",
            numbers=["09212396500", "09187213593", "09188898969"],
            groups=["5e96c8c2c92de0468920657e", "5e96d40cc92de025690d0a61"],
            try_interval="600", tries="1", start=g("2021-02-19 15:17"), end=g("2021-02-23 15:17"),
            announcement="65433892c08a113c497ee373", description="", count=3,
            date=j("1402-08-11 09:21:03"),
        ),
        Campaign(
            oid="652ea1b5d86c8023fb4bfa5a", name="azan", trunk_manager_id="652ea11ed86c8023fb4bfa55",
            interface_context="", interface_text="", numbers=["09370331680"], groups=[],
            try_interval="600", tries="3", start=1697554929.668, end=j("1402-07-28 18:32:00"),
            announcement="652ea0eba9315b2d0c025574", description="", count=1,
            date=j("1402-07-25 18:31:09"), repeat=2, status="completed", hs=2, finished=True,
        ),
        Campaign(
            oid="6048aa14095d8438aa64e7c9", name="imrorteza03", trunk_manager_id="60508b4e095d840c3019e1bd",
            interface_context="auto", interface_text="text1", numbers=["09151582674"], groups=[],
            try_interval="600", tries="1", start=g("2021-02-19 15:17"), end=g("2021-02-23 15:17"),
            announcement="6045d7bd095d846433440144", description="", count=1,
            date=j("1399-12-20 14:01:40"),
        ),
        Campaign(
            oid="6033876dc92de036d1390923", name="old-campaign", trunk_manager_id="5ec63107ce4f6d12c43e250f",
            interface_context="", interface_text="", numbers=["09351152671"], groups=[],
            try_interval="600", tries="1", start=g("2021-02-22 14:00"), end=g("2021-02-24 14:00"),
            announcement="6045d7bd095d846433440144", description="", count=1,
            date=j("1399-12-03 13:28:21"),
        ),
        Campaign(
            oid="60c74cec7d2c21279a295b4e", name="test1111api", trunk_manager_id="5f7586bcce4f6d03da37cf17",
            interface_context="", interface_text="", numbers=["09376131239"], groups=[],
            try_interval="600", tries="1", start=j("1399-12-01 15:17:00"), end=j("1400-12-04 15:17:00"),
            announcement="5f3ce4f1ce4f6d20217c8830", description="", count=1,
            date=j("1400-03-24 12:34:52"), status="completed", hs=1, finished=True,
        ),
    ]  # fmt: skip
    for campaign in campaigns:
        pbx.campaigns[campaign.oid] = campaign

    def add_row(
        oid: str,
        cid: str,
        name: str,
        start: str,
        end: str,
        date: str,
        ctx: str,
        text: str,
        tm: str,
        ann: str,
        number: str,
        repeat: int,
        billsec: int,
        wait: int,
        tries: list[tuple[str, str, int, int, str]],
        channel: str = "SIP/dahdi-00000b00",
    ) -> None:
        rows = []
        for cdr_id, disp, start_ms, twait, _ in tries:
            cause, cause_txt = {"ANSWERED": ("16", "Normal Clearing"), "NO ANSWER": ("16", "Normal Clearing"), "BUSY": ("21", "Call Rejected"), "LOST": (None, None)}[disp]  # fmt: skip
            rows.append(ReportTry(cdr_id, cause, cause_txt, start_ms / 1000, disp, twait))
            pbx.attempt_info[cdr_id] = AttemptInfo(ctx, channel, twait + billsec, twait)
        pbx.add_campaign_report(
            CampaignReport(
                oid=oid, campaign_id=cid, campaign=name, window_start=j(start), window_end=j(end),
                date=j(date), interface_context=ctx, interface_text=text, trunk_manager_id=tm,
                announcement=ann, number=number, disposition=rows[-1].disposition, repeat=repeat,
                billsec=billsec, wait=wait, tries=rows,
            )
        )  # fmt: skip

    tm1, ann1 = "5ff6ae1a54aa59760b2b9c83", "5e4a4101ce4f6d5b691f1374"
    n = "09151582674"
    ordered = [
        # oid, campaign id, name, start, end, date, ctx, text, announcement, repeat, billsec, (cdr_id, disp, ms, wait)
        ("60227494f4d19cb4c59f1f6d", "60227493b26fb16cc33df9b8", "fathi-asd", "1399-11-21 15:08:00", "1399-11-27 15:08:00", "1399-11-21 15:10:04", "", "", ann1, 1, 0, ("60227494f4d19cb4c59f1f6c", "ANSWERED", 1612870804000, 0)),
        ("60227566f4d19cb4c59f1f6f", "60227493b26fb16cc33df9b8", "fathi-asd", "1399-11-21 15:13:32", "1399-11-24 15:13:00", "1399-11-21 15:13:33", "", "", ann1, 2, 0, ("60227566f4d19cb4c59f1f6e", "ANSWERED", 1612871013000, 0)),
        ("602275b7f4d19cb4c59f1f71", "60227493b26fb16cc33df9b8", "fathi-asd", "1399-11-21 15:14:54", "1399-11-24 15:14:00", "1399-11-21 15:14:54", "", "", ann1, 3, 0, ("602275b7f4d19cb4c59f1f70", "ANSWERED", 1612871094000, 0)),
        ("6022760af4d19cb4c59f1f73", "60227493b26fb16cc33df9b8", "fathi-asd", "1399-11-21 15:16:01", "1399-11-24 15:16:00", "1399-11-21 15:16:02", "", "", ann1, 4, 16, ("6022760af4d19cb4c59f1f72", "ANSWERED", 1612871162000, 0)),
        ("60227eb2f4d19cb4c59f1f75", "60227e9eada2e50844594e85", "TEST2", "1399-11-21 15:52:00", "1399-11-27 15:52:00", "1399-11-21 15:52:55", "", "", ann1, 1, 18, ("60227eb2f4d19cb4c59f1f74", "ANSWERED", 1612873375000, 0)),
        ("602e3d7b19841e814489fcd7", "602e3cdf62743702bc4d7ca6", "test-fathi", "1399-11-30 12:57:00", "1399-12-06 12:57:00", "1399-11-30 13:42:06", "poll07", "fathi", "", 1, 2, ("602e3d7b19841e814489fcd6", "ANSWERED", 1613643126000, 0)),
        ("602e3e5b19841e814489fcda", "602e3cdf62743702bc4d7ca6", "test-fathi", "1399-11-30 13:45:38", "1399-12-03 13:45:00", "1399-11-30 13:45:38", "poll07", "fathi", "", 2, 15, ("602e3e5b19841e814489fcd9", "ANSWERED", 1613643338000, 0)),
        ("602e488419841e814489fcdc", "602e486fc5d3954d8d4f3356", "test1234", "1399-11-30 14:23:00", "1399-12-06 16:23:00", "1399-11-30 14:28:55", "poll07", "fathi", "", 1, 18, ("602e488319841e814489fcdb", "ANSWERED", 1613645935000, 0)),
        ("602e48f219841e814489fcde", "602e486fc5d3954d8d4f3356", "test1234", "1399-11-30 14:30:52", "1399-12-03 14:30:00", "1399-11-30 14:30:53", "poll07", "fathi", "", 2, 12, ("602e48f219841e814489fcdd", "NO ANSWER", 1613646053000, 0)),
        ("602e491119841e814489fce0", "602e486fc5d3954d8d4f3356", "test1234", "1399-11-30 14:31:26", "1399-12-03 14:31:00", "1399-11-30 14:31:27", "poll07", "fathi", "", 3, 8, ("602e491119841e814489fcdf", "NO ANSWER", 1613646087000, 0)),
        ("602e49e5305bdd377168a8b4", "602e486fc5d3954d8d4f3356", "test1234", "1399-11-30 14:34:32", "1399-12-03 14:34:00", "1399-11-30 14:34:57", "poll07", "fathi", "", 5, 10, ("602e49e5305bdd377168a8b3", "NO ANSWER", 1613646297000, 0)),
        ("602e4a00305bdd377168a8b6", "602e486fc5d3954d8d4f3356", "test1234", "1399-11-30 14:35:23", "1399-12-03 14:35:00", "1399-11-30 14:35:24", "poll07", "fathi", "", 6, 10, ("602e4a00305bdd377168a8b5", "NO ANSWER", 1613646324000, 0)),
        ("602e4a2c305bdd377168a8b8", "602e486fc5d3954d8d4f3356", "test1234", "1399-11-30 14:36:10", "1399-12-03 14:36:00", "1399-11-30 14:36:10", "poll07", "fathi", "", 7, 8, ("602e4a2c305bdd377168a8b7", "NO ANSWER", 1613646370000, 0)),
        ("602e4a8c305bdd377168a8ba", "602e486fc5d3954d8d4f3356", "test1234", "1399-11-30 14:37:43", "1399-12-03 14:37:00", "1399-11-30 14:37:43", "poll07", "fathi", "", 8, 11, ("602e4a8c305bdd377168a8b9", "NO ANSWER", 1613646463000, 0)),
        ("602e4ae6305bdd377168a8bc", "602e486fc5d3954d8d4f3356", "test1234", "1399-11-30 14:39:10", "1399-12-03 14:39:00", "1399-11-30 14:39:11", "poll07", "fathi", "", 9, 3, ("602e4ae6305bdd377168a8bb", "NO ANSWER", 1613646551000, 11)),
        ("602e50ae305bdd377168a8be", "602e486fc5d3954d8d4f3356", "test1234", "1399-11-30 15:04:03", "1399-12-03 15:04:00", "1399-11-30 15:04:03", "poll07", "fathi", "", 10, 0, ("602e50ae305bdd377168a8bd", "BUSY", 1613648043000, 1)),
        ("602e50b6305bdd377168a8c0", "602e3cdf62743702bc4d7ca6", "test-fathi", "1399-11-30 15:04:11", "1399-12-03 15:04:00", "1399-11-30 15:04:11", "poll07", "fathi", "", 3, 0, ("602e50b6305bdd377168a8bf", "BUSY", 1613648051000, 1)),
        ("602e50ce305bdd377168a8c2", "602e3cdf62743702bc4d7ca6", "test-fathi", "1399-11-30 15:04:34", "1399-12-03 15:04:00", "1399-11-30 15:04:34", "poll07", "fathi", "", 4, 2, ("602e50ce305bdd377168a8c1", "ANSWERED", 1613648074000, 0)),
    ]  # fmt: skip
    for oid, cid, name, start, end, date, ctx, text, ann, repeat, billsec, (
        cdr,
        disp,
        ms,
        wait,
    ) in ordered:
        channel = (
            "SIP/dahdi-00000be0"
            if cdr == "602e50ce305bdd377168a8c1"
            else "SIP/dahdi-00000b%02x" % (repeat * 7)
        )
        add_row(oid, cid, name, start, end, date, ctx, text, tm1, ann, n, repeat, billsec, wait,
                [(cdr, disp, ms, wait, "")], channel=channel)  # fmt: skip
    tm2 = "5f7586bcce4f6d03da37cf17"
    for oid, cid, name, start, end, date, repeat, cdr, ms, ann in (
        ("603a2ae460150cc169a56e1a", "603a2750ae84141485420c98", "as", "1399-12-09 14:38:51", "1399-12-12 14:38:00", "1399-12-09 11:20:04", 4, "603a2ae460150cc169a56e19", 1614412204079, "5f3ce4f1ce4f6d20217c8830"),
        ("603a2e1860150cc169a56e1c", "603a28e26927867fdc5511e9", "mostafa4", "1399-12-09 14:52:30", "1399-12-12 14:52:00", "1399-12-09 11:33:44", 3, "603a2e1860150cc169a56e1b", 1614413024946, ann1),
    ):  # fmt: skip
        add_row(oid, cid, name, start, end, date, "", "", tm2, ann, "09351152671", repeat, 0, 0,
                [(cdr, "LOST", ms, 0, "")])  # fmt: skip
    # reports/search sample: campaign test1111api, number 09376131239, LOST.
    add_row("60c74f8b00035c9848c6fd5b", "60c74cec7d2c21279a295b4e", "test1111api",
            "1399-12-01 15:17:00", "1400-12-04 15:17:00", "1400-03-24 12:46:03", "", "",
            "5f7586bcce4f6d03da37cf17", "5f3ce4f1ce4f6d20217c8830", "09376131239", 1, 0, 0,
            [("60c74f8b00035c9848c6fd5a", "LOST", 1623658563809, 0, "")])  # fmt: skip
    # The "azan" campaign's statistics (LOST after 3 tries, repeat 2) come from this row.
    add_row(pbx.object_ids.new(1697545720), "652ea1b5d86c8023fb4bfa5a", "azan",
            "1402-07-25 18:32:09", "1402-07-28 18:32:00", "1402-07-25 15:55:48", "", "",
            "652ea11ed86c8023fb4bfa55", "652ea0eba9315b2d0c025574", "09370331680", 2, 0, 0,
            [(pbx.object_ids.new(1697545548), "LOST", 1697545548007, 0, ""),
             (pbx.object_ids.new(1697546148), "LOST", 1697546148007, 0, ""),
             (pbx.object_ids.new(1697546748), "LOST", 1697546748007, 0, "")])  # fmt: skip


def seed_doc_records(pbx: SimulatedPbx) -> None:
    """All documented example records: CDRs, queue rows, campaigns and autodialer reports."""
    for record in _doc_cdrs(pbx):
        pbx.store_cdr(record)
    _doc_queue_rows(pbx)
    _doc_campaigns(pbx)
