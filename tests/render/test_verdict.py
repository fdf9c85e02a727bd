"""The verdict, checked against the page's own table: every claim must follow from data shown above it."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from render import ToolScores, VerdictFacts, write_verdict
from render.matches import PairMatch, SharedPair
from schemas import Price
from tests.render.factories import (
    capability,
    etl_library,
    hosted_model,
    text_corpus,
    vector_database,
    with_tool,
)
from tests.render.matching import vector_vs_etl_match
from tests.render.page_reading import PAGE_FORMATS, render_tree, section_texts, table_rows, verdict_text

PRICING_PHRASES = {
    "Free": "is free",
    "Paid": "is paid",
    "Freemium": "has a free tier",
    "Unknown": "has no known pricing",
}
SHARED_PRICING = {
    "Free": "Both are free",
    "Paid": "Both are paid",
    "Freemium": "Both have a free tier",
    "Unknown": "Pricing is unknown for both",
}


def sentences(text: str) -> list[str]:
    return [part for part in re.split(r"(?<=\.)\s+(?=[A-Z])", text) if part]


def read(page_format, left, right, **options):
    tree = render_tree(page_format, left, right, **options)
    return table_rows(tree), verdict_text(tree), (left.tool.name, right.tool.name)


def count_in_table(rows, side: int) -> int:
    match = re.fullmatch(r"(\d+) decomposed", rows["Capabilities"][side])
    assert match, rows["Capabilities"]
    return int(match.group(1))


def expected_count_claim(rows, names) -> str:
    left_count, right_count = count_in_table(rows, 0), count_in_table(rows, 1)
    if left_count == right_count == 0:
        return "neither has any extracted capabilities yet"
    if left_count == right_count:
        noun = "capability" if left_count == 1 else "capabilities"
        return f"each has {left_count} decomposed {noun}"
    (more_name, more), (fewer_name, fewer) = sorted(
        zip(names, (left_count, right_count), strict=True), key=lambda pair: -pair[1]
    )
    noun = "capability" if more == 1 else "capabilities"
    return f"{more_name} has {more} decomposed {noun} to {fewer} for {fewer_name}"


def expected_pricing_claim(rows, names) -> str:
    left, right = rows["Pricing"]
    if left == right:
        return SHARED_PRICING[left]
    return f"{names[0]} {PRICING_PHRASES[left]}, while {names[1]} {PRICING_PHRASES[right]}"


PAIRS = [
    (vector_database, etl_library),
    (hosted_model, text_corpus),
    (etl_library, hosted_model),
    (text_corpus, text_corpus),
    (vector_database, hosted_model),
]


@pytest.mark.parametrize("page_format", PAGE_FORMATS)
@pytest.mark.parametrize(("make_left", "make_right"), PAIRS)
def test_verdict_restates_the_tables_counts_and_pricing(page_format, make_left, make_right):
    left, right = make_left(), make_right()
    if left.tool.id == right.tool.id:
        right = with_tool(right, id="hf:datasets/tidepool-mirror", name="Tidepool Mirror")
    rows, verdict, names = read(page_format, left, right)

    assert 2 <= len(sentences(verdict)) <= 4, verdict
    assert expected_count_claim(rows, names) in verdict
    assert expected_pricing_claim(rows, names) in verdict
    assert rows["Rank"] == ("—", "—")
    assert "Neither tool has a rank yet" in verdict


@pytest.mark.parametrize("page_format", PAGE_FORMATS)
def test_verdict_names_kinds_only_when_they_differ(page_format):
    rows, verdict, _ = read(page_format, hosted_model(), text_corpus())
    assert rows["Type"] == ("Model", "Dataset")
    assert "Orca Mini Chat is a Model and Tidepool Corpus a Dataset" in verdict

    rows, verdict, _ = read(page_format, vector_database(), etl_library())
    assert rows["Type"] == ("Package", "Package")
    assert "Both are Packages" in verdict


@pytest.mark.parametrize("page_format", PAGE_FORMATS)
def test_verdict_compares_starting_prices_as_the_table_shows_them(page_format):
    dearer = with_tool(
        hosted_model(),
        id="hf:orca-labs/orca-large-chat",
        name="Orca Large Chat",
        starting_price=Price(amount=Decimal("0.000003"), unit="prompt token"),
    )
    rows, verdict, _ = read(page_format, dearer, hosted_model())

    assert rows["Starting Price"] == ("$3.00e-06 per prompt token", "$2.50e-07 per prompt token")
    assert "Both are paid" in verdict
    assert (
        "Orca Mini Chat starts lower at $2.50e-07 per prompt token "
        "vs $3.00e-06 per prompt token for Orca Large Chat"
    ) in verdict


def test_verdict_does_not_rank_prices_in_different_units():
    per_image = with_tool(
        hosted_model(),
        id="hf:orca-labs/orca-vision",
        name="Orca Vision",
        starting_price=Price(amount=Decimal("0.01"), unit="image"),
    )
    _, verdict, _ = read("markdown", hosted_model(), per_image)

    assert "starts lower" not in verdict
    assert "$2.50e-07 per prompt token and $1.00e-02 per image" in verdict
    assert "different units" in verdict


def test_verdict_calls_prices_equal_when_the_table_shows_the_same_label():
    nearly = with_tool(
        hosted_model(),
        id="hf:orca-labs/orca-mini-chat-2",
        name="Orca Mini Chat 2",
        starting_price=Price(amount=Decimal("0.000000250001"), unit="prompt token"),
    )
    rows, verdict, _ = read("html", hosted_model(), nearly)

    assert rows["Starting Price"][0] == rows["Starting Price"][1]
    assert f"both start at {rows['Starting Price'][0]}" in verdict


@pytest.mark.parametrize("page_format", PAGE_FORMATS)
def test_verdict_reports_the_grounded_share_only_when_records_are_unverified(page_format):
    _, verdict, _ = read(page_format, vector_database(), hosted_model())
    assert "unverified" not in verdict

    _, verdict, _ = read(page_format, vector_database(), etl_library())
    assert "Evidence was found in the source for 1 of Pipewright's 2 capabilities" in verdict


def test_verdict_reports_both_grounded_shares_when_both_have_unverified_records():
    shaky = vector_database(
        capabilities=[capability("Bulk import", grounded=False), capability("Compaction", grounded=False)]
    )
    _, verdict, _ = read("markdown", shaky, etl_library())

    assert "for 0 of Quillvec's 2 and 1 of Pipewright's 2 capabilities" in verdict


@pytest.mark.parametrize("page_format", PAGE_FORMATS)
@pytest.mark.parametrize(
    ("left_rank", "right_rank", "claim"),
    [
        (72, 40, "Quillvec ranks higher at 72/100 vs Pipewright at 40/100."),
        (12, 55, "Pipewright ranks higher at 55/100 vs Quillvec at 12/100."),
        (30, 30, "Both rank 30/100."),
        (None, 48, "Only Pipewright has a rank so far (48/100); Quillvec has none yet."),
    ],
)
def test_verdict_follows_the_rank_row_once_ranks_exist(page_format, left_rank, right_rank, claim):
    scores = {"pypi:quillvec": ToolScores(rank=left_rank), "pypi:pipewright": ToolScores(rank=right_rank)}
    rows, verdict, _ = read(page_format, vector_database(), etl_library(), scores=scores)

    expected_row = tuple("—" if rank is None else f"{rank}/100" for rank in (left_rank, right_rank))
    assert rows["Rank"] == expected_row
    assert sentences(verdict)[0] == claim


@pytest.mark.parametrize("page_format", PAGE_FORMATS)
def test_verdict_names_the_sub_scores_each_tool_leads_on_as_the_table_shows_them(page_format):
    scores = {
        "pypi:quillvec": ToolScores(rank=60, adoption=80.4, quality=40, ecosystem=50.2, match_graph=None),
        "pypi:pipewright": ToolScores(rank=55, adoption=20, quality=70, ecosystem=49.8, match_graph=10),
    }
    rows, verdict, names = read(page_format, vector_database(), etl_library(), scores=scores)

    leads: dict[str, list[str]] = {names[0]: [], names[1]: []}
    for label in ("Adoption", "Quality", "Ecosystem", "Match Graph"):
        left, right = rows[label]
        if "—" in (left, right) or int(left) == int(right):
            continue
        leads[names[0] if int(left) > int(right) else names[1]].append(label.lower())
    expected = "; ".join(f"{tool} leads on {in_words(found)}" for tool, found in leads.items() if found) + "."
    assert sentences(verdict)[1] == expected
    assert expected == "Quillvec leads on adoption; Pipewright leads on quality."  # ecosystem shows 50 vs 50


def test_write_verdict_is_usable_on_its_own():
    facts = {
        "kind": "Service",
        "rank": None,
        "pricing": "unknown",
        "starting_price": None,
        "capability_count": 1,
        "grounded_count": 1,
    }
    verdict = write_verdict(VerdictFacts(name="Alpha", **facts), VerdictFacts(name="Beta", **facts))

    assert verdict == (
        "Neither tool has a rank yet, so this page names no overall winner.",
        "Both are Services; each has 1 decomposed capability.",
        "Pricing is unknown for both.",
    )


def expected_overlap_claim(tree, names) -> str:
    """The match-graph sentence, re-derived from nothing but the shared-and-distinct part of the page."""
    texts = section_texts(tree, "Shared and distinct capabilities")
    intros = [
        f"Both offer ({names[0]} ≈ {names[1]}):",
        f"Only {names[0]} offers:",
        f"Only {names[1]} offers:",
    ]
    starts = [texts.index(intro) for intro in intros]
    groups = []
    for start, end in zip(starts, [*starts[1:], len(texts)], strict=True):
        items = texts[start + 1 : end]
        groups.append([] if items == ["None."] else items)
    shared, only_left, only_right = groups

    def titles(items: list[str]) -> str:
        quoted = [f"“{item}”" for item in items[:3]]
        listed = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"
        return listed if len(items) <= 3 else f"{len(items)} capabilities, among them {listed}"

    count = len(shared)
    if count == 0:
        claim = f"{names[0]} and {names[1]} share no capabilities in the match graph"
    else:
        claim = f"{names[0]} and {names[1]} share {count} {'capability' if count == 1 else 'capabilities'}"
        claim += " in the match graph"
    only = [
        f"only {name} offers {titles(items)}"
        for name, items in zip(names, (only_left, only_right), strict=True)
        if items
    ]
    return f"{claim}; {', and '.join(only)}." if only else f"{claim}."


MATCHES = {
    "one shared, both sides distinct": vector_vs_etl_match(),
    "nothing shared": PairMatch(similarity=0.05, only_left=("Metadata filters",)),
    "everything shared": PairMatch(
        similarity=0.9,
        shared=tuple(
            SharedPair(left_ordinal=left, left_title=a, right_ordinal=right, right_title=b, similarity=0.8)
            for left, a, right, b in (
                (0, "Approximate nearest-neighbour search", 0, "Incremental loads"),
                (1, "Metadata filters", 1, "Schema drift alerts"),
            )
        ),
    ),
}


@pytest.mark.parametrize("page_format", PAGE_FORMATS)
@pytest.mark.parametrize("case", MATCHES)
def test_verdict_restates_the_shared_and_distinct_part(page_format, case):
    tree = render_tree(page_format, vector_database(), etl_library(), match=MATCHES[case])
    verdict = verdict_text(tree)

    claim = expected_overlap_claim(tree, ("Quillvec", "Pipewright"))
    assert sentences(verdict)[-1] == claim
    # Exactly one sentence more than the same page without the match.
    plain = verdict_text(render_tree(page_format, vector_database(), etl_library()))
    assert verdict == f"{plain} {claim}"


def test_verdict_names_a_few_distinct_titles_and_counts_the_rest():
    many = vector_database(capabilities=[capability(f"Skill {letter}") for letter in "ABCDE"])
    match = PairMatch(similarity=0.1, only_left=tuple(f"Skill {letter}" for letter in "ABCDE"))
    tree = render_tree("html", many, etl_library(), match=match)

    claim = expected_overlap_claim(tree, ("Quillvec", "Pipewright"))
    assert claim.endswith(
        "only Quillvec offers 5 capabilities, among them “Skill A”, “Skill B” and “Skill C”."
    )
    assert verdict_text(tree).endswith(claim)


def in_words(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def test_three_leads_read_as_a_list() -> None:
    scores = {
        "pypi:quillvec": ToolScores(rank=80, adoption=90, quality=90, ecosystem=90, match_graph=10),
        "pypi:pipewright": ToolScores(rank=20, adoption=10, quality=10, ecosystem=10, match_graph=10),
    }
    _, verdict, names = read("md", vector_database(), etl_library(), scores=scores)
    assert sentences(verdict)[1] == f"{names[0]} leads on adoption, quality and ecosystem."
