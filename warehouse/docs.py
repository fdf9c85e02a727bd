"""Regenerates the reference part of docs/warehouse.md from the comments a warehouse file holds.

    python -m warehouse.docs            # rewrite docs/warehouse.md
    python -m warehouse.docs --check    # exit 1, naming the sections, when it is out of date

Each ``### `name` `` section of the doc starts with a generated block: the table's or view's comment,
then its column table (one row per column, in column order, with the column's comment). Everything
after that block (examples, notes, other sections) is prose and is kept as written. The comments
themselves come from ``warehouse.comments``, as applied to a freshly migrated file.
"""

from __future__ import annotations

import re
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

import duckdb

from schemas import CapgraphError
from warehouse.sandbox import sandboxed
from warehouse.warehouse import Warehouse

DOC_PATH = Path(__file__).resolve().parents[1] / "docs" / "warehouse.md"
_HEADING = re.compile(r"^### `(\w+)`")
_WIDTH = 104


@dataclass(frozen=True)
class Reference:
    """What the database says about one table or view."""

    name: str
    comment: str | None
    columns: tuple[tuple[str, str | None], ...]


def read_reference(connection: duckdb.DuckDBPyConnection) -> dict[str, Reference]:
    """Every table and view of the current database with its comment and its columns' comments."""
    objects = connection.execute(
        """
        SELECT table_name, comment FROM duckdb_tables()
        WHERE database_name = current_database() AND schema_name = 'main'
        UNION ALL
        SELECT view_name, comment FROM duckdb_views()
        WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal
        """
    ).fetchall()
    columns: dict[str, list[tuple[str, str | None]]] = {}
    for table, column, comment in connection.execute(
        """
        SELECT table_name, column_name, comment FROM duckdb_columns()
        WHERE database_name = current_database() AND schema_name = 'main'
        ORDER BY table_name, column_index
        """
    ).fetchall():
        columns.setdefault(table, []).append((column, comment))
    return {name: Reference(name, comment, tuple(columns.get(name, []))) for name, comment in objects}


def section_block(reference: Reference) -> list[str]:
    """The generated lines under a section's heading: blank, comment paragraphs, blank, column table."""
    lines = [""]
    for paragraph in (reference.comment or "(no comment)").split("\n\n"):
        lines += textwrap.wrap(paragraph, _WIDTH, break_long_words=False, break_on_hyphens=False)
        lines.append("")
    lines += ["| Column | Meaning |", "|---|---|"]
    lines += [f"| `{column}` | {comment or '(no comment)'} |" for column, comment in reference.columns]
    return lines


def render(doc: str, references: dict[str, Reference]) -> str:
    """``doc`` with every section's generated block replaced by what ``references`` say."""
    lines = doc.splitlines()
    documented = [match.group(1) for line in lines if (match := _HEADING.match(line))]
    undocumented = sorted(set(references) - set(documented))
    unknown = sorted(set(documented) - set(references))
    if undocumented or unknown:
        problems = []
        if undocumented:
            problems.append(f"no section for {', '.join(undocumented)}")
        if unknown:
            problems.append(f"sections for what the database lacks: {', '.join(unknown)}")
        raise CapgraphError(
            "; ".join(problems),
            subject=str(DOC_PATH.name),
            hint="add or remove the ### `name` headings, then run python -m warehouse.docs",
        )
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        out.append(line)
        index += 1
        match = _HEADING.match(line)
        if match is None:
            continue
        index = _end_of_generated_block(lines, index)
        out += section_block(references[match.group(1)])
    return "\n".join(out) + "\n"


def _end_of_generated_block(lines: list[str], start: int) -> int:
    """The index just past the section's column table (the generated block ends with it)."""
    index = start
    while index < len(lines) and not lines[index].startswith("| Column |"):
        if _HEADING.match(lines[index]) or lines[index].startswith("## "):
            raise CapgraphError(
                f"section before line {index + 1} has no column table",
                subject=DOC_PATH.name,
                hint="each ### `name` section needs a '| Column | Meaning |' table",
            )
        index += 1
    while index < len(lines) and lines[index].startswith("|"):
        index += 1
    return index


def fresh_reference() -> dict[str, Reference]:
    """The reference of a newly created warehouse, i.e. of the migrations and ``warehouse.comments``."""
    with tempfile.TemporaryDirectory(prefix="capgraph-docs-") as folder:
        warehouse = Warehouse(Path(folder) / "reference.duckdb")
        with warehouse.writer():
            pass
        warehouse.release()
        with sandboxed(warehouse.path) as connection:
            return read_reference(connection)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    current = DOC_PATH.read_text(encoding="utf-8")
    wanted = render(current, fresh_reference())
    if "--check" in args:
        if wanted != current:
            sys.stderr.write(f"{DOC_PATH} is out of date: run python -m warehouse.docs\n")
            return 1
        return 0
    if wanted != current:
        DOC_PATH.write_text(wanted, encoding="utf-8")
        sys.stdout.write(f"rewrote {DOC_PATH}\n")
    else:
        sys.stdout.write(f"{DOC_PATH} is up to date\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
