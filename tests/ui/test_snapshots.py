"""SVG snapshots of each main screen, made deterministic by a frozen in-process simulator."""

from __future__ import annotations

from typing import Any

import pytest

from .scenes import NARROW, NARROW_SCENES, SCENES, SIZE, build_scene


@pytest.mark.parametrize("name", sorted(SCENES))
def test_main_screens(name: str, snap_compare: Any) -> None:
    scene = build_scene()

    async def run_before(pilot: Any) -> None:
        await SCENES[name](pilot, scene)

    try:
        assert snap_compare(scene.app, terminal_size=SIZE, run_before=run_before)
    finally:
        scene.close()


@pytest.mark.parametrize("name", sorted(NARROW_SCENES))
def test_main_screens_at_80x24(name: str, snap_compare: Any) -> None:
    scene = build_scene()

    async def run_before(pilot: Any) -> None:
        await NARROW_SCENES[name](pilot, scene)

    try:
        assert snap_compare(scene.app, terminal_size=NARROW, run_before=run_before)
    finally:
        scene.close()
