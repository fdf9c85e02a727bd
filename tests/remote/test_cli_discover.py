"""`capgraph discover` against the fixture server: refs added to a catalog by popularity, once each."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from capgraph.catalog import load_catalog
from cli.main import app
from tests.fakes.fixture_server import FixtureServer


def runner_for(server: FixtureServer) -> CliRunner:
    return CliRunner(
        env={
            "CAPGRAPH_HF_BASE_URL": server.base_url,
            "CAPGRAPH_HTTP_ALLOWED_NETWORKS": '["127.0.0.1/32"]',
            "CAPGRAPH_HTTP_MAX_ATTEMPTS": "1",
            "COLUMNS": "200",
        }
    )


def test_discover_hf_adds_the_most_downloaded_models_once(server: FixtureServer, tmp_path: Path) -> None:
    server.json(
        "/api/models",
        [{"id": "acme/small", "downloads": 3}, {"id": "acme/big", "downloads": 700}],
    )
    catalog = tmp_path / "catalog.toml"
    catalog.write_text('# tracked tools\n[[tool]]\nref = "hf:acme/small"\n', encoding="utf-8")

    result = runner_for(server).invoke(app, ["discover", "hf", "--top", "2", "--catalog", str(catalog)])
    assert result.exit_code == 0, result.output
    assert "found 2, added 1" in result.stdout and "+ hf:acme/big" in result.stdout
    assert [entry.ref for entry in load_catalog(catalog).entries] == ["hf:acme/small", "hf:acme/big"]
    assert catalog.read_text().startswith("# tracked tools")


def test_discover_arguments_are_checked_before_any_request(server: FixtureServer, tmp_path: Path) -> None:
    catalog = str(tmp_path / "c.toml")
    for args, message in [
        (["discover", "gitlab"], "discover SOURCE: 'gitlab' is not one of 'hf', 'github', 'openrouter'"),
        (["discover", "github"], "needs a topic"),
        (["discover", "hf", "--kind", "space"], "discover --kind: 'space' is not one of 'model', 'dataset'"),
    ]:
        result = runner_for(server).invoke(app, [*args, "--catalog", catalog])
        assert result.exit_code == 2
        assert message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert server.requests == []
