"""Internal records → the exact JSON shapes of each endpoint, quirks included (§4, §5, §6, §8).

The same stored CDR renders differently per endpoint: ``endtime`` is a ``$date`` in CDR
search and quick info but a Jalali string in quick search and the ordered cursor, and
only CDR search carries ``duration_hhmmss``.
"""

from __future__ import annotations

from typing import Any, Literal
from zoneinfo import ZoneInfo

from simotui.sim.dates import gregorian, hhmmss, jalali, mongo_date, mongo_oid
from simotui.sim.models import (
    AgentSession,
    Announcement,
    Campaign,
    CampaignReport,
    CdrRecord,
    Contact,
    Fax,
    Group,
    InboxMessage,
    ListEntry,
    MusicOnHold,
    PbxAnnouncement,
    PollRecord,
    Queue,
    QueueStat,
    Trunk,
    TrunkManager,
    User,
    Voicemail,
)

Row = dict[str, Any]
CdrView = Literal["quick", "cdr", "ordered"]
QueueReportView = Literal["info", "details", "ordered"]


def _asterisk_fields(record: CdrRecord, tz: ZoneInfo) -> Row:
    """The Asterisk CDR columns every CDR-shaped row starts with, in the documented order."""
    return {
        "_id": record.oid,
        "type": record.type,
        "cuid": record.cuid,
        "clid": record.clid,
        "src": record.src,
        "dst": record.dst,
        "dcontext": record.dcontext,
        "channel": record.channel,
        "dstchannel": record.dstchannel,
        "lastapp": record.lastapp,
        "lastdata": record.lastdata,
        "start": jalali(record.start, tz),
        "answer": gregorian(record.answer, tz) if record.answer is not None else "",
        "duration": record.duration,
        "billsec": record.billsec,
        "disposition": record.disposition,
        "amaflags": record.amaflags,
        "accountcode": record.accountcode,
        "uniqueid": record.uniqueid,
        "userfield": record.userfield,
        "sequence": str(record.sequence),
        "comment": record.comment,
        "v": record.v,
    }


def cdr(record: CdrRecord, tz: ZoneInfo, view: CdrView) -> Row:
    """A CDR row as ``reports/quick/search`` (quick), ``reports/cdr/search`` (cdr) or the cursor."""
    row = _asterisk_fields(record, tz)
    if record.did is not None:
        row["did"] = record.did
    if record.entry_point is not None:
        row["entry_point"] = record.entry_point
    if record.outgoing_point is not None:
        row["outgoing_point"] = record.outgoing_point
    if record.originated_call_id is not None:
        row["originated_call_id"] = record.originated_call_id
    if record.details is not None:
        row["details"] = [
            {
                "date": jalali(d.date, tz),
                "billsec": d.billsec,
                "status": d.status,
                "exten": d.exten,
                "comment": d.comment,
            }
            for d in record.details
        ]
    if record.route is not None:
        row["route"] = [
            {"type": kind, "name": name, "duration": float(duration), "date": mongo_date(end)}
            for kind, name, duration, end in record.route
        ]
    row["wait"] = record.wait
    row["starttime"] = jalali(record.starttime, tz)
    row["endtime"] = mongo_date(record.endtime) if view == "cdr" else jalali(record.endtime, tz)
    if record.hangup is not None:
        row["hangup"] = record.hangup
    if record.record is not None:
        row["record"] = record.record
    row[record.disposition] = 1
    row[record.type] = 1
    row["billsec_hhmmss"] = hhmmss(record.billsec)
    row["wait_hhmmss"] = hhmmss(record.wait)
    if view == "cdr":
        row["duration_hhmmss"] = hhmmss(record.duration)
    return row


