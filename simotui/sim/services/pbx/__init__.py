"""``pbx/*``: the PBX directory and media, one module per resource (users, trunks, queues, ...)."""
