"""SVG snapshots of each main screen, made deterministic by a frozen in-process simulator."""

from __future__ import annotations

from typing import Any

import pytest

from .scenes import SCENES, SIZE, build_scene


@pytest.mark.parametrize("name", sorted(SCENES))
def test_main_screens(name: str, snap_compare: Any) -> None:
    scene = build_scene()

    async def run_before(pilot: Any) -> None:
        await SCENES[name](pilot, scene)

    try:
        assert snap_compare(scene.app, terminal_size=SIZE, run_before=run_before)
    finally:
        scene.close()