def queue_report(record: CdrRecord, tz: ZoneInfo, view: QueueReportView) -> Row:
    """A ``queue_report`` agent-try row: quick info (info), queue-details search (details)."""
    row = _asterisk_fields(record, tz)
    row |= {
        "qnum": record.qnum or "",
        "starttime": jalali(record.starttime, tz),
        "endtime": jalali(record.endtime, tz) if view == "ordered" else mongo_date(record.endtime),
    }
    if view != "ordered" or record.queue_id is not None:
        # Rows of the older schema (the cursor's 2019 sample) have no queue_id.
        row["queue_id"] = record.queue_id or ""
    if record.record is not None:
        row["record"] = record.record
    row[record.disposition] = 1
    row["wait"] = record.wait
    row["tries"] = record.tries if record.tries is not None else 1
    row["last_try"] = mongo_date(record.last_try if record.last_try is not None else record.endtime)
    if view != "info":
        row["billsec_hhmmss"] = hhmmss(record.billsec)
        row["wait_hhmmss"] = hhmmss(record.wait)
        row["duration_hhmmss"] = hhmmss(record.duration)
    if view == "details":
        row["dst_name"] = record.dst_name or record.dst
    return row


def queue_stat(record: QueueStat, tz: ZoneInfo) -> Row:
    """A ``queue_stat`` row as ``reports/queue/search`` returns it."""
    row: Row = {
        "_id": record.oid,
        "duration": record.duration,
        "wait": record.wait,
        "agent_wait": record.agent_wait,
        "billsec": record.billsec,
    }
    if not record.legacy:
        row["queue_id"] = record.queue_id
    row |= {"src": record.src, "dst": record.dst}
    if not record.legacy:
        row["cuid"] = record.cuid
    row |= {
        "qnum": record.qnum,
        "starttime": jalali(record.starttime, tz),
        "endtime": mongo_date(record.endtime),
    }
    if record.ringtime is not None:
        row["ringtime"] = mongo_date(record.ringtime)
    if record.answeredtime is not None:
        row["answeredtime"] = mongo_date(record.answeredtime)
    if record.queue_status or not record.legacy:
        row["queue_status"] = record.queue_status
    row["disposition"] = record.disposition
    if not record.legacy:
        row["hangup"] = record.hangup
    row[record.disposition] = 1
    if not record.legacy:
        row["v"] = record.v
    row["billsec_hhmmss"] = hhmmss(record.billsec)
    row["wait_hhmmss"] = hhmmss(record.wait)
    row["duration_hhmmss"] = hhmmss(record.duration)
    if not record.legacy:
        row["dst_name"] = record.dst_name
    return row


def queue_stat_ordered(record: QueueStat, tz: ZoneInfo) -> Row:
    """A ``queue_stat`` row as ``reports/queue/ordered/id`` returns it: Jalali ``endtime``, a
    ``data`` object of the four instants, ``caller_wait``; the newer schema's ids when present."""
    data: Row = {"end_time": mongo_date(record.endtime), "start_time": mongo_date(record.starttime)}
    if record.ringtime is not None:
        data["ring_time"] = mongo_date(record.ringtime)
    if record.answeredtime is not None:
        data["answered_time"] = mongo_date(record.answeredtime)
    if record.queue_status:
        data["queue_status"] = record.queue_status
    row: Row = {"_id": record.oid, "endtime": jalali(record.endtime, tz), "src": record.src}
    if record.answeredtime is not None:
        row["answeredtime"] = mongo_date(record.answeredtime)
    row |= {
        "dst": record.dst,
        "disposition": record.disposition,
        "agent_wait": record.agent_wait,
        "qnum": record.qnum,
        "data": data,
        "caller_wait": record.wait,
    }
    if record.queue_status:
        row["queue_status"] = record.queue_status
    row |= {"duration": record.duration, "starttime": jalali(record.starttime, tz)}
    if record.ringtime is not None:
        row["ringtime"] = mongo_date(record.ringtime)
    row |= {"billsec": record.billsec, "wait": record.wait, record.disposition: 1}
    if not record.legacy:
        row |= {
            "cuid": record.cuid,
            "queue_id": record.queue_id,
            "hangup": record.hangup,
            "v": record.v,
            "dst_name": record.dst_name,
        }
    row["billsec_hhmmss"] = hhmmss(record.billsec)
    row["wait_hhmmss"] = hhmmss(record.wait)
    row["duration_hhmmss"] = hhmmss(record.duration)
    return row


