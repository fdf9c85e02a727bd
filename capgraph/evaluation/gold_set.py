"""Load and check a gold set: a folder (searched recursively) of ``<id>.toml`` files, each naming the
description beside it.

Every problem in every file is collected before anything runs, so one ``capgraph eval --check`` lists
them all: TOML that does not parse, fields the format lacks, a document that is missing or that
capgraph cannot read, a quote that does not occur in the document's visible text, a competitor that is
not in the set.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from capgraph.evaluation.visible import locate, visible
from schemas import CapgraphError, GoldSetError
from schemas.gold import GOLD_ID, GoldTool
from sources.file import FileSource

_MAX_GOLD_DOCUMENT_BYTES = 1_000_000


@dataclass(frozen=True)
class GoldEntry:
    """One checked gold tool: its id, its gold, its description's path and visible text."""

    id: str
    gold: GoldTool
    gold_path: Path
    document_path: Path
    document_text: str
    """The document as capgraph stores it: evidence offsets point into this."""
    document_visible: str

    @property
    def ref(self) -> str:
        return f"file:{self.document_path}"


@dataclass(frozen=True)
class GoldSet:
    """Every gold tool of a folder, by id, in a stable (sorted) order."""

    root: Path
    entries: tuple[GoldEntry, ...]

    def by_id(self) -> dict[str, GoldEntry]:
        return {entry.id: entry for entry in self.entries}


def load_gold_set(root: Path) -> GoldSet:
    """The gold set under ``root``; raises one ``GoldSetError`` listing every problem found."""
    if not root.exists():
        raise GoldSetError("no such gold set", subject=str(root), hint="give a folder of <id>.toml files")
    files = [root] if root.is_file() else sorted(root.rglob("*.toml"))
    if not files:
        raise GoldSetError("holds no .toml gold files", subject=str(root), hint="see docs/gold-format.md")
    problems: list[str] = []
    entries: list[GoldEntry] = []
    for path in files:
        entry = _load_entry(path, problems)
        if entry is not None:
            entries.append(entry)
    ids = [entry.id for entry in entries]
    for entry in entries:
        for other in entry.gold.competitors:
            if other == entry.id:
                problems.append(f"{_shown(entry.gold_path)}: lists itself as a competitor")
            elif other not in ids and not root.is_file():
                problems.append(f"{_shown(entry.gold_path)}: competitor {other!r} is not in the set")
    if problems:
        listing = "; ".join(problems[:20]) + (
            f"; and {len(problems) - 20} more" if len(problems) > 20 else ""
        )
        raise GoldSetError(
            f"{len(problems)} problem(s): {listing}", subject=str(root), hint="see docs/gold-format.md"
        )
    return GoldSet(root=root, entries=tuple(sorted(entries, key=lambda entry: entry.id)))


def _load_entry(path: Path, problems: list[str]) -> GoldEntry | None:
    shown = _shown(path)
    if not GOLD_ID.match(path.stem):
        problems.append(f"{shown}: the file name must be a lowercase id (letters, digits, dashes)")
        return None
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        gold = GoldTool.model_validate(raw)
    except tomllib.TOMLDecodeError as error:
        problems.append(f"{shown}: not valid TOML ({error})")
        return None
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "file"
        problems.append(f"{shown}: {where}: {first['msg']}")
        return None
    except OSError as error:
        problems.append(f"{shown}: cannot be read ({error.strerror})")
        return None
    document_path = (path.parent / gold.document).resolve()
    try:
        fetched = FileSource(max_bytes=_MAX_GOLD_DOCUMENT_BYTES).fetch(f"file:{document_path}")
    except CapgraphError as error:
        problems.append(f"{shown}: document {gold.document}: {error.message}")
        return None
    document_visible = visible(fetched.document.text)
    quotes = [junk.quote for junk in gold.junk]
    for record in gold.records:
        quotes += [
            quote for quote in (record.quote, *record.also, record.unique, record.vs_alternatives) if quote
        ]
    for quote in quotes:
        if locate(quote, document_visible) is None:
            problems.append(f"{shown}: quote not in {gold.document}: {quote[:60]!r}")
    return GoldEntry(
        id=path.stem,
        gold=gold,
        gold_path=path,
        document_path=document_path,
        document_text=fetched.document.text,
        document_visible=document_visible,
    )


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
