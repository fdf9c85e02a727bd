"""The precision rules: headings and text that sit among features without being any, and titles cut
so they still read as a phrase."""

from __future__ import annotations

import pytest

from extractors.heuristic.asides import announces_plans, is_aside, is_list_filler, is_pointer, is_promotion
from extractors.heuristic.naming import is_bookkeeping
from extractors.heuristic.sections import classify_title, is_intro_title
from extractors.heuristic.sentences import condense_title


@pytest.mark.parametrize(
    "title",
    [
        "Connect & Contribute",
        "Community Resources",
        "Stay Informed",
        "Follow us",
        "Part of the Tallyho Stack",
        "The plugin ecosystem",
        "Sister projects",
        "Tallyho V1.10 vs. V2",
        "Moving from 3.x to 4.x",
        "Migrating from the old loader",
        "Upgrading",
        "Compatibility",
        "A Simple Example",
        "Quick-Start",
        "Getting-started",
        "Project Files & Directories",
        "Development version",
        "Show Your Support",
        "Testimonials",
    ],
)
def test_community_sibling_and_migration_headings_are_noise(title: str) -> None:
    assert classify_title(title) == "noise"


@pytest.mark.parametrize(
    "title",
    [
        "Migrations",
        "Social login",
        "Scales from 1 to 1000 nodes",
        "Connect to any database",
        "Upgrades pinned packages for you",
        "Cloud storage",
        "S3 compatibility layer",
    ],
)
def test_capability_headings_that_share_a_word_with_noise_stay_topics(title: str) -> None:
    assert classify_title(title) == "neutral"


def test_purpose_and_abstract_introduce_the_tool() -> None:
    assert classify_title("Purpose") == "intro"
    assert is_intro_title("Abstract")
    assert not is_intro_title("Author")


@pytest.mark.parametrize(
    "text",
    [
        "And others as discovered.",
        "...and many more!",
        "and much, much more",
        "Many more",
        "etc.",
        "Plus other formats",
    ],
)
def test_list_fillers_are_recognised(text: str) -> None:
    assert is_list_filler(text)


@pytest.mark.parametrize(
    "text",
    [
        "More than 200 locales out of the box.",
        "Other processes can read the cache while it is written.",
        "Andes-style contour shading for maps.",
        "Compresses logs and other text files with a trained dictionary.",
    ],
)
def test_entries_that_only_start_like_fillers_are_kept(text: str) -> None:
    assert not is_list_filler(text)


@pytest.mark.parametrize(
    "text",
    [
        "We've launched Tallyho Insights to show which settings are read.",
        "We’re introducing a hosted dashboard for your runs.",
        "Read about the plans or sign up to try it free.",
        "Start your free trial today.",
        "New: a desktop app for every platform.",
        "If you only trigger jobs, check out our lighter client.",
        "It is a lighter-weight option for small containers.",
        "See Textual, our sister project for terminal interfaces.",
        "Follow the editor setup guides to connect your editor.",
        "Subscribe to our newsletter for release news.",
    ],
)
def test_promotions_are_recognised(text: str) -> None:
    assert is_promotion(text)


@pytest.mark.parametrize(
    "text",
    [
        "Handles sign-up forms, login and password resets.",
        "Subscribe to change events on any table.",
        "Releases locks when a worker dies.",
        "Builds an index of every symbol in the project.",
        "Joins tables on any column, not just keys.",
        "New-line handling is configurable per file.",
    ],
)
def test_capabilities_with_promotion_like_words_are_not_promotions(text: str) -> None:
    assert not is_promotion(text)


def test_pointers_are_sentences_that_send_the_reader_elsewhere() -> None:
    assert is_pointer("Learn more in the handbook.")
    assert is_pointer("If your case is small, check out the client package.")
    assert not is_pointer("Every lookup is answered from an in-memory index.")


def test_plans_and_deprecations_are_not_capabilities() -> None:
    assert announces_plans("Support for the following inputs is planned:")
    assert announces_plans("Provided by third-party tools:")
    assert announces_plans("naturaldate (deprecated since 4.0, kept for compatibility)")
    assert not announces_plans("Plans each query before it runs.")


def test_a_section_is_an_aside_when_it_opens_with_a_pointer_or_advertises() -> None:
    assert is_aside(["Check out our slim client. It starts in a tenth of the time."])
    assert is_aside(["Tallyho Cloud runs it for you.", "Sign up to try it free."])
    assert not is_aside(["Results are cached on disk. Learn more in the caching guide."])
    assert not is_aside([])


def test_community_and_contributor_fields_are_bookkeeping() -> None:
    assert is_bookkeeping("Code of conduct")
    assert is_bookkeeping("Contributor guide")
    assert is_bookkeeping("Bug tracker and source code")
    assert not is_bookkeeping("Source maps")


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            # A comma between two adjectives is not the end of a clause.
            "With Quayside, you can build resilient, dynamic job chains that react to failures and "
            "recover from missed slots.",
            "With Quayside, you can build resilient, dynamic job chains that react",
        ),
        (
            # A comma inside brackets would leave the bracket open.
            'Support for dates with zone names or offsets ("March 3, 2026 CET", "4 May 2025 +0200").',
            "Support for dates with zone names or offsets",
        ),
        (
            "Computing of relative spans (next week, next month, last day of a quarter, and so on).",
            "Computing of relative spans",
        ),
        (
            # Commas between nouns still end a phrase: the longest clause that fits is kept.
            "An object mapper built from the core on the identity map, unit of work, and data mappers.",
            "An object mapper built from the core on the identity map, unit of work",
        ),
    ],
)
def test_titles_are_cut_where_a_phrase_ends(text: str, title: str) -> None:
    assert condense_title(text) == title
