"""installed: against distributions really installed in this virtualenv."""

from __future__ import annotations

from importlib import metadata

import pytest

from schemas import SourceError, sha256_text
from sources.installed import InstalledSource
from sources.refs import canonical_distribution_name


@pytest.fixture(scope="module")
def source() -> InstalledSource:
    return InstalledSource()


@pytest.mark.parametrize("name", ["duckdb", "pydantic", "tenacity"])
def test_real_distribution_is_described_from_its_metadata(source, name):
    result = source.fetch(f"installed:{name}")

    assert result.tool.id == f"installed:{name}"
    assert result.tool.kind == "Package"
    assert result.tool.version == metadata.version(name)
    assert result.tool.summary
    assert result.document.tool_id == result.tool.id
    assert result.document.text.strip()
    assert result.document.sha256 == sha256_text(result.document.text)
    assert result.document.origin.startswith(f"installed:{name}=={metadata.version(name)} (")
    assert ".dist-info" in result.document.origin
    assert result.document.metadata["version"] == metadata.version(name)


def test_long_description_is_the_document_with_its_declared_media_type(source):
    result = source.fetch("installed:pydantic")
    long_description = metadata.distribution("pydantic").metadata.get_payload()

    assert result.document.text == long_description.strip()
    assert result.document.media_type == "text/markdown"
    assert "fallback" not in result.document.metadata


def test_pydantic_has_dependents_in_this_environment(source):
    result = source.fetch("installed:pydantic")

    [signal] = result.signals
    assert signal.name == "dependents"
    assert signal.source == "installed"
    assert signal.tool_id == "installed:pydantic"
    # pydantic-settings, fastapi, prefect and anthropic all require it unconditionally.
    assert signal.value >= 1


def test_open_source_license_makes_the_package_free(source):
    result = source.fetch("installed:pydantic")

    assert result.tool.license == "MIT"
    assert result.tool.pricing == "free"
    assert result.tool.homepage and result.tool.homepage.startswith("https://")


@pytest.mark.parametrize(
    "written", ["installed:Pydantic_Settings", "installed:PYDANTIC.SETTINGS", "installed:pydantic__settings"]
)
def test_name_is_matched_loosely_and_normalised_in_the_id(source, written):
    result = source.fetch(written)

    assert result.tool.id == "installed:pydantic-settings"
    assert result.tool.version == metadata.version("pydantic-settings")


def test_name_is_the_distributions_own_spelling(source):
    result = source.fetch("installed:JINJA2")

    assert result.tool.id == "installed:jinja2"
    assert result.tool.name == "Jinja2"


def test_unknown_distribution_suggests_close_matches(source):
    with pytest.raises(SourceError) as caught:
        source.fetch("installed:pydantc")

    error = caught.value
    assert error.subject == "installed:pydantc"
    assert "pydantc" in error.message and "installed" in error.message
    assert "pydantic" in error.hint
    assert "pip install" in error.hint


def test_unknown_distribution_without_close_match_says_how_to_install(source):
    with pytest.raises(SourceError) as caught:
        source.fetch("installed:zzqxvw-nothing-like-it")

    assert "did you mean" not in caught.value.hint
    assert "pip install zzqxvw-nothing-like-it" in caught.value.hint


@pytest.mark.parametrize("ref", ["installed:not a name", "installed:-leading-dash", "installed:bad/slash"])
def test_invalid_distribution_name_is_refused(source, ref):
    with pytest.raises(SourceError, match="not a valid distribution name") as caught:
        source.fetch(ref)

    assert caught.value.subject == ref


def test_empty_ref_is_refused(source):
    with pytest.raises(SourceError, match="not a tool ref"):
        source.fetch("installed:")


@pytest.mark.parametrize(
    ("written", "canonical"),
    [("Foo_Bar", "foo-bar"), ("foo.bar", "foo-bar"), ("FOO--bar__baz", "foo-bar-baz"), ("x", "x")],
)
def test_canonical_distribution_name_follows_pep_503(written, canonical):
    assert canonical_distribution_name(written) == canonical
