"""bench/heuristic.py: its generated documents and its report (not the machine's speed)."""

from __future__ import annotations

import pytest

from bench.heuristic import MAX_BYTES, MIN_BYTES, SHAPES, generated_documents, main
from extractors.heuristic import HeuristicExtractor


def test_generated_documents_are_3_to_10_kb_of_every_shape_and_the_same_on_every_run():
    documents = generated_documents(2 * len(SHAPES))

    assert all(MIN_BYTES <= item.size <= MAX_BYTES for item in documents)
    assert {item.shape for item in documents} == {shape.name for shape in SHAPES}
    assert {item.document.media_type for item in documents} == {"text/markdown", "text/x-rst", "text/plain"}
    assert len({item.document.sha256 for item in documents}) == len(documents)
    again = generated_documents(2 * len(SHAPES))
    assert [item.document.text for item in again] == [item.document.text for item in documents]
    assert generated_documents(3, seed=12)[0].document.text != documents[0].document.text


def test_every_generated_document_states_capabilities_the_heuristic_finds():
    # The bench times real extraction: a shape that gave no record would time a failure path.
    extractor = HeuristicExtractor()

    for item in generated_documents(len(SHAPES)):
        assert extractor.extract(item.document).capabilities, item.shape


def test_the_report_is_a_row_per_shape_and_a_summary_of_the_median_run(capsys):
    assert main(["--documents", str(len(SHAPES)), "--runs", "3"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["shape", "docs", "mean", "kB", "ms/doc", "docs/s"]
    assert [line.split()[0] for line in lines[1 : 1 + len(SHAPES)]] == [
        shape.name.split()[0] for shape in SHAPES
    ]
    summary = lines[-1]
    assert f"{len(SHAPES)} documents" in summary
    assert "median of 3 runs" in summary
    assert "documents/s" in summary and "kB/s" in summary
    assert "documents without a record: 0" in summary


def test_a_gold_folder_is_read_as_file_refs_read_it(tmp_path, capsys):
    (tmp_path / "ferryman.md").write_text(
        "# Ferryman\n\n- **Tide-aware plans**: schedules each crossing inside its tidal window.\n",
        encoding="utf-8",
    )
    (tmp_path / "harbour.html").write_text(
        "<html><head><title>Harbour</title></head><body><main><h1>Harbour</h1>"
        "<p>Harbour assigns berths to arriving boats by length and draught.</p></main></body></html>",
        encoding="utf-8",
    )
    (tmp_path / "ferryman.toml").write_text('name = "ferryman"\n', encoding="utf-8")

    assert main(["--gold", str(tmp_path), "--runs", "1"]) == 0

    out = capsys.readouterr().out
    assert "gold md" in out and "gold html" in out
    assert "2 documents" in out.splitlines()[-1]


@pytest.mark.parametrize("arguments", [["--documents", "0"], ["--runs", "0"]])
def test_a_count_under_one_is_refused_with_exit_code_2(arguments, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(arguments)

    assert stopped.value.code == 2
    assert "must be at least 1" in capsys.readouterr().err
