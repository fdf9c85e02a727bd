"""add_to_catalog appends new refs as text: existing content and comments stay byte for byte."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from capgraph.catalog import CatalogEntry, add_to_catalog, load_catalog
from schemas import CatalogError

EXISTING = """# Team catalog: keep this comment
[[tool]]
ref = "installed:duckdb"   # the warehouse
kind = "Package"

# more to come"""


@pytest.fixture
def catalog_path(tmp_path: Path) -> Path:
    path = tmp_path / "conf" / "catalog.toml"
    path.parent.mkdir()
    path.write_text(EXISTING, encoding="utf-8")
    return path


def test_new_refs_are_appended_and_existing_text_is_kept(catalog_path, tmp_path):
    added = add_to_catalog(
        catalog_path,
        ["installed:rich", CatalogEntry(ref="installed:typer", name="Typer CLI", kind="Package")],
        cwd=tmp_path,
    )

    text = catalog_path.read_text(encoding="utf-8")
    assert text.startswith(EXISTING + "\n")
    assert [entry.ref for entry in added] == ["installed:rich", "installed:typer"]
    catalog = load_catalog(catalog_path, cwd=tmp_path)
    assert catalog.refs == ["installed:duckdb", "installed:rich", "installed:typer"]
    assert catalog.entries[2].name == "Typer CLI"


def test_refs_already_present_are_skipped(catalog_path, tmp_path):
    added = add_to_catalog(
        catalog_path, ["installed:DuckDB", "installed:rich", "installed:Rich"], cwd=tmp_path
    )

    assert [entry.ref for entry in added] == ["installed:rich"]
    assert load_catalog(catalog_path, cwd=tmp_path).refs == ["installed:duckdb", "installed:rich"]


def test_nothing_new_leaves_the_file_untouched(catalog_path, tmp_path):
    assert add_to_catalog(catalog_path, ["installed:duckdb"], cwd=tmp_path) == []
    assert catalog_path.read_text(encoding="utf-8") == EXISTING


def test_file_refs_are_written_relative_to_the_catalog_folder(catalog_path, tmp_path):
    added = add_to_catalog(catalog_path, ["file:docs/tool.md", "file:conf/notes/local.md"], cwd=tmp_path)

    written = tomllib.loads(catalog_path.read_text(encoding="utf-8"))["tool"]
    assert [table["ref"] for table in written[1:]] == ["file:../docs/tool.md", "file:notes/local.md"]
    # Read back from the catalog's folder, they name the same files as the refs given.
    base = tmp_path.resolve()
    expected = [f"file:{base / 'docs' / 'tool.md'}", f"file:{base / 'conf' / 'notes' / 'local.md'}"]
    assert [entry.ref for entry in added] == expected
    assert load_catalog(catalog_path, cwd=tmp_path).refs[1:] == expected


def test_existing_file_ref_is_recognised_from_the_current_directory(tmp_path):
    path = tmp_path / "conf" / "catalog.toml"
    path.parent.mkdir()
    path.write_text('[[tool]]\nref = "file:notes/local.md"\n', encoding="utf-8")

    assert add_to_catalog(path, ["file:./conf/notes/local.md"], cwd=tmp_path) == []


def test_values_needing_escapes_survive(catalog_path, tmp_path):
    add_to_catalog(
        catalog_path, [CatalogEntry(ref='file:docs/odd "name"\\x.md', name="Ünïcode\ttool")], cwd=tmp_path
    )

    entry = load_catalog(catalog_path, cwd=tmp_path).entries[-1]
    assert entry.name == "Ünïcode\ttool"
    # Backslashes are path separators in file: refs, as the file source reads them.
    assert entry.ref == f'file:{tmp_path.resolve()}/docs/odd "name"/x.md'


def test_missing_catalog_is_created_with_a_header(tmp_path):
    path = tmp_path / "new.toml"

    add_to_catalog(path, ["installed:duckdb"], cwd=tmp_path)

    assert path.read_text(encoding="utf-8").startswith("# capgraph catalog")
    assert load_catalog(path, cwd=tmp_path).refs == ["installed:duckdb"]


def test_broken_catalog_is_not_appended_to(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("[[tool]\n", encoding="utf-8")

    with pytest.raises(CatalogError, match="not valid TOML"):
        add_to_catalog(path, ["installed:duckdb"], cwd=tmp_path)

    assert path.read_text(encoding="utf-8") == "[[tool]\n"


def test_a_string_that_is_not_a_ref_is_refused(catalog_path, tmp_path):
    with pytest.raises(CatalogError, match="not a tool ref"):
        add_to_catalog(catalog_path, ["duckdb"], cwd=tmp_path)

    assert catalog_path.read_text(encoding="utf-8") == EXISTING
