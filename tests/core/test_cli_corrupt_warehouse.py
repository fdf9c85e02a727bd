"""Every command given an unreadable or locked warehouse: one line naming the file, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from capgraph.pipeline import IngestContext, run_serially
from capgraph.settings import Settings
from cli.main import app
from tests.warehouse.processes import holding

runner = CliRunner(env={"COLUMNS": "250", "NO_COLOR": "1", "CAPGRAPH_EXTRACTOR": "heuristic"})
ROOT = Path(__file__).resolve().parents[2]


def _commands(out: Path, ref: str) -> dict[str, list[str]]:
    return {
        "ingest": ["ingest", ref],
        "reprocess": ["reprocess", ref],
        "tools": ["tools"],
        "show": ["show", ref],
        "compare": ["compare", ref, ref],
        "alternatives": ["alternatives", ref],
        "runs": ["runs"],
        "costs": ["costs"],
        "sql": ["sql", "SELECT count(*) FROM tools"],
        "site": ["site", "--out", str(out / "site")],
        "remove": ["remove", ref],
    }


@pytest.fixture(scope="module")
def good_warehouse(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, str]:
    """The bytes of a real warehouse holding one tool, and that tool's ref."""
    folder = tmp_path_factory.mktemp("good")
    description = folder / "lumen.md"
    description.write_text(
        "# Lumen\n\nLumen is a query engine.\n\n## Features\n\n"
        "- **Window functions**: ranking and running totals over ordered rows.\n"
        "- **Parquet reads**: queries Parquet files in place.\n",
        encoding="utf-8",
    )
    settings = Settings(_env_file=None, db=folder / "good.duckdb", extractor="heuristic", concurrency=1)
    context = IngestContext.create(settings)
    ref = f"file:{description}"
    assert run_serially([(ref, None)], context).ok
    context.warehouse.release()
    return settings.db.read_bytes(), ref


def _random_bytes(path: Path, good: bytes) -> None:
    path.write_bytes(os.urandom(64 * 1024))


def _zero_length(path: Path, good: bytes) -> None:
    path.write_bytes(b"")


def _directory(path: Path, good: bytes) -> None:
    path.mkdir()


def _header_only(path: Path, good: bytes) -> None:
    path.write_bytes(good[:12288])  # the file header and a few bytes of the first block


def _second_half_missing(path: Path, good: bytes) -> None:
    path.write_bytes(good[: len(good) // 2])  # opens, then fails reading the tools' blocks


DAMAGE: dict[str, Callable[[Path, bytes], None]] = {
    "random-bytes": _random_bytes,
    "zero-length": _zero_length,
    "directory": _directory,
    "truncated-header": _header_only,
}


def _assert_one_line_error(result, db: Path, *, exit_code: int = 2) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == exit_code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and str(db) in lines[0]
    assert "Traceback" not in result.output


@pytest.mark.parametrize("damage", DAMAGE)
@pytest.mark.parametrize("command", list(_commands(Path("."), "x")))
def test_every_command_on_an_unopenable_warehouse_is_one_line(
    tmp_path: Path, good_warehouse: tuple[bytes, str], damage: str, command: str
) -> None:
    good, ref = good_warehouse
    db = tmp_path / "capgraph.duckdb"
    DAMAGE[damage](db, good)

    result = runner.invoke(app, [*_commands(tmp_path, ref)[command], "--db", str(db)])

    _assert_one_line_error(result, db)
    assert "cannot open the warehouse" in result.stderr


_READ_THE_TOOLS = ["ingest", "reprocess", "tools", "show", "compare", "alternatives", "site", "remove"]


@pytest.mark.parametrize("command", _READ_THE_TOOLS)
def test_a_warehouse_damaged_past_its_header_is_one_line_naming_the_damage(
    tmp_path: Path, good_warehouse: tuple[bytes, str], command: str
) -> None:
    good, ref = good_warehouse
    db = tmp_path / "capgraph.duckdb"
    _second_half_missing(db, good)

    result = runner.invoke(app, [*_commands(tmp_path, ref)[command], "--db", str(db)])

    _assert_one_line_error(result, db)
    assert "the warehouse file is damaged" in result.stderr


def test_ingest_in_its_own_process_prints_no_prefect_traceback(tmp_path: Path) -> None:
    db = tmp_path / "capgraph.duckdb"
    db.write_bytes(os.urandom(20_000))
    description = tmp_path / "tool.md"
    description.write_text("# Tool\n\n- **Speed**: fast.\n", encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "CAPGRAPH_EXTRACTOR": "heuristic",
        "PREFECT_HOME": str(tmp_path / "prefect"),
    }

    done = subprocess.run(
        [sys.executable, "-m", "cli", "ingest", f"file:{description}", "--db", str(db)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )

    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        line for line in done.stderr.strip().splitlines() if line.startswith("error: ")
    ]
    assert len(done.stderr.strip().splitlines()) == 1 and str(db) in done.stderr


@pytest.mark.parametrize(("command", "live"), [("ingest", False), ("tools", True), ("sql", True)])
def test_a_warehouse_locked_by_another_process_is_one_line_and_exit_1(
    tmp_path: Path, good_warehouse: tuple[bytes, str], command: str, live: bool
) -> None:
    good, ref = good_warehouse
    db = tmp_path / "capgraph.duckdb"
    db.write_bytes(good)
    args = [*_commands(tmp_path, ref)[command], "--db", str(db), *(["--live"] if live else [])]

    with holding(db) as holder:
        result = runner.invoke(app, args, env={"CAPGRAPH_LOCK_TIMEOUT_SECONDS": "0.2"})

    _assert_one_line_error(result, db, exit_code=1)
    assert f"PID {holder.pid}" in result.stderr
