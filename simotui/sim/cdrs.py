"""The one CDR builder: every call the engines finish becomes a row here.

The originate engine (both legs answered or not, a failed spool) and the component-call
engine (the second leg of a bridged campaign call) describe what happened -- who, through
which channel, when each party answered, the ``route[]`` steps they took -- and
``CdrBuilder.build`` fills the columns every CDR derives alike: ``duration`` = end - start,
``billsec`` = end - answer, ``wait`` = until the answer (or the end), ``lastapp`` ``Dial``
unless the leg failed before dialling, the ``_id`` stamped at hang-up. The history generator
(``history``) keeps its own builder: past calls are drawn, not run.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from simotui.sim.dates import local
from simotui.sim.models import CdrRecord, RouteStep

if TYPE_CHECKING:
    from simotui.sim.state import SimulatedPbx


def call_type(caller_is_extension: bool, callee_is_extension: bool) -> str:
    """``local`` between two extensions, else ``outgoing`` (the PBX placed the call)."""
    return "local" if caller_is_extension and callee_is_extension else "outgoing"


def draw_hangup(rng: random.Random, disposition: str) -> str | None:
    """Who hung up an answered call (``None``: the row has no ``hangup``)."""
    if disposition != "ANSWERED":
        return None
    return "callee" if rng.random() < 0.5 else "caller"


class CdrBuilder:
    """Turns one finished call into its ``CdrRecord`` and stores it."""

    def __init__(self, pbx: SimulatedPbx) -> None:
        """Build rows for ``pbx`` (its ids, users, time zone and recordings)."""
        self.pbx = pbx

    def dial(self, number: str, *, extension: bool, trunk: str | None, timeout: int) -> tuple[str, str]:
        """(``dstchannel``, ``lastdata``) of a ``Dial`` to an extension or through a trunk."""
        ids = self.pbx.call_ids
        if extension:
            return ids.channel(number), f"SIP/{number},{timeout},TtKk"
        if trunk is not None:
            return ids.channel(trunk), f"SIP/{trunk}/{number},{timeout},TtKk"
        return "", ""

    def records(self, *numbers: str, pstn: bool = False) -> bool:
        """Whether the call is recorded: an extension with ``call_record: yes``, or ``pstn``."""
        users = self.pbx.users
        return pstn or any(n in users and users[n].call_record == "yes" for n in numbers)

    def recording_name(self, start: float, cuid: str) -> str:
        """``<YYYYMMDD>_<cuid>.<fmt>``, the Simotel recording file name (§4.3)."""
        return f"{local(start, self.pbx.tz):%Y%m%d}_{cuid}.{self.pbx.config.record_format}"

    def build(
        self,
        *,
        type: str,
        cuid: str,
        clid_number: str,
        src: str,
        dst: str,
        dcontext: str,
        channel: str,
        dstchannel: str,
        lastdata: str,
        start: float,
        starttime: float,
        answer: float | None,
        end: float,
        disposition: str,
        sequence: int,
        route: list[RouteStep] | None,
        comment: str = "",
        originated_call_id: str | None = None,
        outgoing_point: str | None = None,
        hangup: str | None = None,
        record: str | None = None,
        lastapp: str | None = None,
        did: str | None = None,
        entry_point: str | None = None,
    ) -> CdrRecord:
        """The row of a call that started at ``start`` and ended at ``end`` (``answer``: callee).

        ``lastapp`` defaults to ``Dial`` (``Hangup`` for a FAILED leg); ``did`` and
        ``entry_point`` are an incoming call's number dialled and trunk.
        """
        connect = answer if answer is not None else end
        if lastapp is None:
            lastapp = "Dial" if disposition != "FAILED" else "Hangup"
        return CdrRecord(
            oid=self.pbx.new_oid(end),
            type=type,
            cuid=cuid,
            uniqueid=cuid,
            clid=f'"" <{clid_number}>',
            src=src,
            dst=dst,
            dcontext=dcontext,
            channel=channel,
            dstchannel=dstchannel,
            lastapp=lastapp,
            lastdata=lastdata,
            start=start,
            answer=answer,
            duration=int(end - start),
            billsec=int(end - answer) if answer is not None else 0,
            wait=int(connect - start),
            disposition=disposition,
            sequence=sequence,
            starttime=starttime,
            endtime=end,
            comment=comment,
            outgoing_point=outgoing_point,
            originated_call_id=originated_call_id,
            did=did,
            entry_point=entry_point,
            route=route,
            hangup=hangup,
            record=record,
        )

    def store(self, record: CdrRecord) -> CdrRecord:
        """Insert ``record`` (and its recording, if any); returns it."""
        self.pbx.store_cdr(record)
        return record
