"""Every remote source against fixture payloads on 127.0.0.1: what it records, and how it fails."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from pydantic import SecretStr

from capgraph.stage_options import source_options
from schemas import SourceError, TransientError
from sources.github import GitHubSource
from sources.hf import HuggingFaceSource, split_front_matter
from sources.openrouter import OpenRouterSource
from sources.pypi import PyPISource
from sources.registry import SourceRegistry
from sources.web import WebSource
from tests.fakes.fixture_server import FixtureServer, Reply
from tests.remote import payloads
from tests.remote.helpers import make_client, make_settings


def signals_of(result) -> dict[str, float]:
    return {signal.name: signal.value for signal in result.signals}


# Hugging Face


def serve_hf_model(server: FixtureServer) -> None:
    server.json(f"/api/models/{payloads.HF_MODEL_ID}", payloads.HF_MODEL_INFO)
    server.text(f"/{payloads.HF_MODEL_ID}/raw/main/README.md", payloads.HF_MODEL_CARD)


def test_hf_model_card_front_matter_becomes_metadata_and_leaves_the_text(server: FixtureServer):
    serve_hf_model(server)
    source = HuggingFaceSource(make_client(), base_url=server.base_url)

    result = source.fetch(f"hf:{payloads.HF_MODEL_ID}")

    document = result.document
    assert document.text.startswith("# Pebble Sum Small")
    assert "base_model" not in document.text and "---" not in document.text
    assert document.metadata["card_license"] == "apache-2.0"
    assert json.loads(document.metadata["card_language"]) == ["en", "nl"]
    assert document.metadata["card_base_model"] == "lanternworks/pebble-base"
    assert document.metadata["pipeline_tag"] == "summarization"
    assert document.metadata["last_modified"] == "2025-03-14T09:26:53.000Z"
    tool = result.tool
    assert (tool.id, tool.kind, tool.license, tool.pricing) == (
        f"hf:{payloads.HF_MODEL_ID}",
        "Model",
        "apache-2.0",
        "free",
    )
    assert tool.summary.startswith("Pebble Sum Small condenses meeting transcripts")
    assert signals_of(result) == {"downloads": 48213.0, "likes": 311.0}


def test_hf_dataset_uses_the_dataset_endpoints(server: FixtureServer):
    server.json(f"/api/datasets/{payloads.HF_DATASET_ID}", payloads.HF_DATASET_INFO)
    server.text(f"/datasets/{payloads.HF_DATASET_ID}/raw/main/README.md", payloads.HF_DATASET_CARD)
    source = HuggingFaceSource(make_client(), base_url=server.base_url, kind="dataset")

    result = source.fetch(f"hf-dataset:{payloads.HF_DATASET_ID}")

    assert result.tool.kind == "Dataset"
    assert result.tool.id == f"hf-dataset:{payloads.HF_DATASET_ID}"
    assert result.tool.license == "cc-by-4.0"
    assert result.tool.pricing == "unknown"  # a Creative Commons license is not an open-source one
    assert result.document.text.startswith("# Harbour Tickets")
    assert signals_of(result) == {"downloads": 1907.0, "likes": 58.0}


def test_hf_model_without_a_card_is_described_by_its_api_facts(server: FixtureServer):
    server.json(f"/api/models/{payloads.HF_MODEL_ID}", payloads.HF_MODEL_INFO)

    result = HuggingFaceSource(make_client(), base_url=server.base_url).fetch(f"hf:{payloads.HF_MODEL_ID}")

    assert result.document.metadata["fallback"] == "api facts (no card)"
    assert "- Task: summarization" in result.document.text
    assert "- License: apache-2.0" in result.document.text


def test_hf_unknown_model_is_not_found(server: FixtureServer):
    with pytest.raises(SourceError, match="hf:acme/ghost: tool not found at Hugging Face"):
        HuggingFaceSource(make_client(), base_url=server.base_url).fetch("hf:acme/ghost")


def test_hf_invalid_json_names_the_ref_and_url(server: FixtureServer):
    server.text("/api/models/acme/broken", "{not json", content_type="application/json")

    with pytest.raises(SourceError, match="returned invalid JSON") as caught:
        HuggingFaceSource(make_client(), base_url=server.base_url).fetch("hf:acme/broken")

    assert caught.value.subject == "hf:acme/broken"
    assert server.url("/api/models/acme/broken") in str(caught.value)


def test_front_matter_that_is_not_valid_yaml_is_still_cut_and_reported():
    metadata, body, problem = split_front_matter("---\nlicense: [unclosed\n---\n# Title\n\nText.\n")

    assert metadata == {}
    assert body == "# Title\n\nText.\n"
    assert problem is not None and problem.startswith("invalid YAML")


def test_a_card_without_front_matter_is_kept_whole():
    assert split_front_matter("# Only prose\n\n---\n\nA rule, not front matter.") == (
        {},
        "# Only prose\n\n---\n\nA rule, not front matter.",
        None,
    )


# GitHub

TOKEN = "ghp_fixture-token-never-shown"


def serve_github(server: FixtureServer) -> None:
    server.json("/repos/harbourlabs/quayside", payloads.GITHUB_REPO)
    server.text("/repos/harbourlabs/quayside/readme", payloads.GITHUB_README, "application/vnd.github.raw")


def test_github_repository_record_readme_and_signals(server: FixtureServer):
    serve_github(server)
    source = GitHubSource(make_client(), api_url=server.base_url, token=SecretStr(TOKEN))

    result = source.fetch("github:harbourlabs/quayside")

    assert result.tool.kind == "Repository"
    assert result.tool.license == "MIT" and result.tool.pricing == "free"
    assert result.tool.homepage == "https://quayside.example"
    assert result.tool.summary == "Quayside schedules container-yard cranes from a YAML plan."
    assert result.document.text.startswith("# Quayside")
    assert result.document.media_type == "text/markdown"
    assert json.loads(result.document.metadata["topics"]) == ["logistics", "scheduling", "yaml"]
    assert result.document.metadata["pushed_at"] == "2025-05-01T08:15:00Z"
    assert signals_of(result) == {"stars": 5120.0, "forks": 204.0, "open_issues": 37.0}
    readme_request = server.requests_for("/repos/harbourlabs/quayside/readme")[0]
    assert readme_request.header("Accept") == "application/vnd.github.raw"
    for seen in server.requests:
        assert seen.header("Authorization") == f"Bearer {TOKEN}"


def test_github_without_a_token_sends_no_authorization(server: FixtureServer):
    serve_github(server)

    GitHubSource(make_client(), api_url=server.base_url).fetch("github:harbourlabs/quayside")

    assert all(seen.header("Authorization") is None for seen in server.requests)


@pytest.mark.parametrize(
    ("reply", "error_class"),
    [
        (Reply(status=500, body={"message": "oops"}), TransientError),
        (Reply(status=403, body={"message": "forbidden"}), SourceError),
        (Reply(status=404, body={"message": "Not Found"}), SourceError),
        (Reply(status=200, body="{broken", content_type="application/json"), SourceError),
    ],
)
def test_github_token_never_appears_in_errors(server: FixtureServer, reply, error_class):
    server.route("/repos/harbourlabs/quayside", reply)
    source = GitHubSource(make_client(sleeps=[]), api_url=server.base_url, token=SecretStr(TOKEN))

    with pytest.raises(error_class) as caught:
        source.fetch("github:harbourlabs/quayside")

    assert TOKEN not in str(caught.value)
    assert TOKEN not in repr(caught.value.args)
    assert server.requests[0].header("Authorization") == f"Bearer {TOKEN}"


def test_github_unknown_repository_is_not_found(server: FixtureServer):
    with pytest.raises(SourceError, match="github:acme/nothing: tool not found at GitHub"):
        GitHubSource(make_client(), api_url=server.base_url).fetch("github:acme/nothing")


def test_github_rate_limit_403_is_transient(server: FixtureServer):
    reset = str(int(datetime.now(UTC).timestamp()) + 3000)
    server.route(
        "/repos/harbourlabs/quayside",
        Reply(status=403, headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}),
    )

    with pytest.raises(TransientError, match="asks to wait"):
        GitHubSource(make_client(sleeps=[]), api_url=server.base_url).fetch("github:harbourlabs/quayside")


def test_github_repository_without_readme_falls_back_to_its_description(server: FixtureServer):
    server.json("/repos/harbourlabs/quayside", payloads.GITHUB_REPO)

    result = GitHubSource(make_client(), api_url=server.base_url).fetch("github:harbourlabs/quayside")

    assert result.document.text == payloads.GITHUB_REPO["description"]
    assert result.document.metadata["fallback"] == "description (no README)"


# PyPI


def test_pypi_project_description_license_and_release_signals(server: FixtureServer):
    server.json("/pypi/fernhill-csv/json", payloads.PYPI_PROJECT)

    result = PyPISource(make_client(), base_url=server.base_url).fetch("pypi:Fernhill_CSV")

    tool = result.tool
    assert tool.id == "pypi:fernhill-csv"
    assert (tool.version, tool.license, tool.pricing) == ("2.1.0", "BSD-3-Clause", "free")
    assert tool.homepage == "https://fernhill.example/docs"
    assert tool.summary == "Validate CSV exports against a column contract."
    assert result.document.media_type == "text/markdown"
    assert result.document.text.startswith("# fernhill-csv")
    signals = signals_of(result)
    assert signals["releases"] == 2.0  # 2.0.0 is yanked, 3.0.0a1 has no files
    expected_days = (datetime.now(UTC) - datetime(2024, 3, 1, 12, tzinfo=UTC)).total_seconds() / 86400
    assert abs(signals["days_since_release"] - expected_days) < 1


def test_pypi_without_release_list_gives_no_invented_signals(server: FixtureServer):
    trimmed = {key: value for key, value in payloads.PYPI_PROJECT.items() if key != "releases"}
    server.json("/pypi/fernhill-csv/json", trimmed)

    result = PyPISource(make_client(), base_url=server.base_url).fetch("pypi:fernhill-csv")

    assert result.signals == []


def test_pypi_unknown_project_is_not_found(server: FixtureServer):
    with pytest.raises(SourceError, match="pypi:no-such-thing: tool not found at PyPI"):
        PyPISource(make_client(), base_url=server.base_url).fetch("pypi:no-such-thing")


def test_pypi_bad_name_is_refused_before_any_request(server: FixtureServer):
    with pytest.raises(SourceError, match="not a valid PyPI project name"):
        PyPISource(make_client(), base_url=server.base_url).fetch("pypi:../../etc")
    assert server.requests == []


# OpenRouter


def openrouter(server: FixtureServer) -> OpenRouterSource:
    server.json("/api/v1/models", payloads.OPENROUTER_MODELS)
    return OpenRouterSource(make_client(), base_url=f"{server.base_url}/api/v1")


def test_openrouter_paid_model_with_price_and_facts(server: FixtureServer):
    result = openrouter(server).fetch("openrouter:mistwood/ledger-chat-7b")

    tool = result.tool
    assert (tool.name, tool.kind, tool.pricing) == ("Mistwood: Ledger Chat 7B", "Model", "paid")
    assert tool.starting_price is not None
    assert tool.starting_price.label() == "$2.50e-07 per prompt token"
    text = result.document.text
    assert text.startswith("Ledger Chat 7B answers bookkeeping questions")
    assert "- Context length: 65,536 tokens" in text
    assert "- Input modalities: text, image" in text
    assert "- Prompt price: $2.50e-07 per token" in text
    assert "- Completion price: $1.00e-06 per token" in text


def test_openrouter_free_and_variable_prices(server: FixtureServer):
    source = openrouter(server)

    free = source.fetch("openrouter:mistwood/ledger-chat-7b:free").tool
    variable = source.fetch("openrouter:brightfield/router-auto").tool

    assert (free.pricing, free.starting_price) == ("free", None)
    assert (variable.pricing, variable.starting_price) == ("unknown", None)


def test_openrouter_listing_is_fetched_once_for_many_refs(server: FixtureServer):
    source = openrouter(server)

    source.fetch("openrouter:mistwood/ledger-chat-7b")
    source.fetch("openrouter:brightfield/router-auto")

    assert len(server.requests_for("/api/v1/models")) == 1


def test_openrouter_unknown_model_is_not_found(server: FixtureServer):
    with pytest.raises(SourceError, match="openrouter:acme/none: tool not found at OpenRouter"):
        openrouter(server).fetch("openrouter:acme/none")


# Web pages


def test_web_page_keeps_the_main_text_and_drops_the_noise(server: FixtureServer):
    server.text("/product", payloads.WEB_PAGE, "text/html; charset=utf-8")

    result = WebSource(make_client()).fetch(f"url:{server.url('/product')}")

    text = result.document.text
    assert "keeps meeting notes on your own device" in text
    assert "decision log" in text
    for noise in (
        "TRACKER-SCRIPT-TEXT",
        "STYLE-RULE-TEXT",
        "COOKIE-BANNER-TEXT",
        "NAV-HOME-LINK",
        "FOOTER-LEGAL-TEXT",
        "LATE-SCRIPT-TEXT",
    ):
        assert noise not in text
    metadata = result.document.metadata
    assert metadata["title"] == "Driftwood Notes – offline-first meeting notes"
    links = json.loads(metadata["links"])
    assert [link["url"] for link in links] == [server.url("/docs/sync"), "https://elsewhere.example/review"]
    assert result.tool.kind == "Service"
    assert result.tool.name == "Driftwood Notes – offline-first meeting notes"


def test_web_markdown_url_is_taken_as_it_is(server: FixtureServer):
    server.text("/notes.md", "# Notes\n\nPlain **Markdown** page.", "text/markdown")

    result = WebSource(make_client()).fetch(f"url:{server.url('/notes.md')}")

    assert result.document.media_type == "text/markdown"
    assert result.document.text == "# Notes\n\nPlain **Markdown** page."


def test_web_binary_content_is_refused(server: FixtureServer):
    server.route("/paper", Reply(body=b"%PDF-1.7 binary", content_type="application/pdf"))

    with pytest.raises(SourceError, match="not a web page"):
        WebSource(make_client()).fetch(f"url:{server.url('/paper')}")


def test_web_missing_page_is_not_found(server: FixtureServer):
    with pytest.raises(SourceError, match="tool not found"):
        WebSource(make_client()).fetch(f"url:{server.url('/gone')}")


# Registry


def test_registry_knows_every_remote_scheme(server: FixtureServer):
    registry = SourceRegistry.from_options(source_options(make_settings(server.base_url)))

    assert registry.schemes == [
        "file",
        "github",
        "hf",
        "hf-dataset",
        "installed",
        "openrouter",
        "pypi",
        "url",
    ]


def test_registry_revalidates_through_the_cache_and_the_document_is_unchanged(server: FixtureServer):
    from tests.remote.helpers import MemoryHttpCache

    server.route(f"/api/models/{payloads.HF_MODEL_ID}", Reply(body=payloads.HF_MODEL_INFO, etag='"info-1"'))
    server.route(
        f"/{payloads.HF_MODEL_ID}/raw/main/README.md",
        Reply(body=payloads.HF_MODEL_CARD, content_type="text/markdown", etag='"card-1"'),
    )
    registry = SourceRegistry.from_options(
        source_options(make_settings(server.base_url)), cache=MemoryHttpCache()
    )

    first = registry.fetch(f"hf:{payloads.HF_MODEL_ID}")
    second = registry.fetch(f"hf:{payloads.HF_MODEL_ID}")

    assert second.document.sha256 == first.document.sha256
    card_requests = server.requests_for(f"/{payloads.HF_MODEL_ID}/raw/main/README.md")
    assert card_requests[1].header("If-None-Match") == '"card-1"'
    registry.close()


def test_web_url_too_long_for_a_tool_id_is_refused_before_fetching(server: FixtureServer):
    with pytest.raises(SourceError, match="too long for a tool id"):
        WebSource(make_client()).fetch(f"url:{server.url('/p')}?q={'x' * 600}")
    assert server.requests == []
