"""The documented lab's records that the other samples refer to, added to the seeded PBX.

The documentation's update, remove and search examples name records of the lab PBX the
docs were written on: the placeholder ``_id`` ``6033876dc92de036d1390923`` that most updates
and removes send, the queues ``999`` and ``10000`` the agent examples use, the ``wait``
music class, the blacklisted ``557``-ish number, the voicemail box ``400`` and its inbox,
the 2019-2020 rows the queue cursors start with. They are seeded here with their documented
ids, so every documented request finds what it names. Their ids come from a factory of
their own, and they are added after the history, so the rest of the seeded world (ids,
history, outcomes) is exactly what it was before they existed.
"""

from __future__ import annotations

import random

from simotui.sim.dates import parse_local
from simotui.sim.files import BLANK_TIFF
from simotui.sim.ids import ObjectIdFactory
from simotui.sim.models import (
    Announcement,
    CdrRecord,
    Contact,
    Fax,
    Group,
    InboxMessage,
    ListEntry,
    MusicOnHold,
    PbxAnnouncement,
    Queue,
    QueueStat,
    SoundFile,
    Trunk,
    User,
    Voicemail,
)
from simotui.sim.state import SimulatedPbx

#: The ``_id`` the docs' update and remove examples send for every kind of record.
PLACEHOLDER_ID = "6033876dc92de036d1390923"
#: The queues of the agent examples (``addagent`` on 999, the batch forms on 10000).
AGENT_QUEUES = {"999": ("Test Queue", ["557"]), "10000": ("Lab Queue", ["570", "553"])}
#: The voicemail box of the inbox example and its ``voice_mail_id``.
INBOX_BOX = ("5c2dd8f5fbdbe25519496c09", "400")