def agent_session(record: AgentSession, tz: ZoneInfo, now: float = 0.0) -> Row:
    """An agent session row (``reports/agent/search``); an open session ends ``now`` so far."""
    duration = record.duration_at(now)
    return {
        "_id": record.oid,
        "type": record.type,
        "exten": record.exten,
        "qnum": record.qnum,
        "start": jalali(record.start, tz),
        "end": jalali(record.end_at(now), tz),
        "duration": duration,
        record.type: 1,
        f"{record.type}_du": duration,
        "duration_hhmmss": hhmmss(duration),
    }


def poll(record: PollRecord, tz: ZoneInfo) -> Row:
    """A survey row (``reports/poll/search``); the call id is ``uniqueid`` here."""
    return {
        "_id": record.oid,
        "uniqueid": record.uniqueid,
        "src": record.src,
        "dst": record.dst,
        "point": record.point,
        "label": record.label,
        "qnum": record.qnum,
        "date": jalali(record.date, tz),
    }


def user(record: User, tz: ZoneInfo) -> Row:
    """A ``pbx/users/search`` row; the SIP secret is masked."""
    return _with_options(_user_row(record, tz), record.options)


def _with_options(row: Row, options: dict[str, Any]) -> Row:
    """``row`` with the documented columns an API client set replaced by what it sent.

    A column keeps its documented JSON type whatever the client sent: the PBX stores these as
    its forms do, so a number sent for a string column (``"timeout": 30``, ``"port": 5060``)
    comes back as its digits (§1.5, §6.3 "every value is a string"), and a value of another
    type (a list, an object, a boolean for a ``"yes"``/``"no"`` flag) leaves the column as it was.
    """
    for key, value in options.items():
        if key not in row or key in _FIXED_COLUMNS:
            continue
        current = row[key]
        if isinstance(current, str) and isinstance(value, int | float) and not isinstance(value, bool):
            row[key] = str(value)
        elif type(value) is type(current):
            row[key] = value
    return row


#: Columns a client cannot set through ``options``: ids, dates, derived and masked values.
_FIXED_COLUMNS = frozenset({"_id", "date", "queues", "secret", "name", "number", "active", "context"})


def _user_row(record: User, tz: ZoneInfo) -> Row:
    return {
        "_id": record.oid,
        "user_type": "SIP",
        "active": record.active,
        "call_record": record.call_record,
        "push_notification": "no",
        "name": record.name,
        "number": record.number,
        "cid_number": record.number,
        "secret": "******",
        "deny": "0.0.0.0/0.0.0.0",
        "permit": "0.0.0.0/0.0.0.0",
        "dtmfmode": "rfc2833",
        "context": record.context,
        "host": "dynamic",
        "type": "friend",
        "port": "5060",
        "qualify": "yes",
        "email": record.email,
        "forward_policy": {"Busy": "", "No Answer": "", "UnAvailable": "", "All": ""},
        "more_options": "",
        "canreinvite": "no",
        "directmedia": "no",
        "nat": "force_rport,comedia",
        "callgroup": record.callgroup,
        "pickupgroup": record.pickupgroup,
        "callcounter": "yes",
        "faxdetect": "no",
        "call_limit": "",
        "description": record.description,
        "date": jalali(record.date, tz),
        "queues": list(record.queues),
    }


def trunk(record: Trunk, tz: ZoneInfo) -> Row:
    """A ``pbx/trunks/search`` row, secrets in clear text as Simotel returns them."""
    return _with_options(_trunk_row(record, tz), record.options)


