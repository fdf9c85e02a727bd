"""Loading a gold set: every quote is checked against the document capgraph stores, every problem listed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from capgraph.evaluation.gold_set import load_gold_set
from schemas import GoldSetError

FIXTURE = Path(__file__).parent / "fixtures" / "gold"


@pytest.fixture
def gold_copy(tmp_path: Path) -> Path:
    target = tmp_path / "gold"
    shutil.copytree(FIXTURE, target)
    return target


def test_the_fixture_set_loads_in_id_order() -> None:
    gold = load_gold_set(FIXTURE)
    assert [entry.id for entry in gold.entries] == ["driftwood", "fenwick", "quillpad", "saltmarsh"]
    assert gold.by_id()["fenwick"].gold.competitors == ["saltmarsh"]


def test_a_quote_written_without_markup_is_found_in_markdown_with_it() -> None:
    # saltmarsh.md has "**Deduplicates** photos"; the gold quotes it as a reader sees it.
    entry = load_gold_set(FIXTURE).by_id()["saltmarsh"]
    assert "**" in entry.document_path.read_text()
    assert "deduplicates photos by perceptual hash" in entry.document_visible


def test_every_problem_is_listed_in_one_line(gold_copy: Path) -> None:
    toml = gold_copy / "fenwick.toml"
    toml.write_text(toml.read_text().replace("browsable HTML contact sheet", "browsable PDF contact sheet"))
    (gold_copy / "quillpad.toml").write_text('document = "quillpad.md"\nname = "Quillpad"\n')
    saltmarsh = gold_copy / "saltmarsh.toml"
    saltmarsh.write_text(saltmarsh.read_text().replace('["fenwick"]', '["nosuchtool"]'))
    with pytest.raises(GoldSetError) as raised:
        load_gold_set(gold_copy)
    line = raised.value.one_line()
    assert "\n" not in line and "3 problem(s)" in line
    assert "fenwick.toml: quote not in fenwick.md: 'It can build a browsable PDF contact sheet" in line
    assert "quillpad.toml: shape: Field required" in line
    assert "competitor 'nosuchtool' is not in the set" in line


def test_a_missing_document_and_broken_toml_are_named(gold_copy: Path) -> None:
    (gold_copy / "fenwick.md").unlink()
    (gold_copy / "quillpad.toml").write_text("document = \n")
    with pytest.raises(GoldSetError) as raised:
        load_gold_set(gold_copy)
    assert "fenwick.toml: document fenwick.md: no such file" in raised.value.message
    assert "quillpad.toml: not valid TOML" in raised.value.message


def test_records_must_agree_with_states_capabilities(gold_copy: Path) -> None:
    toml = gold_copy / "driftwood.toml"
    toml.write_text(toml.read_text().replace("states_capabilities = false", "states_capabilities = true"))
    with pytest.raises(GoldSetError, match="states_capabilities is true but no"):
        load_gold_set(gold_copy)


def test_an_html_document_is_quoted_by_its_visible_text(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(
        "<html><head><title>Kestrel</title></head><body><nav><a href='/'>Home</a></nav><main>"
        "<h1>Kestrel</h1><p>Kestrel <b>watches</b> log files and alerts on patterns you define.</p>"
        "</main></body></html>"
    )
    (tmp_path / "page.toml").write_text(
        'document = "page.html"\nname = "Kestrel"\nshape = "HTML product page"\ncategory = "log monitor"\n'
        '[[records]]\ntitle = "Pattern alerts on log files"\n'
        'quote = "Kestrel watches log files and alerts on patterns you define."\n'
    )
    assert load_gold_set(tmp_path).entries[0].gold.name == "Kestrel"


def test_no_gold_set_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(GoldSetError, match="no such gold set"):
        load_gold_set(tmp_path / "absent")
    with pytest.raises(GoldSetError, match=r"holds no \.toml gold files"):
        load_gold_set(tmp_path)
