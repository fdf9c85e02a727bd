"""The heuristic extractor on the real long descriptions of distributions installed beside capgraph.

Their text changes with every release, so only robust properties are asserted: no crash, every
quote verbatim and locatable, records for the descriptions that carry a feature list, and no
record made of the sections around the features (adverts, community links, migration notes).
"""

from __future__ import annotations

import importlib.metadata

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
