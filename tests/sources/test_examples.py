"""The bundled examples/catalog.toml loads, and every tool in it fetches in this environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from capgraph.catalog import Catalog, load_catalog
from sources.file import FileSource
from sources.installed import InstalledSource
from sources.registry import SourceRegistry

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(REPO / "examples" / "catalog.toml", cwd=REPO)


def test_catalog_has_the_demo_tools(catalog):
    installed = [ref for ref in catalog.refs if ref.startswith("installed:")]
    files = [ref for ref in catalog.refs if ref.startswith("file:")]

    # The demo's headline pair: two HTTP clients that really compete.
    assert {"installed:httpx", "installed:requests"} <= set(installed)
    assert 10 <= len(installed) <= 16
    descriptions = (REPO / "examples" / "descriptions").resolve()
    assert files == [f"file:{descriptions / 'quillmark.md'}", f"file:{descriptions / 'tidewatch.html'}"]


def test_every_ref_fetches_and_takes_its_overrides(catalog, monkeypatch):
    monkeypatch.chdir(REPO)
    registry = SourceRegistry([InstalledSource(), FileSource(max_bytes=5_000_000)])

    for entry in catalog.entries:
        result = registry.fetch(entry.ref)
        tool = entry.apply(result.tool)

        assert tool.id == entry.ref
        assert result.document.tool_id == entry.ref
        assert len(result.document.text) > 200, entry.ref
        assert tool.summary, entry.ref
        for key, value in entry.overrides().items():
            assert getattr(tool, key) == value


def test_html_example_keeps_its_article_only(catalog, monkeypatch):
    monkeypatch.chdir(REPO)

    result = FileSource(max_bytes=5_000_000).fetch("file:examples/descriptions/tidewatch.html")

    assert "Seasonality-aware baselines" in result.document.text
    for noise in ("dataLayer", "Accept all cookies", "Sign in", "newsletter"):
        assert noise not in result.document.text
