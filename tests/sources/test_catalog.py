"""Loading a catalog: entries, overrides and how refs are normalised."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from capgraph.catalog import CatalogEntry, load_catalog
from schemas import Tool
from sources.refs import normalise_ref

CATALOG = """# tools for the team
[[tool]]
ref = "installed:Pydantic_Settings"

[[tool]]
ref = "file:descriptions/quillmark.md"   # next to the catalog
name = "Quillmark"
kind = "Repository"
pricing = "free"
homepage = "https://example.invalid/quillmark"

[[tool]]
ref = "file:/srv/shared/tool.md"
"""


def write_catalog(folder: Path, text: str, name: str = "catalog.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_entries_load_in_file_order_with_overrides(tmp_path):
    path = write_catalog(tmp_path / "conf", CATALOG)

    catalog = load_catalog(path, cwd=tmp_path)

    assert catalog.path == path
    assert catalog.refs == [
        "installed:pydantic-settings",
        f"file:{(tmp_path / 'conf' / 'descriptions' / 'quillmark.md').resolve()}",
        "file:/srv/shared/tool.md",
    ]
    quillmark = catalog.entries[1]
    assert quillmark.name == "Quillmark"
    assert quillmark.kind == "Repository"
    assert quillmark.pricing == "free"
    assert quillmark.homepage == "https://example.invalid/quillmark"
    assert catalog.entries[0].overrides() == {}


def test_relative_file_ref_outside_the_current_directory_becomes_absolute(tmp_path):
    path = write_catalog(tmp_path / "conf", CATALOG)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    catalog = load_catalog(path, cwd=elsewhere)

    assert catalog.refs[1] == f"file:{(tmp_path / 'conf' / 'descriptions' / 'quillmark.md').as_posix()}"


def test_relative_catalog_path_is_read_from_the_current_directory(tmp_path, monkeypatch):
    write_catalog(tmp_path / "conf", CATALOG)
    monkeypatch.chdir(tmp_path)

    catalog = load_catalog(Path("conf/catalog.toml"))

    assert catalog.refs[1] == f"file:{(tmp_path / 'conf' / 'descriptions' / 'quillmark.md').resolve()}"


def test_a_catalog_gives_the_same_ids_from_any_working_directory(tmp_path, monkeypatch):
    path = write_catalog(tmp_path / "conf", CATALOG)
    monkeypatch.chdir(tmp_path)
    from_top = load_catalog(Path("conf/catalog.toml")).refs
    monkeypatch.chdir(tmp_path / "conf")
    from_conf = load_catalog(Path("catalog.toml")).refs

    assert from_top == from_conf == load_catalog(path, cwd=Path("/")).refs


def test_parent_segments_are_folded(tmp_path):
    path = write_catalog(tmp_path / "conf", '[[tool]]\nref = "file:../docs/./tool.md"\n')

    assert load_catalog(path, cwd=tmp_path).refs == [f"file:{(tmp_path / 'docs' / 'tool.md').resolve()}"]


def test_other_schemes_are_kept_as_written(tmp_path):
    path = write_catalog(tmp_path, '[[tool]]\nref = "hf:Org/Model-Name"\n')

    assert load_catalog(path, cwd=tmp_path).refs == ["hf:Org/Model-Name"]


def test_entry_for_finds_by_normalised_ref(tmp_path):
    catalog = load_catalog(write_catalog(tmp_path, CATALOG), cwd=tmp_path)

    assert catalog.entry_for("installed:pydantic-settings") is catalog.entries[0]
    assert catalog.entry_for("installed:duckdb") is None


def tool() -> Tool:
    return Tool(id="file:docs/q.md", name="q", kind="Package", summary="Checks docs.", version="1.2")


def test_apply_overrides_only_what_the_entry_sets():
    entry = CatalogEntry(ref="file:docs/q.md", name="Quillmark", kind="Repository", pricing="free")

    applied = entry.apply(tool())

    assert applied.name == "Quillmark"
    assert applied.kind == "Repository"
    assert applied.pricing == "free"
    assert applied.summary == "Checks docs."
    assert applied.version == "1.2"
    assert applied.homepage is None


def test_apply_without_overrides_returns_an_equal_tool():
    assert CatalogEntry(ref="file:docs/q.md").apply(tool()) == tool()


def test_entry_is_strict():
    with pytest.raises(ValidationError):
        CatalogEntry(ref="installed:duckdb", kind="Library")
    with pytest.raises(ValidationError):
        CatalogEntry(ref="installed:duckdb", colour="blue")
    with pytest.raises(ValidationError):
        CatalogEntry(ref="duckdb")


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("installed:Jinja2", "installed:jinja2"),
        ("pypi:Pydantic_Settings", "pypi:pydantic-settings"),
        ("file:./docs/../docs/a.md", "file:{base}/docs/a.md"),
        ("hf:Org/Model", "hf:Org/Model"),
    ],
)
def test_normalise_ref_matches_what_catalog_entries_hold(tmp_path, written, normalised):
    assert normalise_ref(written, cwd=tmp_path) == normalised.format(base=tmp_path.resolve().as_posix())


def test_normalise_ref_makes_paths_outside_the_current_directory_absolute(tmp_path):
    inside = tmp_path / "work"
    inside.mkdir()

    assert normalise_ref("file:../notes.md", cwd=inside) == f"file:{(tmp_path / 'notes.md').as_posix()}"
