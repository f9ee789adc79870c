"""``python -m simotui.sim``: the standalone simulator (``simotui.sim.cli``).

Guarded, so that importing the module (an import-hygiene walk does) serves nothing.
"""

from simotui.sim.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
