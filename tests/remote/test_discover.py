"""Discovery asks each listing API once (GitHub: page by page) and ranks by the source's own measure."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from capgraph.stage_options import source_options
from schemas import SourceError
from sources.discover import discover_github, discover_hf, discover_openrouter
from tests.fakes.fixture_server import FixtureServer, Reply
from tests.remote import payloads
from tests.remote.helpers import make_client, make_settings


def query_of(path: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(path).query)


def test_discover_hf_models_sorted_by_downloads(server: FixtureServer):
    server.json(
        "/api/models",
        [
            {"id": "acme/medium", "downloads": 500, "likes": 3},
            {"id": "acme/popular", "downloads": 9000, "likes": 1},
            {"id": "acme/niche", "downloads": 12, "likes": 99},
        ],
    )

    refs = discover_hf(make_client(), source_options(make_settings(server.base_url)), "model", 3)

    assert refs == ["hf:acme/popular", "hf:acme/medium", "hf:acme/niche"]
    query = query_of(server.requests[0].path)
    assert query == {"sort": ["downloads"], "direction": ["-1"], "limit": ["3"]}


def test_discover_hf_datasets_use_the_dataset_scheme(server: FixtureServer):
    server.json("/api/datasets", [{"id": payloads.HF_DATASET_ID, "downloads": 4}])

    refs = discover_hf(make_client(), source_options(make_settings(server.base_url)), "dataset", 5)

    assert refs == [f"hf-dataset:{payloads.HF_DATASET_ID}"]


def test_discover_github_pages_through_search_and_ranks_by_stars(server: FixtureServer):
    page_one = [{"full_name": f"org/repo{n}", "stargazers_count": 1000 - n} for n in range(100)]
    page_two = [{"full_name": "org/late-bloomer", "stargazers_count": 5000}, *page_one[:1]]
    server.route("/search/repositories", *[_search(page_one), _search(page_two)])

    refs = discover_github(
        make_client(), source_options(make_settings(server.base_url)), "vector-database", 150
    )

    assert refs[0] == "github:org/late-bloomer"
    assert refs[1:3] == ["github:org/repo0", "github:org/repo1"]
    assert len(refs) == 101  # the second page was short, and repo0 is counted once
    queries = [query_of(seen.path) for seen in server.requests]
    assert [query["page"] for query in queries] == [["1"], ["2"]]
    assert queries[0]["q"] == ["topic:vector-database"] and queries[0]["sort"] == ["stars"]


def test_discover_github_refuses_a_topic_with_spaces(server: FixtureServer):
    with pytest.raises(SourceError, match="a topic is one word"):
        discover_github(make_client(), source_options(make_settings(server.base_url)), "two words", 5)
    assert server.requests == []


def test_discover_openrouter_keeps_the_listing_order(server: FixtureServer):
    server.json("/api/v1/models", payloads.OPENROUTER_MODELS)
    settings = source_options(make_settings(server.base_url))

    assert discover_openrouter(make_client(), settings, 2) == [
        "openrouter:mistwood/ledger-chat-7b",
        "openrouter:mistwood/ledger-chat-7b:free",
    ]
    assert len(discover_openrouter(make_client(), settings, None)) == 3


def test_top_must_be_positive(server: FixtureServer):
    with pytest.raises(SourceError, match="top must be between 1 and 1000, not 0"):
        discover_hf(make_client(), source_options(make_settings(server.base_url)), "model", 0)


def _search(items: list[dict]) -> Reply:
    return Reply(body={"total_count": 101, "incomplete_results": False, "items": items})
