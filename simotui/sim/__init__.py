"""A local Simotel HTTP API v4 server for demos and tests (never imports Textual).

``start_simulator()`` serves a seeded ``SimulatedPbx`` with uvicorn on loopback in a
thread; ``serve()`` does the same in the foreground for ``simotui sim``; ``create_app()``
returns the bare ASGI app for ``httpx.ASGITransport``. Everything follows
``simotel-api.md`` (the documented paths, envelope, errors and their order, date
formats, type quirks and call behaviour); ``simotui.sim.outcomes`` documents which
numbers answer, ring out, are busy or fail.

Module map. The PBX: ``state`` (``SimulatedPbx``, the façade others use: directory, report
tables, ``now``/``sync``/``advance``, ``originate``, ``run_component_calls``...) over one module
per engine -- ``events`` (the virtual-time heap), ``originate``, ``autodialer``,
``component_calls`` (the outgoing component-call queue) -- and ``cdrs``, the one CDR builder.
Pushed events and background calls: ``webhooks`` (what the PBX pushes, and when: ``pbx.webhooks``,
called by the engines), ``delivery`` (the sender thread, delivery styles, chaos, counts), ``traffic``
(calls nobody placed, ``pbx.traffic``). The API: ``services/``, a package laid out like the API's paths (``services/pbx/users.py`` serves
``pbx/users/*``, ``services/autodialer/groups.py`` ``autodialer/groups/*``...), each family with its
own request rules and its own ``SERVICES`` rows, so finding an endpoint's behaviour is reading its
path, as the PHP SDK's ``ApiGroups/{Pbx,Call,Reports,Voicemails,Autodialer}`` are laid out; the
engines keep what time drives (calls, campaigns, component calls), the families what a request
changes. Around them: ``config`` (SimConfig, SimSettings, ComponentSpec), ``clock``, ``ids``,
``dates``, ``models`` (internal records), ``tables`` (sorted in-memory collections and their search
indexes), ``rowcache`` (rows rendered once per view), ``jsonout`` (the one JSON encoder), ``errors``,
``outcomes``, ``scenarios`` (directory, dialplan, documented records), ``doc_lab`` (the documented
lab's records the other samples name), ``history``, ``render`` (JSON shapes), ``query``
(alike/conditions/date_range/pagination), ``files`` (upload names, audio length, CSV numbers),
``multipart``, ``audio``, ``build`` (build_pbx), ``components`` (the HTTP of a component call),
``smart`` (Smart API commands), ``ticker`` (background clock + component calls, asleep until the
next event is due), ``pages``
(Apache, nginx and PHP pages), ``faults``, ``wire``, ``connection``, ``reqlog``, ``runtime``,
``control_api`` (the ``/_sim/`` control plane), ``control`` (SimControl), ``server`` (HTTP, auth,
errors, virtual ``Date``, uvicorn), ``cli``/``__main__`` (``simotel-sim``, ``python -m simotui.sim``).

Serving. One process, one PBX in memory behind one lock, one uvicorn worker: several workers would
be several PBXs that disagree (a call placed through one would never show in another's reports), and
sharing the state across processes would cost more than it gains, so none are offered. Speed comes
from doing little per request instead: ``jsonout`` encodes with orjson when installed (the standard
library otherwise: the standalone distribution need not have it), ``rowcache`` renders and encodes
each report row once per view, ``tables`` index the big report tables (``query.find``: date ranges
are windows, conditions start from a field index, sorted pages walk a sorted view; the answer is
exactly the linear one's), and the ``ticker`` sleeps until the next event is due.

Where the reference is silent
-----------------------------
Transport
  - Failure envelopes carry ``"data": null``. A top-level ``[]`` is an empty object (PHP's
    ``json_encode([])``, what its SDK sends for "no parameters"); other JSON that is not an
    object (``[1]``, ``5``) is 400 ``Unable to parse content``. A whitespace-only body is empty.
  - Uploads (``*/upload``) take ``multipart/form-data`` and read the part named ``file`` (other
    parts are ignored; none: ``Field 'file':value is missing``, as is a JSON body there); an
    unreadable multipart body is 400; multipart anywhere else is 415 like any non-JSON type.
    The stored name follows ``files`` (``file-<UTC stamp>-<5 digits>-<name>``, audio ``_.wav``,
    faxes ``sen_..._.tiff``). PBX uploads answer ``1 file(s) uploaded successfully``,
    autodialer uploads ``""``, as documented.
  - ``pbx/users/add`` answers the documented non-envelope ``{"status":"success","message":"User
    created successfully","user_id":<the number>}`` (``users_add_reply="envelope"``: the envelope
    of other adds, ``"Requested operation is done successfully"`` with ``data: {"_id"}``; §1.3
    allows either). A number sent for a documented string column of a users, trunks or queues
    row (``"port": 5060``) is answered as its digits; a value of another JSON type leaves the
    column as it was. Adds of blacklist, whitelist and contact
    entries answer ``{"_id": null}`` as documented: they are upserts on the number.
  - Auth modes: a header the mode does not use is ignored. Sending none of the headers
    the mode needs is "missing"; sending only one of the two in ``both`` mode, or a wrong
    one, is "invalid" ("wrong or incomplete"). Credentials in the URL work (they become
    a Basic header). ``allowed_ips`` entries may be addresses or CIDR networks.
  - The 403 permission message names the service without a leading slash, as requested
    (``"reports/cdr/search";Access denied``); an alias is also denied by its target's
    name. Unknown services are never permission-checked (they reach 501).
  - A crash inside a handler is an Apache HTML 500 page, as a PHP fatal error would be. A client
    that disconnects before its request is complete is dropped without an answer, a log entry or
    a traceback (the PBX never saw a request), on the API and on the control plane alike.
  - JSON is compact UTF-8 (Persian text unescaped); responses carry Apache/PHP
    ``Server``/``X-Powered-By`` headers.
Searches
  - ``alike`` applies to every condition of the request (case-insensitive substring);
    otherwise conditions are exact. Unknown condition names are ignored.
  - ``date_range`` filters on ``starttime`` (autodialer reports/polls: ``date``; agent
    sessions: ``start``). Either bound may be omitted; a ``to`` without seconds includes
    that whole minute (a bare day, that whole day). Jalali is accepted when the year is
    below 1700. Required (``Field 'date_range':value is missing``) on CDR, quick, queue,
    queue-details and poll searches unless ``conditions.cuid`` is given, always on agent
    search, optional on autodialer reports. An unreadable date is "Requested operation
    failed".
  - Pagination: missing or non-positive ``count`` means 20; sorting on a field no row has
    keeps the natural (time) order, like Mongo; nulls sort first ascending; a direction
    other than 1/-1 fails. Several sort keys apply in the order given.
  - Cursors (``*/ordered/id``): a missing ``_id`` starts from the beginning; a value that
    is not a 24-hex ObjectId fails. ``reports/quick/info`` returns the ``queue_report``
    rows of the cuid in ``_id`` order (``[]`` for an unknown cuid).
  - Non-paginated lists (users, trunks, queues, announcements, music on hold, lists,
    voicemail boxes) come in creation order; users by number; contacts by name. ``pbx/users/search`` with ``status:"mapped"`` (or a truthy
    ``conditions.mapped``) keeps operator-mapped extensions; a user's ``queues`` lists
    the queue numbers it belongs to. Agent search ignores ``from``/``to``.
Originate
  - ``clid`` is ``"" <caller_id>``. ``type`` is ``local`` only when both parties are
    extensions, otherwise ``outgoing`` with ``outgoing_point`` = the callee's trunk (or the
    caller's ``trunk_name``). Trunk names match case-insensitively (the docs send both
    ``Cisco`` and ``cisco``); an unknown or inactive ``trunk_name`` for a PSTN caller, or
    an inactive extension, fails the first leg like an unknown extension.
  - Once the first party has answered there is always a CDR: a callee that is busy, rings
    out or fails gives BUSY / NO ANSWER / FAILED. A context that does not exist or has no
    Outgoing Route, or a PSTN callee through a context without a trunk, fails the second
    leg (FAILED, no ``route`` when the context is unknown).
  - Times: ``start`` = originate time, ``starttime`` = first party answer, ``answer`` =
    second party answer, ``wait`` = until the second party answered (or the end),
    ``duration`` = end - start, ``billsec`` = talk; ``_id`` is stamped at hang-up.
    Answered rows carry ``hangup``. Calls are recorded (``record``, MixMonitor step) when
    either extension has ``call_record: yes`` or the call leaves through ``main_routing``.
  - ``timeout``/``call_limit`` must be integers (else "Requested operation failed");
    missing or non-positive values mean 30 s / no limit.
Autodialer
  - A campaign whose window is already over when created (or updated) never runs and
    stays ``waiting``, like the documented "test" campaign. Missing ``start`` = now,
    missing ``end`` = start + 24 h, ``end`` before ``start`` fails. ``update``/``remove``
    of an unknown ``_id`` fail; ``update`` always answers ``{"count":0}``; changes to a
    running campaign apply to its remaining dials; ``remove`` cancels pending dials.
  - Dialling: one number per ``dial_interval`` seconds while fewer than ``capacity``
    calls are up; the trunk manager must be ``active`` and ``active_times`` (ISO weekday
    keys, 1 = Monday; local hours) must list the current hour. The seeded manager is open
    every hour of every day so demos work at any time. An unknown trunk manager makes
    every attempt ``LOST``. A number rings at most 30 s; NO ANSWER reports ``wait`` 30.
  - Retries: every non-ANSWERED attempt is retried after ``try_interval`` (default 600 s)
    until ``try`` attempts; a window that closes drops undialled numbers (no row).
  - A report row appears ``REPORT_LAG`` (2 s) after its number's first attempt ends;
    ``date`` is the first dial time; later attempts update it in place (same ``_id``).
    ``cdr_id`` ids are autodialer-side: campaign calls write no PBX CDRs.
  - After the run: ``status`` ``completed``, ``hs`` = ``repeat``, ``statistics`` computed
    from the rows (averages rounded to integers; ``success``/``answered`` = ANSWERED rows).
  - Trunk-manager update: ``status`` must be active/inactive, numeric fields digit
    strings; ``_id`` or v3's ``id`` both work.
Call originate via campaign (§5.8)
  - The demo dialplan has one Autodialer Route, context ``simotui``, with rows ``bridge``
    → the API component ``simotui-bridge``, ``announce`` → the campaign's announcement and
    ``any`` → the API component. The component is an Exten API (or Trunk API, per
    ``SimConfig.component_kind``) calling ``SimConfig.component_api_url``. Campaigns with
    another ``interface_context`` play their announcement, as before.
  - When a number answers into the component, the simulator sends ``{"src": <number>,
    "dst": <interface_text, else the route's context>, "data": "", "unique_id": <new
    cuid>, "app_name": <the component's own name, "simotui-bridge">}``: a JSON POST or a GET
    query, to the URL (G) or ``<url>/ExtenAPI``/``<url>/TrunkAPI`` (Rest), with a real-time
    timeout (``component_timeout``, 1 s). ``simotui.sim.components`` judges the answer.
  - A usable answer dials ``extension`` (Exten API: an extension directly, a PSTN number
    through ``main_routing``'s trunk; Trunk API: through ``trunk``, within ``call_limit``)
    with the outcome rules, and stores the second leg's CDR: ``cuid``/``uniqueid`` =
    ``unique_id``, ``dcontext`` ``simotui``, ``src`` the first party, ``route[]``
    ``AutodialerRoute`` → ``ExtenAPI``/``TrunkAPI`` → ``Extension``/``Trunk``, ``start`` =
    first dial, ``starttime`` = first party answer. The first party's report row is
    ANSWERED and its billsec covers the component wait, the ringing and the talk.
  - Unreachable, slow (past the timeout), refusing (``ok`` not "1") or unusable answers
    (not a JSON object, no ``extension``, a Trunk API answer without ``trunk``, HTTP
    status not 2xx): no second-leg CDR; the first party's row is ANSWERED, hung up
    ``COMPONENT_HANGUP_DELAY`` (1 s) after the failure. ``pbx.component_calls`` records
    every request, its outcome and the answer.
  - The answer is applied at the virtual time it arrived: at speed s, a web service that
    takes r real seconds costs the first party r·s virtual seconds of waiting.
Pushed events (``webhooks``, ``delivery``; §7)
  - Sent for what the engines do, at the virtual moment it happens (``webhooks`` has the list):
    originates (NewState of extensions, OutgoingCall for legs through trunks, Cdr at hang-up with
    ``originated_call_id``, none when the first party never answered), campaigns (OutgoingCall per
    dial, AutoDialerReport per report row written or updated), user add/remove (ExtenAdded /
    ExtenRemoved; a renumbering is both), ping (``{"event_name":"Ping"}``: undocumented, assumed),
    background traffic (IncomingCall, NewState with ``queue``, CdrQueue when an agent answered,
    Cdr, Survey). Not sent: Transfer (none is modelled), voicemail, fax and trunk events.
  - NewState: the caller of an originate rings with ``direction: in`` and, once it answers, is
    ``InUse`` with ``direction: out, dialer: yes`` (it dials the callee); the callee rings and is
    ``InUse`` with ``direction: in, dialer: no``; ``participant`` is the other party's real number,
    not the masking ``caller_id``; ``dialer`` only comes with InUse; Idle carries ``exten``,
    ``state`` and ``unique_id`` only. A busy phone does not ring. At a hang-up the caller goes Idle,
    then the callee, then Cdr. Only extensions have states.
  - Payloads omit fields without a value (a Cdr without talk has no ``billsec``); Cdr's
    ``starttime`` is the call's ``start``. AutoDialerReport carries ``event_name`` (listed by the
    table, missing from the sample), ``start``/``end`` = the campaign window in UTC (``end`` to the
    second, as in the sample), ``tries[].starttime`` in PBX-local Gregorian; a campaign dial's
    ``unique_id`` comes from a counter of its own, so events never change the PBX's ids.
  - ``events_only`` filters what is emitted (the ticked events); extension states are tracked
    anyway. Events of the past campaigns run while building the PBX are not sent.
  - Delivery is one daemon thread, in emission order, ``events_timeout`` (2 s) per request, no
    retries, 2xx = sent. GET sends nested values as compact JSON. Chaos fates are drawn per event
    from (seed, its place in the emission order); a reordered event waits for the next one at most
    1 real second. A reset keeps target, chaos and counts; the old PBX stops pushing.
Background traffic (``traffic``)
  - Poisson arrivals at ``SimConfig.traffic`` calls per virtual minute, drawn from their own seeded
    RNG; kinds, numbers, queues and agents as ``traffic`` describes; the rules of ``outcomes``
    decide every leg. A reset starts the configured rate again (a rate set at run time is not kept).
Faults, control plane, request log (not Simotel's: a test harness around it)
  - Fault syntax and semantics are in ``simotui.sim.faults``: ``@before`` (default) never
    reaches the PBX, ``@after`` processes then replaces the answer; ``truncate`` is always
    ``@after``. ``error5xx`` is nginx's 502/504 or Apache's 503; ``timeout`` holds 30 s then
    sends nginx's 504 (held requests are let go, connection closed, when the faults change or the
    server stops); ``reset`` is a TCP RST; ``nonjson`` is PHP's notice (or fatal error) as
    ``text/html``; a restart is Apache's 503 with ``Connection: close`` for ``restart_down``
    virtual seconds, state and calls untouched. Draws are seeded per request index since the
    spec was installed; unauthenticated requests are faulted too (the gateway cannot tell).
  - The control plane is off unless asked and serves loopback clients only; it is never
    faulted and its requests are not logged. A reset rebuilds the PBX on the same clock (time
    never runs backwards), keeps the account settings and the originate-id factory, and puts
    the startup faults back. ``set`` on the clock refuses the past instead of ignoring it.
  - A pinned number gets its outcome for every leg that dials it (originate legs, campaign
    numbers, bridged legs); routing failures (unknown context, no trunk, inactive extension)
    still come first. Past history is never affected.
  - The request log keeps the last 10,000 entries and 32 MiB of raw bodies
    (``SimConfig.request_log_*``); only authenticated requests whose body parsed to an object
    keep it. ``status`` is what the client got (``None`` when no status line was sent),
    ``pbx_status`` what the PBX answered (``None`` when a fault struck first). Paths outside
    ``/api/v4/`` are logged (404) but never faulted.
  - Every response's ``Date`` is the virtual clock in RFC 7231 form; uvicorn's is off.
  - Originate ids: the random suffix is redrawn when the current second already used it; a
    second whose 900,000 suffixes are all used continues in the next second.
Directory, media and lists (``services/pbx``, ``services/voicemails``, ``services/autodialer``)
  - Required fields follow the docs' ``**`` (users: name, number, secret; queues: name, number;
    trunks: name; voicemail: name, number, password; lists: number; contacts: name, number;
    announcements: name, filename; groups: name and numbers or an uploaded filename; agents:
    queue, source, agent) and fail with ``Field '<name>':value is missing`` in that order.
    Unknown ``_id`` (or v3 ``id``): "Requested operation failed". Unique keys: a user's and a
    voicemail box's number (``This number already exists``), a trunk's name, case-insensitively
    (``This trunk already exists``), a queue's number (``this queue already exists``, as spelled),
    a list entry's number on update. Fields beyond the modelled ones are kept as sent and the
    documented columns come back as sent.
  - A user added can be dialled at once; renumbered, it keeps its queues and pauses; removed, it
    leaves them. A trunk added can carry a PSTN first party (``active`` must be ``yes``).
  - Queue agents: ``agent`` must be an extension; adding a member again succeeds and updates its
    penalty; pause/resume/remove of a non-member fail. Joining opens an ``inout`` session and
    pausing a ``pause`` session (``"pause":1``, ``"pause_du"``: the API spelling of the UI's
    "Paused" is not documented) in ``reports/agent/search``; an open session ends "now" so far.
    Batch forms answer each item as sent plus ``message``/``ok`` (``agent`` → ``agents`` in
    batch add, as documented), keys sorted; the reply's ``ok`` is 1 only when every item is.
    Members, penalties and pauses: ``GET /_sim/queues`` (the documented queue row lists none).
  - Blacklists: every leg the simulator would dial to a blacklisted number fails before it is
    dialled (originate first party: the ``OutgoingSpoolFailed`` row; second party: FAILED; a
    campaign number: LOST; a fax: FAILED), unless the number is also whitelisted; this comes
    before pins. Whitelist searches mask all but the first four digits and filter on the real
    numbers.
  - Faxes are ``SENDING`` for 45 virtual seconds, then ``SENT`` when their destination would
    answer a call, else ``FAILED``; ``src`` is ``sender_id``, ``dst`` is ``to`` else ``ext``;
    ``download`` returns the uploaded bytes (a blank TIFF page for seeded or text faxes).
  - An ``add`` naming a file needs one the PBX has (uploaded, or a seeded record's). A group CSV's
    numbers are its cells made of digits. An uploaded WAV announcement plays for its length.
  - Voicemail options default to ``no``; the inbox is paginated with an optional ``date_range``;
    its files download through ``reports/audio/download`` (alias ``voicemails/audio/download``,
    the PHP SDK's). Removing a box leaves its messages.
  - ``doc_lab`` seeds the documented lab's records (the placeholder ``_id``
    ``6033876dc92de036d1390923`` in each collection, queues 999 and 10000 with their sample
    agents, users 909 and 530, trunk t7075, ...), after the history and with ids of their own,
    so every documented request finds what it names on a fresh simulator. Four samples document
    a state that another sample contradicts (trunks/queues add and trunks/voicemail edit clash
    with the searched records); ``tests/sim/doc_coverage`` sends them after making room.
  - Music-on-hold file sizes render as ``<KiB, 2 decimals> KB`` and their dates to the minute.
  - The queue cursors render the stored document: Jalali ``endtime``, a ``data`` object of the
    instants, ``caller_wait``; rows of the older schema (the samples' 2019-2020 rows) lack
    ``cuid``, ``queue_id``, ``hangup``, ``v`` and ``dst_name``, and ``queue_status`` when unset.
Dialplan API components (``component_calls``, ``components``, ``smart``)
  - ``app_name`` is the component's own name in the dialplan (``SimConfig.components``, the CLI's
    ``--component-name``); the demo names (``extenApi``, ``trunkApi``, ``ivrApi``, ``smartApi``)
    are PHP identifiers because the PHP SDK calls the method named ``app_name``.
  - Each demo component has a context (``api-exten``, ``api-trunk``, ``api-ivr``, ``api-smart``)
    whose Outgoing Route leads every number into it: an originate through it asks the
    component once the first party answers, with ``dst`` = the callee and ``unique_id`` = the
    call's cuid, and writes the call's one CDR (route ``OutgoingRoute`` → component →
    ``Extension``/``Trunk``), FAILED when the component sends the call nowhere. The
    ``simotui`` Autodialer Route has rows ``exten``/``trunk``/``ivr``/``smart`` for campaigns.
  - Smart API sends ``originated_call_id`` only for originates. IVR API's ``case`` selects an
    output (``ComponentSpec.cases``: case → number; the demo's 1 → 552, 2 → 553, 3 → 557);
    a case with no output hangs up (``invalid``). Smart API commands run on the virtual clock
    (``smart``: announcements their length, ``Say*`` 2 s, ``MusicOnHold`` its duration);
    ``SetExten``/``Exit`` choose whom to dial, ``SetLimitOnCall`` caps that call, an error
    leaves through output ``e`` (the demo's e → 200); commands that connect nobody play, then
    hang up (``played``; an originate's CDR is ANSWERED with the playing time as billsec).
Data
  - Recordings are named ``<YYYYMMDD>_<cuid>.<record_format>``; downloads are real
    audio: a WAV tone clip, or silent MPEG frames for ``.mp3`` (no MP3 encoder in the
    stdlib), at most 6 s.
  - The users-search sample's 25-hex ``_id`` (a doc typo) is seeded with 24 digits.
"""

from __future__ import annotations

from simotui.sim.build import build_pbx
from simotui.sim.clock import VirtualClock
from simotui.sim.config import SimConfig, SimSettings
from simotui.sim.faults import FaultSpec, FaultSpecError, parse_faults
from simotui.sim.reqlog import RecordedRequest, RequestLog
from simotui.sim.server import (
    SimulatorApp,
    SimulatorHandle,
    create_app,
    serve,
    start_simulator,
)
from simotui.sim.state import SimulatedPbx

__all__ = [
    "FaultSpec",
    "FaultSpecError",
    "RecordedRequest",
    "RequestLog",
    "SimConfig",
    "SimSettings",
    "SimulatedPbx",
    "SimulatorApp",
    "SimulatorHandle",
    "VirtualClock",
    "build_pbx",
    "create_app",
    "parse_faults",
    "serve",
    "start_simulator",
]
