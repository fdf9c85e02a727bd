"""Every malformed catalog is a one-line CatalogError that names the file and, where it can, the entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from capgraph.catalog import load_catalog
from schemas import CatalogError


def refusal(tmp_path: Path, text: str | bytes) -> CatalogError:
    path = tmp_path / "catalog.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog(path, cwd=tmp_path)
    error = caught.value
    assert error.subject == str(path)
    assert "\n" not in str(error)
    return error


def test_missing_file(tmp_path):
    path = tmp_path / "nowhere.toml"

    with pytest.raises(CatalogError) as caught:
        load_catalog(path)

    assert caught.value.subject == str(path)
    assert caught.value.message == "catalog file not found"
    assert "CAPGRAPH_CATALOG" in caught.value.hint


def test_directory(tmp_path):
    with pytest.raises(CatalogError, match="is a directory"):
        load_catalog(tmp_path)


def test_toml_syntax_error_names_line_and_column(tmp_path):
    error = refusal(tmp_path, '# ok\n[[tool]]\nref "installed:duckdb"\n')

    assert error.message.startswith("is not valid TOML:")
    assert "line 3, column 5" in error.message


def test_invalid_utf8(tmp_path):
    error = refusal(tmp_path, b'[[tool]]\nref = "installed:caf\xe9"\n')

    assert "not valid UTF-8" in error.message


@pytest.mark.parametrize("text", ["", "# only a comment\n", "tool = []\n"])
def test_empty_catalog(tmp_path, text):
    error = refusal(tmp_path, text)

    assert error.message == "lists no tools"
    assert "[[tool]]" in error.hint


def test_missing_ref_names_the_entry(tmp_path):
    error = refusal(tmp_path, '[[tool]]\nref = "installed:duckdb"\n\n[[tool]]\nname = "Nameless"\n')

    assert error.message == "entry 2 has no ref"


def test_unknown_key_suggests_the_right_one(tmp_path):
    error = refusal(tmp_path, '[[tool]]\nref = "installed:duckdb"\nknid = "Package"\n')

    assert error.message == "entry 1 (installed:duckdb) has unknown key 'knid'"
    assert "did you mean 'kind'?" in error.hint


def test_unknown_top_level_key(tmp_path):
    error = refusal(tmp_path, 'title = "mine"\n[[tool]]\nref = "installed:duckdb"\n')

    assert "unknown top-level key 'title'" in error.message


def test_tool_as_a_single_table(tmp_path):
    error = refusal(tmp_path, '[tool]\nref = "installed:duckdb"\n')

    assert "not a list of tables" in error.message
    assert "[[tool]]" in error.hint


@pytest.mark.parametrize(
    ("field", "value", "allowed"),
    [("kind", "Library", "Model, Dataset, Repository, Package, Service"), ("pricing", "cheap", "free, paid")],
)
def test_bad_kind_or_pricing_names_entry_ref_and_choices(tmp_path, field, value, allowed):
    text = f'[[tool]]\nref = "installed:duckdb"\n\n[[tool]]\nref = "installed:rich"\n{field} = "{value}"\n'

    error = refusal(tmp_path, text)

    assert error.message == f"entry 2 (installed:rich) has a bad {field}: '{value}'"
    assert allowed in error.hint


def test_wrong_type_is_not_coerced(tmp_path):
    error = refusal(tmp_path, '[[tool]]\nref = "installed:duckdb"\nname = 42\n')

    assert error.message == "entry 1 (installed:duckdb) has a bad name: 42"


def test_ref_without_a_scheme(tmp_path):
    error = refusal(tmp_path, '[[tool]]\nref = "duckdb"\n')

    assert error.message == "entry 1 (duckdb) has a bad ref: 'duckdb'"
    assert "SCHEME:NAME" in error.hint


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("installed:duckdb", "installed:duckdb"),
        ("installed:Jinja2", "installed:jinja2"),
        ("file:docs/a.md", "file:./docs/../docs/a.md"),
    ],
)
def test_duplicate_refs_name_both_entries(tmp_path, first, second):
    text = f'[[tool]]\nref = "installed:rich"\n[[tool]]\nref = "{first}"\n[[tool]]\nref = "{second}"\n'

    error = refusal(tmp_path, text)

    assert error.message.startswith("entries 2 and 3 both list ")
