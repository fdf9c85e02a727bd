"""`make test` type-checks every package of the house, strictly enough that an untyped function fails it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from mypy import api as mypy_api

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "pyproject.toml"


def _mypy_config() -> dict[str, object]:
    return tomllib.loads(CONFIG.read_text(encoding="utf-8"))["tool"]["mypy"]


def test_every_folder_of_python_but_the_tests_is_checked() -> None:
    config = _mypy_config()
    assert config["files"] == ["."]
    (exclude,) = config["exclude"]
    folders = [
        path.name
        for path in ROOT.iterdir()
        if path.is_dir() and not path.name.startswith(".") and any(path.rglob("*.py"))
    ]
    assert {"capgraph", "warehouse", "bench"} <= set(folders)
    for name in [*folders, "cli"]:
        excluded = re.search(exclude, f"{name}/") is not None
        assert excluded == (name == "tests"), name


def test_make_test_type_checks_before_the_suite() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    steps = [line.strip() for line in recipe.splitlines()[1:]]
    assert "$(BIN)/mypy" in steps and "$(BIN)/pytest -q" in steps
    assert steps.index("$(BIN)/mypy") < steps.index("$(BIN)/pytest -q")


def test_the_configuration_refuses_untyped_and_unsound_code(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from decimal import Decimal\n"
        "def untyped(value):\n"
        "    return value\n"
        "def total(costs: list[Decimal | None]) -> Decimal:\n"
        "    return sum(costs, Decimal(0))\n"
        "x = 1  # type: ignore[assignment]\n",
        encoding="utf-8",
    )
    report, _, status = mypy_api.run(
        [
            "--config-file",
            str(CONFIG),
            "--no-incremental",
            "--cache-dir",
            str(tmp_path / "cache"),
            str(sample),
        ]
    )
    assert status == 1, report
    assert "[no-untyped-def]" in report
    assert "[type-var]" in report or "[arg-type]" in report
    assert "[unused-ignore]" in report
