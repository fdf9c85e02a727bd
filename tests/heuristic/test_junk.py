"""The junk classes: each rule on text of its class and on a capability that resembles it, then
whole descriptions whose junk lists must give no record."""

from __future__ import annotations

import pytest

from extractors.heuristic import junk
from extractors.heuristic.naming import is_marketing_lead
from tests.heuristic.helpers import all_text, assert_grounded, document, extract, titles


@pytest.mark.parametrize(
    ("rule", "junk_text", "capability"),
    [
        (
            junk.is_model_list_entry,
            "Decoder-only LLMs (e.g., Llama, Qwen, Gemma)",
            "Integrations with vector stores (e.g., Qdrant, Milvus, Weaviate)",
        ),
        (
            junk.is_checkpoint,
            "bigscience/T0_3B (3B params)",
            "HTTP/2 and connection pooling for every client",
        ),
        (
            junk.is_code,
            "# create a collection with cosine distance",
            "Creates collections with cosine distance",
        ),
        (junk.is_code, "client = Client(api_key=key)", "Converts CSV -> Parquet without loading it all"),
        (
            junk.points_to_docs,
            "The full documentation can be found on the wiki page.",
            "Renders documentation pages from docstrings.",
        ),
        (
            junk.points_to_docs,
            "See the tutorial for a walkthrough.",
            "Writes a tutorial notebook per dataset.",
        ),
        (junk.is_install_step, "Install it with pip install ferrylight", "Installs plugins from a registry"),
        (junk.is_badge_line, "PyPI version | build passing | coverage", "Builds wheels for every platform"),
        (
            junk.names_people,
            "Thanks to all our contributors: @alice, @bob and @carol",
            "Lets contributors review each change before merging",
        ),
        (junk.names_people, "Made with love by the Tern team", "Requests made by the client are retried"),
        (junk.is_licence_line, "Licensed under the Apache License 2.0.", "Checks licences of dependencies"),
        (junk.is_licence_line, "MIT License", "Detects the licence of each file it scans"),
        (junk.is_navigation, "Install · Features · Docs · Community", "Fast, typed and tested"),
    ],
)
def test_each_junk_rule_spots_its_class_and_spares_a_lookalike_capability(
    rule: object, junk_text: str, capability: str
) -> None:
    assert callable(rule)
    assert rule(junk_text), junk_text
    assert not rule(capability), capability
    assert junk.junk_kind(capability) is None, capability


@pytest.mark.parametrize("name", ["err.message", "api_key", "eu", "fn", "inputs", "getUser", "--verbose"])
def test_api_identifiers_are_not_feature_names(name: str) -> None:
    assert junk.is_junk_name(name)


@pytest.mark.parametrize("name", ["Strict mode", "Caching", "HTTP/2", "UTF-8 everywhere", "Async aware"])
def test_feature_names_are_not_identifiers_or_model_ids(name: str) -> None:
    assert not junk.is_junk_name(name)


@pytest.mark.parametrize("name", ["bigscience/T0_3B", "tern-7b-chat", "acme/quill-base-v2"])
def test_model_ids_are_not_feature_names(name: str) -> None:
    assert junk.is_model_id(name)


@pytest.mark.parametrize(
    "lead", ["Fast", "Simple", "Robust", "Free", "Easy to use", "Fast & robust", "Blazing fast"]
)
def test_praise_lead_ins_are_marketing(lead: str) -> None:
    assert is_marketing_lead(lead)


@pytest.mark.parametrize("lead", ["Strict mode", "Replay offline", "Fast reports", "Caching"])
def test_descriptive_lead_ins_are_not_marketing(lead: str) -> None:
    assert not is_marketing_lead(lead)


SERVER = """# Ferrylight

Ferrylight is an inference server for large language models.

## Features

- **Fast**: continuous batching serves three times more requests than naive batching.
- **Simple**: one command starts an OpenAI-compatible HTTP endpoint.
- Paged attention cache that keeps memory waste under four percent.
- See the [documentation](https://ferrylight.example/docs) for the full list.

## Supported models

- Decoder-only LLMs (e.g., Llama, Qwen, Gemma)
- Mixture-of-expert LLMs (e.g., Mixtral, DeepSeek)

## Checkpoints

| Model | Params | Notes |
|---|---|---|
| ferry/ferry-7b-chat | 7B | tuned for chat and instructions |
| ferry/ferry-13b-base | 13B | the base model without any tuning |
"""

SDK = """# chatterpy

The Python client for the Chatter messaging API.

## Configuration

- `api_key`: your API key for the service
- `region`: either `eu` or `us` as the data region

## Error attributes

| Attribute | Meaning |
|---|---|
| err.message | a human readable message |
| err.status | the HTTP status code of the answer |

Callbacks:

- **fn**: the callback that gets every event
- **inputs**: the inputs that are sent along

## Retries

Failed requests are retried twice with exponential backoff by default.
"""


def test_a_server_readme_gives_features_not_its_model_list_checkpoints_or_pointer() -> None:
    doc = document(SERVER)
    result = assert_grounded(extract(doc), doc)
    assert titles(result) == [
        "Continuous batching",
        "One command starts an OpenAI-compatible HTTP endpoint",
        "Paged attention cache that keeps memory waste under four percent",
    ]
    text = all_text(result)
    for absent in ("llama", "mixtral", "ferry-7b", "documentation", "**"):
        assert absent not in text, absent


