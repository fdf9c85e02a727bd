"""The import contracts in pyproject.toml hold, and bite; what they cannot see (what a process loads at
run time) is checked here: read commands and the core load neither Prefect nor the Claude SDK, and the
stages load without the core."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
    )


def test_the_import_contracts_hold() -> None:
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 broken" in result.stdout


def test_the_contracts_cover_every_package() -> None:
    packages = {pattern.rstrip("*") for pattern in _config()["setuptools"]["packages"]["find"]["include"]}
    assert set(_config()["importlinter"]["root_packages"]) == packages | {"bench"}


def test_the_contracts_catch_a_stage_importing_the_core_and_a_library_out_of_its_room(tmp_path: Path) -> None:
    for package in _config()["importlinter"]["root_packages"]:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    with (tmp_path / "sources" / "base.py").open("a", encoding="utf-8") as stage:
        stage.write("\nfrom capgraph.settings import Settings  # noqa: E402\n")
    with (tmp_path / "render" / "page.py").open("a", encoding="utf-8") as stage:
        stage.write("\nimport duckdb  # noqa: E402\n")
    result = _lint_imports(tmp_path)
    assert result.returncode != 0
    assert "Layers: entry -> flows -> core -> stages -> schemas BROKEN" in result.stdout
    assert "sources.base -> capgraph.settings" in result.stdout
    assert "duckdb only in warehouse/ BROKEN" in result.stdout
    assert "render.page -> duckdb" in result.stdout


def test_core_and_read_commands_do_not_load_prefect_or_anthropic() -> None:
    code = (
        "import sys\n"
        "import cli.main, capgraph.pipeline, capgraph.compare, capgraph.reading\n"
        "import render, sources.registry, extractors.registry, warehouse\n"
        "from capgraph.settings import Settings\n"
        "from capgraph.stage_options import extractor_options\n"
        "from extractors.registry import create\n"
        "create('heuristic', extractor_options(Settings(_env_file=None)))\n"
        "loaded = sorted(m for m in ('prefect', 'anthropic') if m in sys.modules)\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == ""


def test_stages_load_without_the_core() -> None:
    """Sources and extractors take their own options (built in capgraph.stage_options), never the settings."""
    code = (
        "import sys\n"
        "import sources.registry, sources.discover, extractors.registry, extractors.anthropic\n"
        "import warehouse, render, render.site\n"
        "from extractors.options import AnthropicOptions, ExtractorOptions\n"
        "from extractors.registry import create\n"
        "create('heuristic', ExtractorOptions(anthropic=AnthropicOptions(model='m')))\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in ('capgraph', 'cli', 'flows'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == ""


def test_the_core_loads_without_the_entry_layer_or_prefect() -> None:
    """Every module of capgraph/ and flows/environment import without typer, Prefect or cli/ (rich is
    loaded by a third-party parser the sources use, so only the static contract covers it)."""
    code = (
        "import importlib, pkgutil, sys\n"
        "import capgraph\n"
        "for module in pkgutil.walk_packages(capgraph.__path__, 'capgraph.'):\n"
        "    importlib.import_module(module.name)\n"
        "import flows.environment\n"
        "print(','.join(sorted(m for m in ('typer', 'prefect', 'cli') if m in sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == ""


def test_python_dash_m_cli_is_the_capgraph_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cli", "--version"], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.startswith("capgraph ")


# Roles each stage has by design, so the same name in two packages says "the same role here".
SHARED_ROLES = {"__init__", "__main__", "base", "registry", "options", "extractor"}
# Shared today and not yet renamed: the next module with one of these names gets a name of its own.
SHARED_FOR_NOW = {"build", "models", "scores"}


def test_no_two_packages_hold_modules_of_the_same_name() -> None:
    packages = set(_config()["importlinter"]["root_packages"]) - {"bench"}
    seen: dict[str, list[str]] = {}
    for package in sorted(packages):
        for path in sorted((ROOT / package).rglob("*.py")):
            seen.setdefault(path.stem, []).append(str(path.relative_to(ROOT)))
    shared = {name: paths for name, paths in seen.items() if len(paths) > 1}
    unexpected = {name: paths for name, paths in shared.items() if name not in SHARED_ROLES | SHARED_FOR_NOW}
    assert unexpected == {}, f"give these modules names that say what they hold: {unexpected}"
