"""The simulator stands alone: ``python -m simotui.sim`` / ``simotel-sim``, without Textual or the console.

``packaging/simotel-sim`` builds a distribution of exactly ``simotui/__init__.py``,
``simotui/serving.py`` and ``simotui/sim`` (symlinks); these tests keep that list honest.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from simotui.sim.cli import build_parser, config_from

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging" / "simotel-sim"

PROBE = """
import sys, pkgutil, importlib
import simotui.sim
from simotui.sim import cli, server, control
import simotui.sim.services as services
for info in pkgutil.walk_packages(simotui.sim.__path__, "simotui.sim."):
    importlib.import_module(info.name)  # __main__ too: importing it must not start a server
cli.build_parser().parse_args(["--api-url", "http://127.0.0.1:9/"])
outside = sorted(m for m in sys.modules if m.startswith("simotui") and not m.startswith("simotui.sim")
                 and m not in ("simotui", "simotui.serving", "simotui.numbers", "simotui.flags"))
print("textual" in sys.modules, outside)
"""


def test_importing_every_simulator_module_imports_no_textual_and_nothing_of_the_console() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False []"


def test_python_dash_m_simotui_sim_is_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "simotui.sim", "--help"], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert (
        "simotel-sim" in result.stdout and "--api-url" in result.stdout and "interface_text" in result.stdout
    )


def test_the_distribution_ships_what_the_simulator_imports() -> None:
    project = tomllib.loads((PACKAGING / "pyproject.toml").read_text(encoding="utf-8"))
    packages = set(project["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(p.relative_to(ROOT).parent.parts) for p in (ROOT / "simotui" / "sim").rglob("__init__.py")
    }
    assert packages == {"simotui", *on_disk}
    src = PACKAGING / "src" / "simotui"
    for name in ("__init__.py", "serving.py", "sim", "py.typed"):
        assert (src / name).is_symlink() and (src / name).resolve() == (ROOT / "simotui" / name).resolve()
    assert "textual" not in " ".join(project["project"]["dependencies"])
    assert project["project"]["scripts"]["simotel-sim"] == "simotui.sim.cli:main"
    main = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert main["project"]["scripts"]["simotel-sim"] == "simotui.sim.cli:main"


def test_cli_options_configure_the_demo_components() -> None:
    args = build_parser().parse_args(
        [
            "--api-url", "http://127.0.0.1:9000/hook",
            "--component", "smart=http://127.0.0.1:9001/smart",
            "--component-name", "ivr=mainMenu",
            "--component-style", "rest",
            "--speed", "0",
            "--no-control",
        ]
    )  # fmt: skip
    config = config_from(args)
    by_kind = {c.kind: c for c in config.components}
    assert by_kind["ivr"].name == "mainMenu" and by_kind["exten"].name == "extenApi"
    assert by_kind["smart"].url == "http://127.0.0.1:9001/smart"
    assert by_kind["trunk"].url == config.component_api_url == "http://127.0.0.1:9000/hook"
    assert {c.style for c in config.components} == {"rest"} and config.component_style == "rest"
    assert (config.speed, config.control) == (0.0, False)
    assert config_from(build_parser().parse_args([])).control is True