def test_an_sdk_readme_gives_no_record_named_by_a_parameter_or_attribute() -> None:
    doc = document(SDK)
    result = assert_grounded(extract(doc), doc)
    assert result.capabilities
    for title in titles(result):
        assert title not in {"api_key", "region", "err.message", "err.status", "fn", "inputs"}, title
    assert "err.message" not in all_text(result)


def test_code_comments_and_doc_pointers_in_prose_are_not_statements() -> None:
    doc = document(
        "tidemark\n\ntidemark keeps a rolling window of metrics in memory and flushes it to disk.\n\n"
        "    # create a window of five minutes\n    window = tidemark.Window(minutes=5)\n\n"
        "The full documentation can be found on the wiki page.\n",
        "text/plain",
    )
    result = assert_grounded(extract(doc), doc)
    assert titles(result) == ["tidemark keeps a rolling window of metrics in memory and flushes it to disk"]


# -- thin descriptions: their tagline and summary sentences are the records -----------------------

THIN = """# Tideline

> A time-series store that compresses sensor readings tenfold and answers range queries in milliseconds.

```python
import tideline
db = tideline.open("./data")
# downsample old readings to hourly averages after thirty days
db.retention("30d", downsample="1h")
```

## Tideline Cloud

Tideline Cloud is the hosted version: we run the cluster, back it up every night and scale it with
your write rate. The free tier holds a million points, no card needed.

## License

Apache-2.0
"""


def test_a_thin_description_gives_its_tagline_and_hosted_section_but_no_code_comment_or_offer() -> None:
    doc = document(THIN)
    result = assert_grounded(extract(doc), doc)
    assert titles(result) == [
        "A time-series store that compresses sensor readings tenfold and answers range",
        "Tideline Cloud is the hosted version: we run the cluster",
    ]
    text = all_text(result)
    for absent in ("downsample", "free tier", "no card", "apache"):
        assert absent not in text, absent


def test_a_tagline_alone_is_a_record_but_beside_features_it_is_the_summary() -> None:
    alone = document("# Brook\n\nA tiny job queue for SQLite-backed web apps.\n\n## License\n\nMIT\n")
    assert titles(assert_grounded(extract(alone), alone)) == ["A tiny job queue for SQLite-backed web apps"]
    beside = document(
        "# Brook\n\nA tiny job queue for SQLite-backed web apps.\n\n## Features\n\n"
        "- Jobs survive restarts because they live in the database.\n"
        "- Failed jobs are retried with backoff.\n"
    )
    assert titles(extract(beside)) == [
        "Jobs survive restarts because they live in the database",
        "Failed jobs are retried with backoff",
    ]


def test_an_install_line_only_description_still_gives_no_record() -> None:
    doc = document("# stubby\n\n```\npip install stubby\n```\n\nInstall it with pip install stubby.\n")
    assert extract(doc).capabilities == []


MANUAL = """Driftmark
=========

Driftmark keeps a folder of notes in sync between machines without a server.

Contents

  1. Installing
  2. Syncing folders
  3. Conflict handling

1. Installing
-------------

    pip install driftmark

2. Syncing folders
------------------

Folders are watched for changes and synced within a second over the local network.

3. Conflict handling
--------------------

When two machines change one note, both versions are kept side by side and the newer is marked.
"""


def test_a_table_of_contents_gives_no_record_and_headings_are_quoted_where_they_stand() -> None:
    doc = document(MANUAL, media_type="text/plain", tool_id="file:test/driftmark.txt")
    result = assert_grounded(extract(doc), doc)
    contents_start = MANUAL.index("  1. Installing")
    contents_end = MANUAL.index("1. Installing\n---")
    assert result.capabilities
    for capability in result.capabilities:
        for evidence in capability.evidence:
            assert evidence.start is not None
            assert not contents_start <= evidence.start < contents_end, evidence.quote


def test_grounding_keeps_the_occurrence_the_extractor_meant() -> None:
    from extractors.grounding import ground
    from schemas import Capability, CapabilitySet, Evidence

    doc = document(MANUAL, media_type="text/plain", tool_id="file:test/driftmark.txt")
    heading = MANUAL.index("2. Syncing folders\n---")
    records = CapabilitySet(
        tool_id=doc.tool_id,
        document_sha256=doc.sha256,
        extractor="heuristic",
        prompt_version="t",
        capabilities=[
            Capability(
                title="Syncing folders",
                description="Syncs folders.",
                evidence=[Evidence(quote="2. Syncing folders", start=heading, end=heading + 18)],
            )
        ],
    )
    (grounded,) = ground(records, doc).capabilities
    assert grounded.evidence[0].start == heading
    without_hint = records.capabilities[0].evidence[0].model_copy(update={"start": None, "end": None})
    unhinted = records.model_copy(
        update={"capabilities": [records.capabilities[0].model_copy(update={"evidence": [without_hint]})]}
    )
    assert ground(unhinted, doc).capabilities[0].evidence[0].start == MANUAL.index("2. Syncing folders")


@pytest.mark.parametrize(
    ("junk_text", "capability"),
    [
        ("The model was trained on data up to March 2026.", "The model answers in 40 languages."),
        ("Get 1,000 free credits", "Credits unused in a month roll over to the next."),
        ("Or, using the command-line client.", "Ships an integrated command-line client."),
        ("Which now allows us to use it directly from the shell.", "Also runs as a shell command."),
        ("Tern is one of the most downloaded packages today.", "Downloads resume where they stopped."),
    ],
)
def test_training_details_offers_continuations_and_popularity_are_junk(
    junk_text: str, capability: str
) -> None:
    assert junk.junk_kind(junk_text) is not None
    assert junk.junk_kind(capability) is None