def seed_doc_lab(pbx: SimulatedPbx) -> None:
    """Add the documented lab's records (see the module docstring)."""
    tz = pbx.tz
    rng = random.Random(f"simotel-lab|{pbx.seed}")
    ids = ObjectIdFactory(rng)

    def j(text: str) -> float:
        return parse_local(text, tz)

    def epoch(oid: str) -> float:
        return float(int(oid[:8], 16))

    # -- directory: the users the edit/remove examples name, the agent examples' queues
    for oid, number, name in (
        ("603f4ea7fcff3269187a3da3", "909", "Test User2"),
        (PLACEHOLDER_ID, "530", "Test User"),
    ):
        pbx.users[number] = User(oid=oid, number=number, name=name, date=epoch(oid), secret=number)
    pbx.trunks["t7075"] = Trunk(
        oid=PLACEHOLDER_ID,
        name="t7075",
        host="192.168.51.75",
        username="7075",
        secret="as#7075",
        date=epoch(PLACEHOLDER_ID),
        did="7075",
    )
    for qnum, (qname, members) in AGENT_QUEUES.items():
        date = j("1402-04-28 19:10:00") + len(qnum)
        queue = Queue(oid=ids.new(date), name=qname, number=qnum, date=date, members=list(members))
        pbx.queues[qnum] = queue
        for member in members:
            queue.penalties[member] = ""
            queue.sources[member] = member
            pbx.users[member].queues.append(qnum)

    # -- media: music on hold, PBX announcements, the files they name
    for oid, name, when, path, files in (
        (ids.new(j("1399-01-10 10:00:00")), "default", "1399-01-10 10:00:00", "default",
         [("macroform-cold_day.wav", 4_411_244), ("macroform-robot_dity.wav", 3_675_884)]),
        (ids.new(j("1399-12-11 10:10:00")), "gole orkideh", "1399-12-11 10:10:00",
         "file-20210301064000-41231-gole-orkideh", [("file-20210301064012-41288-gole-orkideh_.wav", 2_180_312)]),
        ("64b7f3e0f944002b8d333ce0", "wait", "1402-04-28 19:02:00", "file-20230719143200-56732-wait",
         [("file-20230719143208-70416-announcemp3_.wav", 56_504)]),
    ):  # fmt: skip
        at = j(when)
        pbx.music_on_hold[oid] = MusicOnHold(oid, name, at, path, [(f, size, at) for f, size in files])
    for oid, filename, name, comment, when in (
        ("5ea534550a1a2b1d207b1426", "file-20200426071221-22185-whatsapp-audio-2020-_.wav", "3", "", "1399-02-07 11:42:21"),
        ("5ea534650a1a2b12f6133357", "file-20200426071237-58502-whatsapp-audio-2020-_.wav", "1", "", "1399-02-07 11:42:37"),
        ("5f832be7095d8456d8453638", "file-20201011155935-37443-123mp3mp3_.wav", "123", "", "1399-07-20 19:29:35"),
        (PLACEHOLDER_ID, "file-20200624051520-61681-announcement-wiresha_", "test_sound", "Just for test", "1399-12-04 15:25:09"),
    ):  # fmt: skip
        pbx.pbx_announcements[oid] = PbxAnnouncement(oid, name, filename, comment, j(when))
        pbx.files[filename] = SoundFile(filename, "announcement", b"", "audio/wav", j(when))
    for announcement in pbx.announcements.values():
        pbx.files[announcement.filename] = SoundFile(
            announcement.filename, "autodialer-announcement", b"", "audio/wav", announcement.date,
            seconds=announcement.seconds,
        )  # fmt: skip
    pbx.announcements[PLACEHOLDER_ID] = Announcement(
        PLACEHOLDER_ID,
        "test_sound_old",
        "file-20200825065434-58826-bbc-farsi-pargarmp3_.wav",
        "",
        epoch(PLACEHOLDER_ID),
        seconds=9,
    )

    # -- lists: a blacklisted caller (the search example looks for "557"), whitelisted VIPs
    for oid, number, comment, when in (
        ("64b7fb70e50df5528e6ce5ba", "09155573311", "", "1402-04-28 19:34:16"),
        (PLACEHOLDER_ID, "02188887799", "spam", "1399-12-04 15:25:09"),
    ):
        pbx.blacklist[oid] = ListEntry(oid, number, comment, j(when))
    for oid, number, labels, when in (
        ("64b7fe28f944002b8d333cec", "09123334455", ["ext_test"], "1402-04-28 19:45:52"),
        (PLACEHOLDER_ID, "09151112233", ["test"], "1399-12-04 15:25:09"),
    ):
        pbx.whitelist[oid] = ListEntry(oid, number, "", j(when), list(labels))

    # -- faxes: the search example's fax and the files the add example names
    for name in ("file-20200624051520-61681-fax-test", "file-20230719152253-45890-at31m401tif.tif"):
        pbx.files[name] = SoundFile(name, "fax", BLANK_TIFF, "image/tiff", j("1402-04-28 19:59:00"))
    pbx.faxes.add(
        Fax(
            oid="64b801737ec8cb8899ee28a4",
            src="100",
            dst="101",
            ext="101",
            trunk="t1541",
            file="file-20230719152253-45890-at31m401tif.tif",
            description="",
            date=j("1402-04-28 19:59:55"),
            channel="SIP/t1541/101",
        )
    )

    # -- voicemail: the searched box, the placeholder one, box 400 and its inbox (11 messages)
    no = dict.fromkeys(
        ("required_password", "allow_change_password", "send_email", "attach_file_email", "play_busy"),
        "no",
    )
    no |= dict.fromkeys(("play_unavailable", "play_welcome", "Play_CID", "Play_Envelope"), "no")
    no |= {"Delete_Voicemail": "no", "more_options": ""}
    for oid, name, number, when in (
        ("64b7f79011294d248a477216", "test voicemail", "999999", "1402-04-28 19:17:44"),
        (PLACEHOLDER_ID, "old voicemail", "998", "1399-12-04 15:25:09"),
        (INBOX_BOX[0], "support", INBOX_BOX[1], "1397-10-13 12:42:29"),
    ):
        pbx.voicemails[oid] = Voicemail(oid, name, number, number, "", j(when), dict(no))
    inbox: list[tuple[str, str, str | None, int, bool, str]] = [
        ("60c856c88b2427f7c61c55b6", "570", "400_1623742139-vm-record-file-9758.wav", 2, False, "1400-03-25 11:59:12"),
        ("60740c3ef303ef9ff3d87970", "570", None, 0, True, "1400-01-23 13:30:46"),
        ("60740c27f303ef9ff3d8796e", "570", None, 0, True, "1400-01-23 13:30:23"),
    ]  # fmt: skip
    start = j("1399-10-06 09:00:00")
    for _ in range(8):
        at = start + rng.randint(0, 300) * 86400 + rng.randint(0, 30000)
        caller = rng.choice(("570", "552", "09151234567", "02188776655"))
        inbox.append((ids.new(at), caller, f"400_{int(at)}-vm-record-file-{rng.randint(1000, 9999)}.wav",
                      rng.randint(3, 40), rng.random() < 0.5, ""))  # fmt: skip
    for oid, caller, saved, seconds, read, when in inbox:
        at = j(when) if when else epoch(oid)
        message = InboxMessage(oid, INBOX_BOX[1], caller, INBOX_BOX[0], at, saved, seconds, read)
        pbx.inbox.add(message)
        if saved is not None:
            pbx.recordings[saved] = seconds  # inbox files download through reports/audio/download

    # -- autodialer: the contacts and the group the examples edit and remove
    for oid, name, number, description, when in (
        ("60461561095d840c2e477098", "test_contact", "112233", "Just for test", "1399-12-18 15:45:29"),
        (PLACEHOLDER_ID, "old_contact", "09150000001", "", "1399-12-04 15:25:09"),
    ):
        pbx.contacts[oid] = Contact(oid, name, number, description, j(when))
    for oid, name, when in (
        ("60462692095d840c2e47709f", "test_group", "1399-12-18 16:58:50"),
        (PLACEHOLDER_ID, "test_group_old", "1399-12-04 15:25:09"),
    ):
        pbx.groups[oid] = Group(oid, name, "just for test", ["1111", "2222", "3333"], j(when))

    _legacy_queue_rows(pbx)


