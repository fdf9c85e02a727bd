"""One catalog mixing every ref scheme, ingested end to end through the Prefect flow: remote APIs on a
fixture server, conditional re-fetches on the second run, signals, prices and records in the warehouse."""

from __future__ import annotations

from pathlib import Path

from capgraph.settings import Settings
from flows.ingest import ingest
from tests.core.conftest import DESCRIPTIONS
from tests.fakes.fixture_server import FixtureServer, Reply
from tests.remote import payloads
from tests.remote.helpers import make_settings
from warehouse import Warehouse


def serve_everything(server: FixtureServer) -> None:
    """Every API answers with an ETag, so a second run can revalidate instead of downloading again."""
    routes = {
        f"/api/models/{payloads.HF_MODEL_ID}": (payloads.HF_MODEL_INFO, None),
        f"/{payloads.HF_MODEL_ID}/raw/main/README.md": (payloads.HF_MODEL_CARD, "text/markdown"),
        f"/api/datasets/{payloads.HF_DATASET_ID}": (payloads.HF_DATASET_INFO, None),
        f"/datasets/{payloads.HF_DATASET_ID}/raw/main/README.md": (payloads.HF_DATASET_CARD, "text/markdown"),
        "/repos/harbourlabs/quayside": (payloads.GITHUB_REPO, None),
        "/repos/harbourlabs/quayside/readme": (payloads.GITHUB_README, "text/markdown"),
        "/pypi/fernhill-csv/json": (payloads.PYPI_PROJECT, None),
        "/api/v1/models": (payloads.OPENROUTER_MODELS, None),
        "/product": (payloads.WEB_PAGE, "text/html; charset=utf-8"),
    }
    for number, (path, (body, content_type)) in enumerate(routes.items()):
        server.route(path, Reply(body=body, content_type=content_type, etag=f'"v{number}"'))


def write_catalog(folder: Path, server: FixtureServer) -> Path:
    (folder / "lumen.md").write_text(DESCRIPTIONS["lumen.md"], encoding="utf-8")
    refs = [
        "installed:rich",
        "file:lumen.md",
        f"hf:{payloads.HF_MODEL_ID}",
        f"hf-dataset:{payloads.HF_DATASET_ID}",
        "github:harbourlabs/quayside",
        "pypi:fernhill-csv",
        "openrouter:mistwood/ledger-chat-7b",
        f"url:{server.url('/product')}",
    ]
    catalog = folder / "catalog.toml"
    catalog.write_text("".join(f'[[tool]]\nref = "{ref}"\n\n' for ref in refs), encoding="utf-8")
    return catalog


def test_a_catalog_of_every_scheme_runs_end_to_end(tmp_path: Path) -> None:
    with FixtureServer() as server:
        serve_everything(server)
        catalog = write_catalog(tmp_path, server)
        settings: Settings = make_settings(
            server.base_url, db=tmp_path / "w.duckdb", extractor="heuristic", concurrency=4
        )
        first = ingest(catalog=str(catalog), settings=settings.portable())
        assert first.ok, first.failures
        assert first.count("extracted") == 8

        second = ingest(catalog=str(catalog), settings=settings.portable())
        assert second.count("unchanged") == 8 and second.count("extracted") == 0
        readme = server.requests_for("/repos/harbourlabs/quayside/readme")
        assert len(readme) == 2 and readme[1].header("If-None-Match") == '"v5"'

    with Warehouse(settings.analyst_path()).reader() as session:
        kinds = {row.id.split(":")[0]: row.kind for row in session.list_tools()}
        _, documents = session.query("SELECT count(*) FROM documents")
        paid = session.tool_profile("openrouter:mistwood/ledger-chat-7b").tool
        _, stars = session.query(
            "SELECT value FROM signals WHERE tool_id = 'github:harbourlabs/quayside' AND name = 'stars'"
        )
    assert kinds == {
        "installed": "Package",
        "file": "Package",
        "hf": "Model",
        "hf-dataset": "Dataset",
        "github": "Repository",
        "pypi": "Package",
        "openrouter": "Model",
        "url": "Service",
    }
    assert documents == [(8,)]  # the revalidated second run stored no new document
    assert paid.pricing == "paid" and paid.starting_price is not None
    assert paid.starting_price.label() == "$2.50e-07 per prompt token"
    assert len(stars) == 1  # unchanged signal values add no history rows
