"""Regenerate screenshots/*.svg from the same deterministic scenes as the snapshot tests.

Run: .venv/bin/python scripts/screenshots.py
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.ui.scenes import SCENES, SIZE, build_scene  # noqa: E402


async def shoot(name: str, target: Path) -> None:
    """Play one scene and save what the terminal shows."""
    scene = build_scene()
    try:
        async with scene.app.run_test(size=SIZE) as pilot:
            await SCENES[name](pilot, scene)
            scene.app.save_screenshot(filename=target.name, path=str(target.parent))
    finally:
        scene.close()


def main() -> None:
    """Write one SVG per scene into screenshots/."""
    out = ROOT / "screenshots"
    out.mkdir(exist_ok=True)
    for name in SCENES:
        target = out / f"{name}.svg"
        asyncio.run(shoot(name, target))
        print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