def _trunk_row(record: Trunk, tz: ZoneInfo) -> Row:
    user_ = record.username
    return {
        "_id": record.oid,
        "trunk_type": "SIP",
        "name": record.name,
        "register_string": f"{user_}:{record.secret}@{record.host}/{user_}",
        "active": record.active,
        "deny": "0.0.0.0/0.0.0.0",
        "permit": "0.0.0.0/0.0.0.0",
        "dtmfmode": "rfc2833",
        "canreinvite": "no",
        "directmedia": "no",
        "context": record.context,
        "host": record.host,
        "type": "friend",
        "nat": "force_rport,comedia",
        "port": "5060",
        "qualify": "yes",
        "insecure": "port,invite",
        "disallow": "all",
        "allow": "ulaw,alaw",
        "more_options": f"fromuser={user_}username={user_}secret={record.secret}",
        "description": record.description,
        "date": jalali(record.date, tz),
    }


def queue(record: Queue, tz: ZoneInfo) -> Row:
    """A ``pbx/queues/search`` row; every value is a string."""
    return _with_options(_queue_row(record, tz), record.options)


def _queue_row(record: Queue, tz: ZoneInfo) -> Row:
    return {
        "_id": record.oid,
        "name": record.name,
        "number": record.number,
        "strategy": record.strategy,
        "ringinuse": "no",
        "call_record": record.call_record,
        "setinterfacevar": "yes",
        "autofill": "yes",
        "setqueuevar": "yes",
        "setqueueentryvar": "yes",
        "persistentmembers": "no",
        "shared_lastcall": "no",
        "announce_holdtime": "no",
        "announce_position": "yes",
        "joinempty": "strict",
        "leavewhenempty": "yes",
        "reportholdtime": "no",
        "maxlen": "0",
        "announce_frequency": "120",
        "min_announce_frequency": "60",
        "periodic_announce_frequency": "120",
        "music": record.music,
        "queue_callswaiting": "queue-callswaiting",
        "queue_thankyou": "queue-thankyou",
        "queue_thereare": "queue-thereare",
        "queue_youarenext": "queue-youarenext",
        "retry": "5",
        "servicelevel": "60",
        "timeout": record.timeout,
        "weight": "10",
        "wrapuptime": "1",
        "monitor_type": "MixMonitor",
        "monitor_format": "wav",
        "more_options": "",
        "date": jalali(record.date, tz),
    }


def trunk_manager(record: TrunkManager, tz: ZoneInfo) -> Row:
    """An ``autodialer/trunks/search`` row (``trunk_id`` wrapped in ``$oid``)."""
    return {
        "_id": record.oid,
        "title": record.title,
        "trunk_id": mongo_oid(record.trunk_oid),
        "status": record.status,
        "active_times": {day: list(hours) for day, hours in record.active_times.items()},
        "capacity": record.capacity,
        "dial_interval": record.dial_interval,
        "wait_cache_length": record.wait_cache_length,
        "date": jalali(record.date, tz),
        "current_capacity": record.current_capacity,
        "current_wait_cache_length": record.current_wait_cache_length,
    }


def announcement(record: Announcement, tz: ZoneInfo) -> Row:
    """An ``autodialer/announcements/search`` row; older records lack ``fileData``."""
    row: Row = {
        "_id": record.oid,
        "name": record.name,
        "filename": record.filename,
        "description": record.description,
    }
    if record.file_data is not None:
        row["fileData"] = record.file_data
    row["date"] = jalali(record.date, tz)
    return row


def group(record: Group, tz: ZoneInfo) -> Row:
    """An ``autodialer/groups/search`` row (no numbers list, only the count)."""
    return {
        "_id": record.oid,
        "name": record.name,
        "description": record.description,
        "count": len(record.numbers),
        "date": jalali(record.date, tz),
    }


