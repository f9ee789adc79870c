"""The bridge responder: the web service Simotel's Exten API / Trunk API component calls.

When a campaign call's first party answers, Simotel asks this server where to send the call
(reference §5.8, §7.4); it answers from the call core's :class:`~simotui.calls.bridges.BridgeBook`.
``responder.start_responder`` serves it over HTTP, ``responder.create_responder_app`` returns the
bare Starlette app, and ``link.running_bridge`` runs one for as long as a block lasts. Never
imports Textual; the server's modules (uvicorn, Starlette) load only with ``responder``.
"""
