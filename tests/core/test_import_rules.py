"""Each heavy dependency stays in its room: prefect in flows/, anthropic in extractors/, duckdb in warehouse/,
the HTTP client in sources/. Read commands and the core must work without Prefect."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCT_PACKAGES = (
    "cli",
    "capgraph",
    "schemas",
    "sources",
    "extractors",
    "warehouse",
    "render",
    "flows",
    "bench",
)
ROOMS = {
    "prefect": "flows",
    "anthropic": "extractors",
    "duckdb": "warehouse",
    "httpx": "sources",
    "requests": "sources",
    "urllib3": "sources",
}


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _product_files() -> list[Path]:
    return [path for package in PRODUCT_PACKAGES for path in sorted((ROOT / package).rglob("*.py"))]


def test_product_files_are_found() -> None:
    files = _product_files()
    assert any(path.parent.name == "flows" for path in files)
    assert any(path.parent.name == "warehouse" for path in files)


@pytest.mark.parametrize("module,room", sorted(ROOMS.items()))
def test_dependency_is_imported_only_in_its_room(module: str, room: str) -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in _product_files()
        if module in _imported_modules(path) and path.relative_to(ROOT).parts[0] != room
    ]
    assert offenders == [], f"{module} may only be imported under {room}/, found in: {offenders}"


def test_rule_checker_catches_a_violation(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import duckdb\nfrom prefect.flows import flow\nfrom . import sibling\n")
    assert _imported_modules(sample) == {"duckdb", "prefect"}


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