def _stats(rows: list[CampaignReport]) -> Row:
    count = len(rows)
    total = sum(r.billsec for r in rows)
    wait = sum(r.wait for r in rows)
    tries = sum(r.try_count for r in rows)
    dispositions: dict[str, dict[str, int]] = {}
    for r in rows:
        dispositions.setdefault(r.disposition, {"count": 0})["count"] += 1
    answered = sum(1 for r in rows if r.disposition == "ANSWERED")
    dates = [r.date for r in rows] or [0.0]
    return {
        "sum": total,
        "avg": round(total / count) if count else 0,
        "wait": wait,
        "wait_avg": round(wait / count) if count else 0,
        "try": tries,
        "try_avg": round(tries / count) if count else 0,
        "min_date": mongo_date(min(dates)),
        "max_date": mongo_date(max(dates)),
        "count": count,
        "numbers": len({r.number for r in rows}),
        "disposition": dispositions,
        "answered": answered,
    }


def campaign_statistics(rows: list[CampaignReport]) -> Row:
    """``statistics`` of a finished campaign: ``all`` plus one ``sep`` entry per repeat."""
    overall = _stats(rows)
    overall["success"] = overall.pop("answered")
    sep = []
    for repeat in sorted({r.repeat for r in rows}):
        part = _stats([r for r in rows if r.repeat == repeat])
        part["success"] = part["answered"]
        sep.append({"_id": repeat, **part})
    return {"all": overall, "sep": sep}


def campaign(record: Campaign, tz: ZoneInfo, reports: list[CampaignReport]) -> Row:
    """An ``autodialer/campaigns/search`` row (plain ``trunk_manager_id``; Jalali window)."""
    row: Row = {
        "_id": record.oid,
        "name": record.name,
        "trunk_manager_id": record.trunk_manager_id,
        "interface_context": record.interface_context,
        "interface_text": record.interface_text,
        "numbers": list(record.numbers),
        "groups": list(record.groups),
        "try_interval": record.try_interval,
        "try": record.tries,
        "start": jalali(record.start, tz),
        "end": jalali(record.end, tz),
        "announcement": record.announcement,
        "description": record.description,
        "count": record.count,
        "repeat": record.repeat,
        "date": jalali(record.date, tz),
        "status": record.status,
        "isoStart": mongo_date(record.start),
        "isoEnd": mongo_date(record.end),
    }
    if record.finished:
        row["hs"] = record.hs if record.hs is not None else record.repeat
        row["statistics"] = campaign_statistics(reports)
    return row


def campaign_report(record: CampaignReport, tz: ZoneInfo) -> Row:
    """An ``autodialer/reports`` row (campaign, trunk manager and cdr ids as ``$oid``)."""
    return {
        "_id": record.oid,
        "start": jalali(record.window_start, tz),
        "end": jalali(record.window_end, tz),
        "date": jalali(record.date, tz),
        "campaign_id": mongo_oid(record.campaign_id),
        "campaign": record.campaign,
        "interface_context": record.interface_context,
        "interface_text": record.interface_text,
        "trunk_manager_id": mongo_oid(record.trunk_manager_id),
        "announcement": record.announcement,
        "number": record.number,
        "disposition": record.disposition,
        "try": record.try_count,
        "repeat": record.repeat,
        "status": record.status,
        "billsec": record.billsec,
        "wait": record.wait,
        "input": record.input,
        "tries": [
            {
                "cdr_id": mongo_oid(t.cdr_id),
                "cause": t.cause,
                "cause-txt": t.cause_txt,
                "starttime": mongo_date(t.starttime),
                "disposition": t.disposition,
                "wait": t.wait,
            }
            for t in record.tries
        ],
        record.disposition: 1,
        "billsec_hhmmss": hhmmss(record.billsec),
        "wait_hhmmss": hhmmss(record.wait),
    }


