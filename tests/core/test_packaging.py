"""Every data file the packages read at run time is declared as package data, so a wheel carries it."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_data_file_in_a_package_matches_a_package_data_pattern() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    patterns = config["package-data"]["*"]
    packages = [pattern.rstrip("*") for pattern in config["packages"]["find"]["include"]]
    undeclared = [
        str(path.relative_to(ROOT))
        for package in packages
        for path in (ROOT / package).rglob("*")
        if path.is_file()
        and path.suffix not in (".py", ".pyc")
        and "__pycache__" not in path.parts
        and not any(fnmatch.fnmatch(path.name, pattern) for pattern in patterns)
    ]
    assert undeclared == [], f"add their patterns to [tool.setuptools.package-data]: {undeclared}"
