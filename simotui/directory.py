"""The PBX directory a dial form draws on: extensions and trunks, loaded once, searched locally.

Loading the whole users and trunks lists once (two requests) and matching as the user types
keeps every keystroke off the network.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from simotui.api.models import Announcement, Trunk, TrunkManager, User


@dataclass(slots=True)
class Directory:
    """Extensions by number and trunk names, as last loaded from the PBX."""

    users: dict[str, User] = field(default_factory=dict)
    trunks: tuple[str, ...] = ()
    trunk_managers: tuple[TrunkManager, ...] = ()
    announcements: tuple[Announcement, ...] = ()
    loaded: bool = False
    autodialer_error: str = ""

    def load(self, users: Iterable[User], trunks: Iterable[Trunk]) -> None:
        """Replace the contents with fresh search results."""
        self.users = {user.number: user for user in sorted(users, key=lambda u: (len(u.number), u.number))}
        self.trunks = tuple(sorted({trunk.name for trunk in trunks if trunk.name}, key=str.lower))
        self.loaded = True

    def load_autodialer(
        self, managers: Iterable[TrunkManager], announcements: Iterable[Announcement]
    ) -> None:
        """Replace the campaign-mode lists with fresh search results."""
        self.trunk_managers = tuple(managers)
        self.announcements = tuple(announcements)
        self.autodialer_error = ""

    def default_trunk_manager(self, preferred: str = "") -> str:
        """The preferred manager if listed, else the first active one, else ""."""
        ids = [m.id for m in self.trunk_managers]
        if preferred and preferred in ids:
            return preferred
        active = [m.id for m in self.trunk_managers if m.is_active]
        return (active or ids or [""])[0]

    def complete_number(self, typed: str) -> str | None:
        """The first extension whose number starts with ``typed`` (and is longer)."""
        if not typed:
            return None
        for number in self.users:
            if number.startswith(typed) and number != typed:
                return number
        return None

    def complete_trunk(self, typed: str) -> str | None:
        """The first trunk whose name starts with ``typed``, case-insensitively."""
        if not typed:
            return None
        lowered = typed.lower()
        return next((name for name in self.trunks if name.lower().startswith(lowered)), None)

    def describe(self, number: str) -> str:
        """``552 Sara Ahmadi`` for an extension, ``external`` for a long number, "" otherwise."""
        user = self.users.get(number)
        if user is not None:
            name = user.name if user.name and user.name != number else ""
            inactive = " (inactive)" if user.active is False else ""
            return f"{number} {name}{inactive}".strip()
        if len(number) > 5:
            return f"{number} (external)"
        if number and self.loaded:
            return f"{number} (not an extension)"
        return ""

    def candidates(self, typed: str, limit: int = 4) -> list[User]:
        """Extensions whose number starts with ``typed``, shortest first (for the hint line)."""
        if not typed:
            return []
        return [user for number, user in self.users.items() if number.startswith(typed)][:limit]

    def search(self, text: str, limit: int = 8) -> list[User]:
        """Extensions whose number or name contains ``text``."""
        lowered = text.lower()
        return [u for u in self.users.values() if lowered in u.number or lowered in u.name.lower()][:limit]