def music_on_hold(record: MusicOnHold, tz: ZoneInfo) -> Row:
    """A ``pbx/musiconholds/search`` row: the class and its files (sizes in KB, minutes dates)."""
    return {
        "_id": record.oid,
        "name": record.name,
        "date": jalali(record.date, tz),
        "path": record.path,
        "count": len(record.files),
        "musics": [
            {"file": name, "size": f"{size / 1024:.2f} KB", "date": jalali(at, tz)[:16], "type": "file"}
            for name, size, at in record.files
        ],
    }


def pbx_announcement(record: PbxAnnouncement, tz: ZoneInfo) -> Row:
    """A ``pbx/announcements/search`` row."""
    return {
        "_id": record.oid,
        "filename": record.filename,
        "name": record.name,
        "comment": record.comment,
        "date": jalali(record.date, tz),
    }


def mask_number(number: str) -> str:
    """A whitelist number as Simotel shows it: the first four digits, then one ``*`` per digit."""
    return number[:4] + "*" * max(0, len(number) - 4)


def list_entry(record: ListEntry, tz: ZoneInfo, *, whitelist: bool) -> Row:
    """A black- or whitelist row; whitelist numbers come back masked, with their labels."""
    row: Row = {"_id": record.oid, "number": mask_number(record.number) if whitelist else record.number}
    if whitelist:
        row["labels"] = list(record.labels)
    row["comment"] = record.comment
    row["date"] = jalali(record.date, tz)
    return row


def fax(record: Fax, tz: ZoneInfo) -> Row:
    """A ``pbx/faxes/search`` row."""
    return {
        "_id": record.oid,
        "type": record.type,
        "src": record.src,
        "dst": record.dst,
        "status": record.status,
        "file": record.file,
        "description": record.description,
        "date": jalali(record.date, tz),
        "ext": record.ext,
        "trunk": record.trunk,
        "channel": record.channel,
    }


#: The yes/no options of a voicemail box, in the documented order (capitals as documented).
VOICEMAIL_FLAGS = (
    "required_password",
    "allow_change_password",
    "send_email",
    "attach_file_email",
    "play_busy",
    "play_unavailable",
    "play_welcome",
    "Play_CID",
    "Play_Envelope",
    "Delete_Voicemail",
)


def voicemail(record: Voicemail, tz: ZoneInfo) -> Row:
    """A ``voicemails/voicemails/search`` row (the password in clear, as documented)."""
    row: Row = {
        "_id": record.oid,
        "name": record.name,
        "number": record.number,
        "password": record.password,
        "email": record.email,
    }
    for flag in VOICEMAIL_FLAGS:
        row[flag] = record.flags.get(flag, "no")
    row["more_options"] = record.flags.get("more_options", "")
    row["date"] = jalali(record.date, tz)
    return row


def inbox_message(record: InboxMessage, tz: ZoneInfo) -> Row:
    """A ``voicemails/inbox/search`` row: a ``filename``, or the documented ``error`` instead."""
    row: Row = {"_id": record.oid, "number": record.number, "caller_id": record.caller_id}
    if record.filename is not None:
        row["filename"] = record.filename
    else:
        row["error"] = "This file has not been saved properly"
    row["voice_mail_id"] = mongo_oid(record.voice_mail_id)
    if record.filename is not None:
        row["duration"] = record.duration
    row |= {"read": record.read, "v": record.v, "date": jalali(record.date, tz)}
    return row


def contact(record: Contact, tz: ZoneInfo) -> Row:
    """An ``autodialer/contacts/search`` row."""
    return {
        "_id": record.oid,
        "name": record.name,
        "number": record.number,
        "description": record.description,
        "date": jalali(record.date, tz),
    }


def group_detail(record: Group) -> Row:
    """What ``autodialer/groups/update`` answers: the group with its numbers and a ``$date``."""
    return {
        "name": record.name,
        "numbers": list(record.numbers),
        "description": record.description,
        "date": mongo_date(record.date),
        "count": len(record.numbers),
    }
