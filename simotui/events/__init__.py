"""Simotel's pushed events (reference §7), taken by the console.

- ``models``: one typed, frozen model per documented event (no IO);
- ``parse``: a delivery (G4/Rest4 POST, GET, legacy form) into a model, leniently (no IO);
- ``stats``: what the receiver took, refused and relayed, counted from its threads;
- ``receiver``: the listener (Starlette in a thread, hardened as the bridge responder is);
- ``relay``: forwarding every delivery as received to another URL, fire-and-forget;
- ``link``: a running receiver and who to tell (the console attaches once it runs).

No Textual here; ``models`` and ``parse`` import no server either, so the call core reads them.
"""
