"""Where simotui keeps its files; the only module that asks platformdirs."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "simotui"
CONFIG_ENV = "SIMOTUI_CONFIG"
CONFIG_NAME = "config.toml"
JOURNAL_NAME = "journal.sqlite3"
LOG_NAME = "simotui.log"
STATE_NAME = "state.json"


def config_file() -> Path:
    """The TOML config file: ``$SIMOTUI_CONFIG`` when set, else the user config directory's."""
    override = os.environ.get(CONFIG_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    return platformdirs.user_config_path(APP_NAME) / CONFIG_NAME


def data_dir() -> Path:
    """The user data directory (journal); not created here."""
    return platformdirs.user_data_path(APP_NAME)


def journal_path() -> Path:
    """The SQLite journal of dials and call states."""
    return data_dir() / JOURNAL_NAME


def state_dir() -> Path:
    """The user state directory (what the console remembers, e.g. the theme); not created here."""
    return platformdirs.user_state_path(APP_NAME)


def state_file() -> Path:
    """The console's small state file: choices remembered between sessions, never settings."""
    return state_dir() / STATE_NAME


def downloads_dir() -> Path:
    """Where exports and recordings go unless the profile says otherwise: a folder of the user's
    downloads directory (``XDG_DOWNLOAD_DIR``, else ``~/Downloads``); not created here."""
    return platformdirs.user_downloads_path() / APP_NAME


def log_dir() -> Path:
    """The user log directory; not created here."""
    return platformdirs.user_log_path(APP_NAME)


def log_file() -> Path:
    """The log file."""
    return log_dir() / LOG_NAME
