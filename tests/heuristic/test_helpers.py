"""The building blocks of the heuristic extractor: text trimming, alignment, claims, section kinds."""

from __future__ import annotations

import pytest

from extractors.heuristic.alignment import SourceIndex
from extractors.heuristic.blocks import InlineText
from extractors.heuristic.claims import comparison_claims, unique_claims
from extractors.heuristic.naming import is_bookkeeping, lead_is_separated, split_name
from extractors.heuristic.sections import classify_title
from extractors.heuristic.sentences import condense_description, condense_title, split_sentences, tidy_name


def test_sentences_split_at_ends_but_not_at_abbreviations() -> None:
    text = "It reads CSV, e.g. exports from banks. It writes Parquet! Does it stream? Yes, v. 2 does."
    assert split_sentences(text) == [
        "It reads CSV, e.g. exports from banks.",
        "It writes Parquet!",
        "Does it stream?",
        "Yes, v. 2 does.",
    ]


def test_titles_are_the_first_sentence_or_clause_cut_at_a_word() -> None:
    assert condense_title("Streams rows. Then more.") == "Streams rows"
    long_clause = "Builds a dependency graph of every module in the project, then prints the cycles it found"
    assert condense_title(long_clause) == "Builds a dependency graph of every module in the project"
    no_breaks = "word " * 30
    cut = condense_title(no_breaks)
    assert len(cut) <= 80 and cut.endswith("word")


def test_descriptions_are_cut_at_a_sentence_end_within_the_limit() -> None:
    text = "First sentence is here. " * 40
    condensed = condense_description(text, 100)
    assert (
        condensed
        == "First sentence is here. First sentence is here. First sentence is here. First sentence is here."
    )
    assert condense_description("short text") == "short text"


def test_names_lose_joining_punctuation_and_emoji_shortcodes() -> None:
    assert tidy_name("Fast:") == "Fast"
    assert tidy_name("Pydantic Logfire :fire:") == "Pydantic Logfire"
    assert tidy_name("`query-cache`") == "query-cache"


@pytest.mark.parametrize(
    ("inline", "expected"),
    [
        (InlineText("Fast: runs quickly", lead="Fast", lead_separated=True), ("Fast", "runs quickly")),
        (InlineText("Tool is fast", lead="Tool", lead_separated=False), (None, "Tool is fast")),
        (InlineText("Hot reload - restarts on save"), ("Hot reload", "restarts on save")),
        (InlineText("Note: this is experimental"), (None, "Note: this is experimental")),
        (InlineText("A sentence. Then: more"), (None, "A sentence. Then: more")),
    ],
)
def test_split_name_finds_lead_ins_and_short_terms(
    inline: InlineText, expected: tuple[str | None, str]
) -> None:
    assert split_name(inline) == expected


def test_bookkeeping_names_are_recognised() -> None:
    assert is_bookkeeping("License:")
    assert is_bookkeeping("Developed by")
    assert is_bookkeeping("Language(s) (NLP)")
    assert not is_bookkeeping("Layer checks")


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Installation", "noise"),
        ("🚀 Quick start", "noise"),
        ("v2.3.1 (2026-01-02)", "noise"),
        ("Out-of-Scope Use", "noise"),
        ("Model Card Contact", "noise"),
        ("Key Features", "feature"),
        ("Why tidewatch?", "feature"),
        ("Supported Tasks and Leaderboards", "feature"),
        ("Overview", "intro"),
        ("Model Card for ferret", "neutral"),
        ("Zero dependencies", "neutral"),
    ],
)
def test_section_titles_are_classified(title: str, kind: str) -> None:
    assert classify_title(title) == kind


