"""The harness's arithmetic on records built by hand: one-to-one matching, the overlap rule, junk, p@3."""

from __future__ import annotations

from pathlib import Path

from capgraph.evaluation.gold_set import load_gold_set
from capgraph.evaluation.scoring import StoredTool, score_tool
from schemas import Capability, Evidence
from schemas.evaluation import EvalRun, EvalToolResult

FIXTURE = Path(__file__).parent / "fixtures" / "gold"
SALTMARSH = load_gold_set(FIXTURE).by_id()["saltmarsh"]


def record(title: str, *quotes: str, grounded: bool = True, unique: str = "not stated") -> Capability:
    return Capability(
        title=title,
        description=title,
        unique=unique,
        evidence=[Evidence(quote=quote) for quote in quotes],
        grounded=grounded,
    )


def scored(*records: Capability, alternatives: tuple[str, ...] = (), competitors: tuple[str, ...] = ()):
    stored = StoredTool(tool_id="file:/x", name="Saltmarsh", capabilities=records, alternatives=alternatives)
    return score_tool(SALTMARSH, stored, competitors)


def test_records_quoting_gold_passages_match_even_with_markup_or_in_part() -> None:
    result = scored(
        record("Dedup", "**Deduplicates** photos by perceptual hash"),  # markup kept, first half only
        record("Rename", "Renames files from their EXIF capture date with a template you choose."),
    )
    assert (result.stored, result.gold, result.matched) == (2, 3, 2)
    assert result.missed == ["Sidecar files follow their photos"]
    assert result.extra == []


def test_a_duplicate_record_is_one_hit_and_one_extra() -> None:
    result = scored(
        record("Dedup", "Deduplicates photos by perceptual hash, so resized copies are found too."),
        record("Dedup again", "so resized copies are found too"),
    )
    assert result.matched == 1 and result.extra == ["Dedup again"]


def test_a_quote_overlapping_less_than_half_of_the_shorter_span_does_not_match() -> None:
    # Its first 15 characters end the sidecar bullet; the other 30 are the install section.
    result = scored(record("Straddle", "they belong to. Install pip install saltmarsh"))
    assert result.matched == 0 and result.junk == 0
    assert result.extra == ["Straddle"]


def test_a_record_resting_on_a_junk_passage_is_junk_not_extra() -> None:
    result = scored(
        record("User guide", "Read the user guide for every option."), record("Pip", "pip install")
    )
    assert result.junk == 2 and result.junk_titles == ["User guide", "Pip"]
    assert result.extra == [] and result.matched == 0


def test_an_evidence_quote_not_in_the_document_is_unlocated() -> None:
    result = scored(record("Invented", "Saltmarsh uploads photos to the cloud.", grounded=False))
    assert (result.unlocated, result.grounded, result.matched) == (1, 0, 0)


def test_alternatives_count_competitor_hits_in_the_top_three() -> None:
    result = scored(alternatives=("quillpad", "fenwick", "other", "fenwick-2"), competitors=("fenwick",))
    assert result.alternatives == ["quillpad", "fenwick", "other"]
    assert (result.competitors, result.competitor_hits) == (1, 1)


def tool(gold_id: str, **counts: int) -> EvalToolResult:
    return EvalToolResult(gold_id=gold_id, tool_id=f"file:/{gold_id}", expected_name=gold_id, **counts)


def test_run_figures_are_micro_averages_and_precision_at_3_is_per_fillable_slot() -> None:
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    run = EvalRun(
        eval_id="e",
        started_at=now,
        finished_at=now,
        gold_root="/g",
        extractor="heuristic",
        prompt_version="v",
        tools=[
            tool("a", stored=4, gold=5, matched=3, grounded=4, competitors=1, competitor_hits=1),
            tool("b", stored=6, gold=5, matched=5, grounded=3, competitors=4, competitor_hits=1, junk=1),
            tool("c", stored=0, gold=2),
        ],
    )
    assert run.precision == 8 / 10 and run.recall == 8 / 12
    assert run.grounding_rate == 7 / 10 and run.junk_records == 1
    assert run.precision_at_3 == (1 / 1 + 1 / 3) / 2
    assert run.covered == (2, 3)
    assert run.figures()["f1"] == 2 * 0.8 * (8 / 12) / (0.8 + 8 / 12)


def test_a_record_on_an_also_passage_matches_its_gold_record() -> None:
    from schemas.gold import GoldRecord

    entry = SALTMARSH
    gold = entry.gold.model_copy(
        update={
            "records": [
                GoldRecord(
                    title="Photo library tidying",
                    quote="Deduplicates photos by perceptual hash",
                    also=["a command-line tool for keeping photo libraries in order"],
                )
            ]
        }
    )
    stored = StoredTool(
        tool_id="file:/x",
        name="Saltmarsh",
        capabilities=[
            record("Tagline", "Saltmarsh is a command-line tool for keeping photo libraries in order.")
        ],
        alternatives=(),
    )
    result = score_tool(type(entry)(**{**entry.__dict__, "gold": gold}), stored, ())
    assert result.matched == 1


def test_angle_brackets_in_text_do_not_swallow_what_follows() -> None:
    from capgraph.evaluation.visible import visible

    card = "size_categories:\n- 10K<n<100K\n---\n# Card\n\nAnswers questions.\n\n> a quote\n"
    assert "answers questions." in visible(card)
    assert visible("<b>bold</b> and <a href='x'>link</a>") == "bold and link"
    assert visible("pass country\\_code") == visible("pass country_code")
