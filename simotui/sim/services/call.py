"""``call/*``: originate (§3)."""

from __future__ import annotations

from typing import Any

from simotui.sim.services.common import Reply, Service, optional_int, required, service
from simotui.sim.state import SimulatedPbx


def originate(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``call/originate/act``: validate, queue the call, answer with its id at once."""
    caller = required(body, "caller")
    callee = required(body, "callee")
    context = required(body, "context")
    caller_id = required(body, "caller_id")
    timeout = optional_int(body, "timeout")
    call_limit = optional_int(body, "call_limit")
    trunk = body.get("trunk_name")
    call_id = pbx.originate(
        caller=caller,
        callee=callee,
        context=context,
        caller_id=caller_id,
        trunk_name=str(trunk).strip() if trunk is not None else "",
        timeout=timeout if timeout is not None and timeout > 0 else 30,
        call_limit=call_limit if call_limit is not None and call_limit > 0 else None,
    )
    return Reply(None, {"originated_call_id": call_id})


SERVICES: tuple[Service, ...] = (service("call/originate/act", originate, "PUT"),)