@pytest.mark.parametrize(
    ("sentence", "unique", "versus"),
    [
        ("It is the only scheduler that survives reboots.", True, False),
        ("The first Python library to read this format.", True, False),
        ("The first test run records traffic.", False, False),
        ("The simplest example takes two lines.", False, False),
        ("Unlike cron, it catches up on missed runs.", True, True),
        ("About three times faster than the reference parser.", False, True),
        ("A drop-in replacement for the standard json module.", False, True),
        ("It is something like 2x as fast as the standard module.", False, True),
        ("Photos wider than the page are scaled down.", False, False),
        ("Speaker changes are marked when there is more than one channel.", False, False),
    ],
)
def test_claims_are_only_what_sentences_state(sentence: str, unique: bool, versus: bool) -> None:
    assert bool(unique_claims([sentence])) is unique
    assert bool(comparison_claims([sentence])) is versus


def test_alignment_finds_plain_text_inside_markup_and_returns_a_verbatim_span() -> None:
    source = "- **Fast**: reads [Parquet](https://example.invalid/parquet) and _CSV_ files.\n"
    index = SourceIndex(source)
    span = index.find("Fast: reads Parquet and CSV files.", (0, len(source)))
    assert span is not None
    assert source[span[0] : span[1]] == (
        "**Fast**: reads [Parquet](https://example.invalid/parquet) and _CSV_ files."
    )


def test_alignment_stays_inside_its_region_and_fails_cleanly() -> None:
    source = "alpha beta gamma\ndelta epsilon zeta\n"
    index = SourceIndex(source)
    second_line = index.line_region(1, 2)
    assert index.find("alpha beta gamma", second_line) is None
    assert index.find("epsilon zeta", second_line) == (23, 35)
    assert index.find("", (0, len(source))) is None


def test_long_quotes_are_cut_at_a_word_end() -> None:
    source = "word " * 400
    index = SourceIndex(source)
    quote = index.quote((0, len(source)), limit=1000)
    assert len(quote) <= 1000
    assert quote.endswith("word") and quote in source


def test_alignment_never_matches_words_inside_link_addresses() -> None:
    source = "- `Search dates <#search-for-dates-in-longer-texts>`__\n  in longer texts.\n"
    index = SourceIndex(source)
    span = index.find("Search dates in longer texts.", (0, len(source)))
    assert span is not None
    assert source[span[0] : span[1]].startswith("`Search dates <#search")
    markdown = "See [the parser](https://x.example.invalid/fast-json-parser) for a fast JSON parser."
    found = SourceIndex(markdown).find("a fast JSON parser.", (0, len(markdown)))
    assert found is not None and markdown[found[0] : found[1]] == "a fast JSON parser."


def test_a_link_wrapped_onto_the_next_line_is_not_a_name_but_a_bold_one_is() -> None:
    wrapped = InlineText("Search dates in longer texts.", lead="Search dates", lead_separated=False)
    assert split_name(wrapped) == (None, "Search dates in longer texts.")
    assert not lead_is_separated("Search dates", "\n in longer texts.", linked=True)
    assert lead_is_separated("Fast", "\nRuns things quickly.")
    assert lead_is_separated("Search dates", ": in longer texts.", linked=True)


def test_abbreviations_inside_parentheses_do_not_end_sentences() -> None:
    text = "Mako is an embedded Python (i.e. Python Server Page) language. It compiles templates."
    assert split_sentences(text) == [
        "Mako is an embedded Python (i.e. Python Server Page) language.",
        "It compiles templates.",
    ]


def test_a_quote_ending_in_a_link_keeps_the_whole_link() -> None:
    markdown = "- A broadly [compatible API](https://x.example.invalid/compat).\n"
    span = SourceIndex(markdown).find("A broadly compatible API.", (0, len(markdown)))
    assert span is not None
    assert markdown[span[0] : span[1]] == "A broadly [compatible API](https://x.example.invalid/compat)."
    rst = "* `Web view <https://x.example.invalid/ui>`_ for runs\n"
    span = SourceIndex(rst).find("Web view", (0, len(rst)))
    assert span is not None
    assert rst[span[0] : span[1]] == "`Web view <https://x.example.invalid/ui>`_"
