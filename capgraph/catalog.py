"""The catalog: a TOML file listing the tool refs to ingest, each with optional overrides.

```toml
[[tool]]
ref = "file:descriptions/quillmark.md"
name = "Quillmark"
kind = "Repository"   # Model | Dataset | Repository | Package | Service
pricing = "free"      # free | paid | freemium | unknown
```

Refs are normalised on load so a tool's id does not depend on how it was written or where capgraph
runs: ``installed:`` names take their PEP 503 form, and a ``file:`` path becomes the file's absolute
path with symlinks resolved, a relative one starting at the catalog's own folder (so the catalog gives
the same ids from any directory).
``add_to_catalog`` appends entries as text, so a catalog's comments and layout survive it.
"""

from __future__ import annotations

import difflib
import json
import os
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from schemas import CatalogError, Pricing, Tool, ToolKind
from schemas.models import TOOL_ID_PATTERN
from sources.refs import canonical_distribution_name, normalise_ref

CATALOG_HEADER = "# capgraph catalog: one [[tool]] per tool; relative file: paths start at this folder.\n"
_OVERRIDES = ("name", "kind", "pricing", "homepage")


class CatalogEntry(BaseModel):
    """One ``[[tool]]`` table: the ref to fetch and what to say instead of what the source says."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True, frozen=True)

    ref: Annotated[str, Field(pattern=TOOL_ID_PATTERN, max_length=500)]
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    kind: ToolKind | None = None
    pricing: Pricing | None = None
    homepage: Annotated[str, Field(min_length=1, max_length=2000)] | None = None

    def overrides(self) -> dict[str, str]:
        return {key: value for key in _OVERRIDES if (value := getattr(self, key)) is not None}

    def apply(self, tool: Tool) -> Tool:
        """``tool`` with this entry's overrides in place, validated as a new ``Tool``."""
        return Tool.model_validate({**tool.model_dump(), **self.overrides()})


