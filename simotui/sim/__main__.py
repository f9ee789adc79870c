"""``python -m simotui.sim``: the standalone simulator (``simotui.sim.cli``)."""

from simotui.sim.cli import main

raise SystemExit(main())
