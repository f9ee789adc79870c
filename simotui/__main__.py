"""``python -m simotui`` runs the command line."""

from simotui.cli import main

raise SystemExit(main())