class Catalog(BaseModel):
    """A loaded catalog: its file and its entries in file order, refs normalised."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: Path
    entries: list[CatalogEntry]

    @property
    def refs(self) -> list[str]:
        return [entry.ref for entry in self.entries]

    def entry_for(self, ref: str) -> CatalogEntry | None:
        return next((entry for entry in self.entries if entry.ref == ref), None)


def load_catalog(path: Path, *, cwd: Path | None = None) -> Catalog:
    """Read and check the catalog at ``path``; every problem is a ``CatalogError`` naming the file."""
    cwd = (cwd or Path.cwd()).absolute()
    entries = _read_entries(path, cwd)
    if not entries:
        raise CatalogError(
            "lists no tools", subject=str(path), hint='add a [[tool]] table with ref = "installed:NAME"'
        )
    return Catalog(path=path, entries=entries)


def add_to_catalog(
    path: Path, entries: Iterable[CatalogEntry | str], *, cwd: Path | None = None
) -> list[CatalogEntry]:
    """Append the entries whose refs the catalog lacks (creating the file if needed); keeps the
    existing text, comments included. ``file:`` refs are read relative to ``cwd`` and written
    relative to the catalog's folder. Returns the entries added, refs normalised as ``load_catalog``
    would."""
    cwd = (cwd or Path.cwd()).absolute()
    location = cwd / path
    existing_text = _read_text(path, location) if location.exists() else ""
    known = {entry.ref for entry in _read_entries(path, cwd)} if existing_text else set()
    added: list[CatalogEntry] = []
    blocks: list[str] = []
    for item in entries:
        entry = _new_entry(item, path)
        normalised = normalise_ref(entry.ref, base=cwd, cwd=cwd)
        if normalised in known:
            continue
        known.add(normalised)
        added.append(entry.model_copy(update={"ref": normalised}))
        written = _ref_for_catalog(entry.ref, catalog_folder=location.parent, cwd=cwd)
        blocks.append(_toml_block(entry.model_copy(update={"ref": written})))
    if not added:
        return []
    text = existing_text or CATALOG_HEADER
    if not text.endswith("\n"):
        text += "\n"
    _write_atomically(location, text + "".join(blocks))
    return added


def _new_entry(item: CatalogEntry | str, path: Path) -> CatalogEntry:
    if isinstance(item, CatalogEntry):
        return item
    try:
        return CatalogEntry(ref=item)
    except ValidationError:
        raise CatalogError(
            f"cannot add {item!r}: not a tool ref",
            subject=str(path),
            hint="write refs as SCHEME:NAME, e.g. installed:duckdb or file:docs/tool.md",
        ) from None


def _read_entries(path: Path, cwd: Path) -> list[CatalogEntry]:
    subject = str(path)
    location = cwd / path
    try:
        document = tomllib.loads(_read_text(path, location))
    except tomllib.TOMLDecodeError as error:
        raise CatalogError(
            f"is not valid TOML: {error}", subject=subject, hint="fix the syntax at that line"
        ) from None
    unknown = sorted(set(document) - {"tool"})
    if unknown:
        raise CatalogError(
            f"has unknown top-level key {unknown[0]!r}",
            subject=subject,
            hint="a catalog holds only [[tool]] tables",
        )
    tables = document.get("tool", [])
    if not isinstance(tables, list) or not all(isinstance(table, dict) for table in tables):
        raise CatalogError(
            "'tool' is not a list of tables", subject=subject, hint="write each entry under its own [[tool]]"
        )
    folder = location.parent
    entries: list[CatalogEntry] = []
    first_seen: dict[str, int] = {}
    for number, table in enumerate(tables, start=1):
        entry = _entry(table, number, subject)
        entry = entry.model_copy(update={"ref": normalise_ref(entry.ref, base=folder, cwd=cwd)})
        if entry.ref in first_seen:
            raise CatalogError(
                f"entries {first_seen[entry.ref]} and {number} both list {entry.ref}",
                subject=subject,
                hint="keep one of them",
            )
        first_seen[entry.ref] = number
        entries.append(entry)
    return entries


def _read_text(path: Path, location: Path) -> str:
    subject = str(path)
    try:
        return location.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogError(
            "catalog file not found", subject=subject, hint="pass --catalog PATH or set CAPGRAPH_CATALOG"
        ) from None
    except IsADirectoryError:
        raise CatalogError("is a directory, not a catalog file", subject=subject) from None
    except PermissionError:
        raise CatalogError("is not readable (permission denied)", subject=subject) from None
    except UnicodeDecodeError as error:
        raise CatalogError(
            f"is not valid UTF-8 (byte offset {error.start})", subject=subject, hint="save it as UTF-8"
        ) from None


def _entry(table: dict[str, Any], number: int, subject: str) -> CatalogEntry:
    ref = table.get("ref")
    label = f"entry {number} ({ref})" if isinstance(ref, str) and ref.strip() else f"entry {number}"
    if "ref" not in table:
        raise CatalogError(
            f"{label} has no ref", subject=subject, hint='add ref = "installed:NAME" or ref = "file:PATH"'
        )
    allowed = ("ref", *_OVERRIDES)
    for key in table:
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1)
            guess = f"did you mean {close[0]!r}? " if close else ""
            raise CatalogError(
                f"{label} has unknown key {key!r}",
                subject=subject,
                hint=f"{guess}allowed keys: {', '.join(allowed)}",
            )
    try:
        return CatalogEntry.model_validate(table)
    except ValidationError as error:
        problem = error.errors()[0]
        field = str(problem["loc"][0]) if problem["loc"] else "entry"
        raise CatalogError(
            f"{label} has a bad {field}: {problem['input']!r}",
            subject=subject,
            hint=_field_hint(field, problem["msg"]),
        ) from None


def _field_hint(field: str, message: str) -> str:
    if field == "kind":
        return f"kind must be one of {', '.join(get_args(ToolKind))}"
    if field == "pricing":
        return f"pricing must be one of {', '.join(get_args(Pricing))}"
    if field == "ref":
        return "write refs as SCHEME:NAME, e.g. installed:duckdb or file:descriptions/tool.md"
    return message


def _ref_for_catalog(ref: str, *, catalog_folder: Path, cwd: Path) -> str:
    """A ``file:`` ref given relative to ``cwd`` rewritten relative to the catalog's folder."""
    scheme, _, rest = ref.partition(":")
    if scheme in ("installed", "pypi"):
        return f"{scheme}:{canonical_distribution_name(rest)}"
    if scheme != "file" or Path(rest.strip()).expanduser().is_absolute():
        return ref
    target = os.path.normpath(cwd / rest.strip())
    return f"file:{Path(os.path.relpath(target, catalog_folder)).as_posix()}"


def _toml_block(entry: CatalogEntry) -> str:
    lines = ["", "[[tool]]", f"ref = {_toml_string(entry.ref)}"]
    lines += [f"{key} = {_toml_string(value)}" for key, value in entry.overrides().items()]
    return "\n".join(lines) + "\n"


def _toml_string(value: str) -> str:
    # Every escape json.dumps produces (\" \\ \n \t \uXXXX ...) is also a TOML basic-string escape.
    return json.dumps(value)


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
