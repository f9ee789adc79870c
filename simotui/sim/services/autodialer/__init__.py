"""``autodialer/*``: the bulk-dialer module's endpoints, one module per resource (§5)."""
