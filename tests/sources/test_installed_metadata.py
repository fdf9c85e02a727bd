"""installed: on metadata edge cases, written as real dist-info folders in a private site directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemas import SourceError
from sources.installed import InstalledSource
from tests.sources.dists import write_distribution


@pytest.fixture
def site(tmp_path: Path) -> Path:
    folder = tmp_path / "site-packages"
    folder.mkdir()
    return folder


def fetch(site: Path, name: str):
    return InstalledSource(search_path=[site]).fetch(f"installed:{name}")


def test_missing_long_description_falls_back_to_the_summary(site):
    write_distribution(site, "terse", headers=[("Summary", "Counts words in a hurry.")])

    result = fetch(site, "terse")

    assert result.document.text == "Counts words in a hurry."
    assert result.document.metadata["fallback"] == "summary"
    assert result.document.media_type == "text/plain"


def test_placeholder_description_counts_as_missing(site):
    write_distribution(site, "old-style", headers=[("Summary", "Packs boxes."), ("Description", "UNKNOWN")])

    result = fetch(site, "old-style")

    assert result.document.text == "Packs boxes."
    assert result.document.metadata["fallback"] == "summary"


def test_no_description_and_no_summary_is_an_error(site):
    write_distribution(site, "silent", body="   \n")

    with pytest.raises(SourceError, match="has no description") as caught:
        fetch(site, "silent")

    assert caught.value.subject == "installed:silent"


def test_description_header_of_older_metadata_is_unfolded(site):
    header = "Folded Tool\n        ===========\n        \n        .. note:: It folds paper into cranes."
    write_distribution(site, "folded", headers=[("Summary", "Folds."), ("Description", header)])

    result = fetch(site, "folded")

    assert result.document.text == "Folded Tool\n===========\n\n.. note:: It folds paper into cranes."
    assert result.document.media_type == "text/x-rst"


@pytest.mark.parametrize(
    ("body", "media_type"),
    [
        (
            "Mapper\n======\n\nSee the `guide <https://example.invalid/guide>`_.\n\n.. note:: Beta.\n",
            "text/x-rst",
        ),
        ("# Mapper\n\nDraws **maps** from [GeoJSON](https://example.invalid).\n", "text/markdown"),
        ("Mapper draws maps from coordinates.\nNothing else to say.\n", "text/plain"),
    ],
)
def test_undeclared_media_type_is_sniffed(site, body, media_type):
    write_distribution(site, "mapper", body=body)

    assert fetch(site, "mapper").document.media_type == media_type


def test_declared_media_type_parameters_are_dropped(site):
    write_distribution(
        site,
        "declared",
        headers=[("Description-Content-Type", "text/markdown; charset=UTF-8; variant=GFM")],
        body="Plain words that sniffing would call plain text.",
    )

    assert fetch(site, "declared").document.media_type == "text/markdown"


def test_summary_comes_from_the_first_paragraph_when_the_field_is_missing(site):
    write_distribution(site, "chatty", body="# Chatty\n\nChatty talks to itself.\n\nMore detail here.\n")

    result = fetch(site, "chatty")

    assert result.tool.summary == "Chatty talks to itself."
    assert result.tool.name == "chatty"


@pytest.mark.parametrize(
    ("headers", "license_name", "pricing"),
    [
        ([("License-Expression", "Apache-2.0 OR BSD-2-Clause")], "Apache-2.0 OR BSD-2-Clause", "free"),
        ([("License-Expression", "LicenseRef-Proprietary")], "LicenseRef-Proprietary", "unknown"),
        ([("License-Expression", "MIT AND LicenseRef-Extra")], "MIT AND LicenseRef-Extra", "unknown"),
        ([("License", "BSD")], "BSD", "free"),
        ([("License", "Commercial, see EULA")], "Commercial, see EULA", "unknown"),
        ([("Classifier", "License :: OSI Approved :: MIT License")], "MIT License", "free"),
        ([("Classifier", "License :: Other/Proprietary License")], None, "unknown"),
        ([], None, "unknown"),
    ],
)
def test_license_and_pricing(site, headers, license_name, pricing):
    write_distribution(site, "licensed", headers=[("Summary", "Has a license."), *headers])

    tool = fetch(site, "licensed").tool

    assert tool.license == license_name
    assert tool.pricing == pricing


def test_pasted_license_text_is_not_shown_as_the_license_name(site):
    pasted = "Copyright 2026 Someone\n        \n        Permission is hereby granted, free of charge..."
    write_distribution(
        site,
        "pasted",
        headers=[
            ("Summary", "Pastes."),
            ("License", pasted),
            ("Classifier", "License :: OSI Approved :: MIT License"),
        ],
    )

    tool = fetch(site, "pasted").tool

    assert tool.license == "MIT License"
    assert tool.pricing == "free"


def test_homepage_prefers_home_page_then_project_urls_in_order(site):
    write_distribution(
        site,
        "linked",
        headers=[
            ("Summary", "Links."),
            ("Project-URL", "Bug Tracker, https://example.invalid/issues"),
            ("Project-URL", "Source Code, https://example.invalid/src"),
            ("Project-URL", "Docs, https://example.invalid/docs"),
        ],
    )
    write_distribution(
        site,
        "home",
        headers=[
            ("Summary", "Home."),
            ("Home-page", "https://example.invalid/home"),
            ("Project-URL", "Homepage, https://example.invalid/other"),
        ],
    )

    assert fetch(site, "linked").tool.homepage == "https://example.invalid/docs"
    assert fetch(site, "home").tool.homepage == "https://example.invalid/home"


def test_dependents_counts_only_requirements_that_apply_here(site):
    write_distribution(site, "core-lib", headers=[("Summary", "The library everyone needs.")])
    requirements = {
        "plain-user": "core-lib>=1",
        "marker-user": 'Core_Lib; python_version >= "3"',
        "extra-only-user": 'core-lib; extra == "speed"',
        "never-user": 'core-lib; python_version < "3"',
        "malformed-user": "core-lib ~= ~= 1",
    }
    for name, requirement in requirements.items():
        write_distribution(site, name, headers=[("Summary", "Uses it."), ("Requires-Dist", requirement)])
    write_distribution(
        site, "self-user", headers=[("Summary", "Itself."), ("Requires-Dist", 'self-user[x]; extra == "all"')]
    )

    [signal] = fetch(site, "core-lib").signals

    assert signal.value == 2  # plain-user and marker-user
    assert fetch(site, "self-user").signals[0].value == 0


def test_first_distribution_on_the_path_wins(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    write_distribution(first, "twin", "2.0", headers=[("Summary", "The one imports see.")])
    write_distribution(second, "twin", "1.0", headers=[("Summary", "Shadowed.")])

    result = InstalledSource(search_path=[first, second]).fetch("installed:twin")

    assert result.tool.version == "2.0"
    assert result.tool.summary == "The one imports see."
    assert str(first) in result.document.origin
