"""simotui: a terminal console for the Simotel PBX HTTP API v4."""

__version__ = "0.1.0"
