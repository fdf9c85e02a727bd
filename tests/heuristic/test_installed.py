"""The heuristic extractor on the real long descriptions of distributions installed beside capgraph.

Their text changes with every release, so only robust properties are asserted: no crash, every
quote verbatim and locatable, records for the descriptions that carry a feature list, and no
record made of the sections around the features (adverts, community links, migration notes).
"""

from __future__ import annotations

import importlib.metadata
import re

import pytest

from schemas import CapabilitySet, SourceDocument
from tests.heuristic.helpers import assert_grounded, extract

WITH_FEATURE_LISTS = ["rich", "pydantic", "typer", "duckdb"]
# Headings of the adverts, community pages and migration notes these two READMEs carry.
NOISE_IN_TITLES = ("Logfire", "Community", "Stay Informed", "Contribute", " vs. ")


def installed_description(name: str) -> SourceDocument:
    metadata = importlib.metadata.metadata(name)
    text = metadata.get_payload() or metadata.get("Description") or ""
    if not text.strip():
        pytest.skip(f"{name} ships no long description")
    media_type = (metadata.get("Description-Content-Type") or "text/plain").split(";")[0].strip()
    return SourceDocument(tool_id=f"installed:{name}", origin="metadata", media_type=media_type, text=text)


@pytest.mark.parametrize("name", [*WITH_FEATURE_LISTS, "tenacity"])
def test_installed_descriptions_extract_grounded_records(name: str) -> None:
    doc = installed_description(name)
    result = extract(doc)
    CapabilitySet.model_validate(result.model_dump())
    assert_grounded(result, doc)
    assert len(result.capabilities) <= 40


@pytest.mark.parametrize("name", WITH_FEATURE_LISTS)
def test_descriptions_with_feature_lists_give_records(name: str) -> None:
    assert extract(installed_description(name)).capabilities


def test_tenacity_rst_summary_gives_a_record() -> None:
    doc = installed_description("tenacity")
    assert doc.media_type == "text/x-rst"
    result = assert_grounded(extract(doc), doc)
    assert len(result.capabilities) >= 1
    assert "retry" in result.capabilities[0].description.casefold()


@pytest.mark.parametrize("name", ["pydantic", "prefect"])
def test_adverts_community_and_migration_sections_give_no_records(name: str) -> None:
    doc = installed_description(name)
    result = assert_grounded(extract(doc), doc)
    assert len(result.capabilities) >= 1
    for capability in result.capabilities:
        for noise in NOISE_IN_TITLES:
            assert noise.casefold() not in capability.title.casefold(), capability.title


# -- the smoke set: capgraph's own dependencies must give no record from the junk classes ---------
# The criteria are written here, independently of the extractor's rules, and kept simple on purpose.

SMOKE_SET = ["anthropic", "pydantic", "tenacity", "duckdb", "prefect", "httpx", "typer", "rich"]
PRAISE_WORDS = {"fast", "simple", "easy", "robust", "free", "powerful", "flexible", "lightweight", "portable"}
PRAISE_WORDS |= {"extensible", "intuitive", "short", "modern", "secure", "reliable", "elegant", "scalable"}
BARE_IDENTIFIER = re.compile(r"^(?:[a-z_][a-z0-9_]*|[A-Za-z_]\w*(?:\.\w+)+|\w+_\w+)$")
MODEL_ID = re.compile(r"^[\w.-]+/[\w.-]*\d[\w.-]*$|\b\d+(?:\.\d+)?[BM]\b")
MARKUP = re.compile(r"\*\*|__|\]\(|!\[|<a\s|</?b>|<img\b|`_\b")
DOCS_POINTER = re.compile(
    r"\b(?:see|read|visit|check out|refer to)\b[^.]{0,40}\b(?:docs|documentation|guide|tutorial|wiki)\b|"
    r"\b(?:docs|documentation)\b[^.]{0,20}\bcan be found\b",
    re.IGNORECASE,
)
INSTALL = re.compile(r"\b(?:pip|uv|conda|npm) (?:install|add)\b")
LICENCE = re.compile(r"\blicen[cs]ed under\b|^(?:MIT|Apache|BSD)\b[\w .-]*licen[cs]e\.?$", re.IGNORECASE)


def _installed(name: str) -> SourceDocument:
    try:
        importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError:
        pytest.skip(f"{name} is not installed")
    return installed_description(name)


@pytest.mark.parametrize("name", SMOKE_SET)
def test_the_smoke_set_gives_no_record_from_the_junk_classes(name: str) -> None:
    doc = _installed(name)
    result = assert_grounded(extract(doc), doc)
    for capability in result.capabilities:
        title = capability.title
        assert title.casefold().strip("!.") not in PRAISE_WORDS, f"{name}: praise title {title!r}"
        assert not BARE_IDENTIFIER.match(title), f"{name}: identifier title {title!r}"
        assert not MODEL_ID.search(title), f"{name}: model id title {title!r}"
        for evidence in capability.evidence:
            quote = evidence.quote
            assert not MARKUP.search(quote), f"{name}: markup in quote {quote!r}"
            assert not DOCS_POINTER.search(quote), f"{name}: docs pointer {quote!r}"
            assert not INSTALL.search(quote), f"{name}: install step {quote!r}"
            assert not LICENCE.search(quote), f"{name}: licence line {quote!r}"


@pytest.mark.parametrize("name", ["duckdb", "typer"])
def test_praise_lead_ins_of_the_smoke_set_get_titles_from_their_sentences(name: str) -> None:
    # duckdb's and typer's descriptions open their feature bullets with "**Fast**:", "**Short**:" ...
    doc = _installed(name)
    result = extract(doc)
    assert result.capabilities
    assert all(len(capability.title.split()) >= 2 for capability in result.capabilities), [
        capability.title for capability in result.capabilities
    ]