def _legacy_queue_rows(pbx: SimulatedPbx) -> None:
    """The oldest rows the queue cursors start with (2019-2020, an older schema)."""
    tz = pbx.tz
    for oid, src, dst, qnum, disposition, status, duration, wait, agent_wait, billsec, began, ring, answered, end in (
        ("5ec4d6825171cd23078c256f", "05131703324", "561", "910", "ANSWERED", "", 40, 9, 9, 31, 1589974433284, 1589974433346, 1589974443075, 1589974474285),
        ("5ec4df505171cd23078c2593", "0515153", "553", "910", "ANSWERED", "CONTINUE", 188, 4, 4, 184, 1589976539814, 1589976539873, 1589976544479, 1589976728547),
        ("5ec4f9205171cd23078c260a", "05131703324", "310410", "910", "MISSED", "", 0, 0, 0, 0, 1589983296074, 1589983296093, None, 1589983336425),
    ):  # fmt: skip
        pbx.store_queue_stat(
            QueueStat(
                oid=oid, cuid="", queue_id="", qnum=qnum, src=src, dst=dst, dst_name="",
                duration=duration, wait=wait, agent_wait=agent_wait, billsec=billsec,
                starttime=began / 1000, endtime=end / 1000, ringtime=ring / 1000,
                answeredtime=answered / 1000 if answered is not None else None,
                queue_status=status, disposition=disposition, hangup="", legacy=True,
            )
        )  # fmt: skip
    for oid, cuid, uniqueid, src, dst, disposition, wait, billsec, duration, seq, start, starttime, answer, endtime, last_try, record, chan in (
        ("5ddb9c3c5171cd0429088b96", "1574673453.2", "1574673463.6", "09364348002", "553", "ANSWERED", 3, 64, 67, 5, "1398-09-04 12:47:43", "1398-09-04 12:47:44", "2019-11-25 12:47:46", "1398-09-04 12:47:47", 1574673468303, "20191125_1574673453.2.mp3", 0),
        ("5ddb9c825171cd0429088b99", "1574673523.11", "1574673532.18", "05131233", "554", "NO ANSWER", 5, 0, 5, 14, "1398-09-04 12:48:52", "1398-09-04 12:48:53", "", "1398-09-04 12:48:58", 1574673538895, None, 2),
        ("5ddb9c825171cd0429088b9a", "1574673523.11", "1574673532.16", "05131233", "553", "ANSWERED", 5, 434, 439, 12, "1398-09-04 12:48:52", "1398-09-04 12:48:53", "2019-11-25 12:48:58", "1398-09-04 12:48:58", 1574673538970, "20191125_1574673523.11.mp3", 1),
    ):  # fmt: skip
        pbx.store_queue_report(
            CdrRecord(
                oid=oid, type="queue_report", cuid=cuid, uniqueid=uniqueid, clid=f'"" <{src}>',
                src=src, dst=dst, dcontext="simotel-local-agents",
                channel=f"Local/{dst}@simotel-local-agents-{chan:08x};2",
                dstchannel=f"SIP/{dst}-{chan + 4:08x}", lastapp="Dial", lastdata=f"SIP/{dst},40,TtKkg",
                start=parse_local(start, tz), answer=parse_local(answer, tz) if answer else None,
                duration=duration, billsec=billsec, wait=wait, disposition=disposition, sequence=seq,
                starttime=parse_local(starttime, tz), endtime=parse_local(endtime, tz), qnum="910",
                queue_id=None, tries=1, last_try=last_try / 1000, record=record,
            )
        )  # fmt: skip
