"""``build_pbx``: a SimulatedPbx seeded with the directory, the documented records and history."""

from __future__ import annotations

from simotui.sim.clock import VirtualClock
from simotui.sim.config import SimConfig
from simotui.sim.doc_lab import seed_doc_lab
from simotui.sim.history import fill_history
from simotui.sim.scenarios import seed_directory, seed_doc_records
from simotui.sim.state import SimulatedPbx


def build_pbx(config: SimConfig | None = None, clock: VirtualClock | None = None) -> SimulatedPbx:
    """A ready PBX: directory, documented example records, ``config.history`` past calls, lab records.

    Past campaigns are run to completion on the virtual clock before this returns.
    """
    pbx = SimulatedPbx(config or SimConfig(), clock=clock)
    with pbx.lock:
        seed_directory(pbx)
        seed_doc_records(pbx)
        fill_history(pbx, pbx.config.history, pbx.clock.now())
        seed_doc_lab(pbx)  # after the history, which it must not change
        pbx.sync()
        # The past campaigns just run were pushed before anyone listened: start with no events.
        pbx.webhooks.log.clear()
        if pbx.config.traffic > 0:
            pbx.traffic.start()
    return pbx
