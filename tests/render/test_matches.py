"""Match-graph facts on the comparison page: the shared-and-distinct part and the labelled graph fact."""

from __future__ import annotations

import pytest

from render import build_comparison, comparison_to_html, comparison_to_markdown, render_html, render_markdown
from render.matches import PairMatch, SharedPair
from schemas import TerminalError
from tests.render.factories import capability, etl_library, vector_database
from tests.render.matching import vector_vs_etl_match
from tests.render.page_reading import (
    PAGE_FORMATS,
    block_texts,
    html_to_tree,
    markdown_to_tree,
    render_tree,
    section_texts,
)

OVERLAP = "Shared and distinct capabilities"


def headings(tree, tag: str) -> list[str]:
    return [element.text_content() for element in tree.iter(tag)]


@pytest.mark.parametrize("page_format", PAGE_FORMATS)
def test_shared_and_distinct_part_sits_before_the_verdict(page_format):
    tree = render_tree(page_format, vector_database(), etl_library(), match=vector_vs_etl_match())

    assert headings(tree, "h2") == ["Quillvec Capabilities", "Pipewright Capabilities", OVERLAP, "Verdict"]
    assert section_texts(tree, OVERLAP) == [
        "Match graph similarity of Quillvec and Pipewright: 63%.",
        "Both offer (Quillvec ≈ Pipewright):",
        "“Snapshot export” ≈ “Incremental loads” (72% similar)",
        "Only Quillvec offers:",
        "Approximate nearest-neighbour search",
        "Metadata filters",
        "Only Pipewright offers:",
        "Schema drift alerts",
    ]


@pytest.mark.parametrize("page_format", PAGE_FORMATS)
def test_unknown_similarity_and_empty_lists_are_said_plainly(page_format):
    match = PairMatch(similarity=None, only_right=("Incremental loads",))
    tree = render_tree(page_format, vector_database(), etl_library(), match=match)

    assert section_texts(tree, OVERLAP) == [
        "Match graph similarity of Quillvec and Pipewright: not computed.",
        "Both offer (Quillvec ≈ Pipewright):",
        "None.",
        "Only Quillvec offers:",
        "None.",
        "Only Pipewright offers:",
        "Incremental loads",
    ]


@pytest.mark.parametrize("page_format", PAGE_FORMATS)
def test_shared_capability_without_a_stated_comparison_shows_the_labelled_graph_fact(page_format):
    tree = render_tree(page_format, vector_database(), etl_library(), match=vector_vs_etl_match())

    left = section_texts(tree, "Quillvec Capabilities")
    snapshot = left.index("Snapshot export")
    assert left[snapshot + 3] == (
        "vs alternatives: not stated in the source; "
        "match graph: closest to Pipewright's “Incremental loads” (72% similar)"
    )
    # Not shared, so still plainly not stated.
    filters = left.index("Metadata filters")
    assert left[filters + 3] == "vs alternatives: not stated in the source"
    # Shared, but its source states a comparison: the source wins and no graph fact is added.
    right = section_texts(tree, "Pipewright Capabilities")
    loads = right.index("Incremental loads")
    assert right[loads + 3] == "vs alternatives: Avoids the full reloads that simple copy scripts perform."


def test_graph_fact_names_the_most_similar_of_several_partners():
    left = vector_database(capabilities=[capability("Bulk import")])
    right = etl_library()
    pairs = tuple(
        SharedPair(
            left_ordinal=0, left_title="Bulk import", right_ordinal=ordinal, right_title=title, similarity=s
        )
        for ordinal, title, s in ((0, "Incremental loads", 0.41), (1, "Schema drift alerts", 0.58))
    )
    page = build_comparison(left, right, match=PairMatch(similarity=0.5, shared=pairs))

    assert (
        page.sections[0]
        .capabilities[0]
        .vs_alternatives.endswith("closest to Pipewright's “Schema drift alerts” (58% similar)")
    )
    # The right side's records point back at the left one.
    assert (
        page.sections[1]
        .capabilities[1]
        .vs_alternatives.endswith("closest to Quillvec's “Bulk import” (58% similar)")
    )


def test_without_a_match_the_page_is_unchanged():
    left, right = vector_database(), etl_library()
    for renderer in (render_markdown, render_html):
        plain = renderer(left, right)
        assert renderer(left, right, match=None) == plain
        assert OVERLAP not in plain
        assert "match graph" not in plain


def test_formats_agree_with_a_match():
    page = build_comparison(vector_database(), etl_library(), match=vector_vs_etl_match())

    markdown_blocks = block_texts(markdown_to_tree(comparison_to_markdown(page)))
    assert markdown_blocks == block_texts(html_to_tree(comparison_to_html(page)))
    assert OVERLAP in markdown_blocks


def test_hostile_titles_in_the_match_stay_text_in_markdown():
    evil = "1. <script>x</script> | *y*"
    left = vector_database(capabilities=[capability(evil)])
    match = PairMatch(similarity=0.2, only_left=(evil,))
    tree = render_tree("markdown", left, etl_library(), match=match)

    assert list(tree.iter("script")) == []
    assert list(tree.iter("ol")) == []
    assert section_texts(tree, OVERLAP)[4] == evil


def test_flipped_match_describes_the_same_page_from_the_other_side():
    match = vector_vs_etl_match()
    page = build_comparison(etl_library(), vector_database(), match=match.flipped())

    assert page.overlap.groups[1].intro == "Only Pipewright offers:"
    assert page.overlap.groups[1].items == ("Schema drift alerts",)
    assert page.overlap.groups[0].items == ("“Incremental loads” ≈ “Snapshot export” (72% similar)",)
    assert match.flipped().flipped() == match


@pytest.mark.parametrize(
    ("match", "problem"),
    [
        (
            PairMatch(
                similarity=0.5,
                shared=(
                    SharedPair(
                        left_ordinal=7, left_title="Ghost", right_ordinal=0, right_title="x", similarity=0.5
                    ),
                ),
            ),
            "capability #7 does not exist (the tool has 3)",
        ),
        (
            PairMatch(
                similarity=0.5,
                shared=(
                    SharedPair(
                        left_ordinal=0,
                        left_title="Metadata filters",
                        right_ordinal=0,
                        right_title="Incremental loads",
                        similarity=0.5,
                    ),
                ),
            ),
            "capability #0 is 'Approximate nearest-neighbour search', not 'Metadata filters'",
        ),
        (PairMatch(similarity=0.5, only_left=("Teleportation",)), "no capability titled 'Teleportation'"),
    ],
)
def test_a_match_that_does_not_fit_the_profiles_is_one_clear_line(match, problem):
    with pytest.raises(TerminalError) as caught:
        render_html(vector_database(), etl_library(), match=match)

    error = caught.value
    assert error.subject == "pypi:quillvec"
    assert problem in str(error)
    assert "stale" in str(error)
    assert error.hint
    assert "\n" not in str(error)


def test_something_other_than_a_match_is_named():
    with pytest.raises(TerminalError) as caught:
        render_markdown(vector_database(), etl_library(), match={"similarity": 0.5})

    assert caught.value.subject == "match"
    assert "got dict" in str(caught.value)


def test_similarity_outside_zero_to_one_is_rejected_where_matches_are_made():
    with pytest.raises(ValueError, match="similarity"):
        PairMatch(similarity=1.5)
