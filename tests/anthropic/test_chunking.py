"""Long documents: split on section boundaries, extracted part by part, merged without duplicates."""

from __future__ import annotations

from extractors.anthropic.chunking import section_starts, split_into_parts, split_text
from extractors.anthropic.merge import merge_capability_sets, title_key
from schemas import NOT_STATED, Capability, CapabilitySet, Evidence
from tests.anthropic.helpers import TIDEPOOL, RecordingHooks, make_document
from tests.fakes.anthropic_server import (
    FakeAnthropic,
    RecordedRequest,
    Reply,
    answer_reply,
    capability,
    document_in,
    quotable_sentences,
    tokens,
)


def long_description(target_chars: int = 300_000) -> str:
    """A made-up manual for a buoy log toolkit: many headed sections of plain sentences."""
    pieces = ["# Tidepool manual\n\nTidepool reads the logs that coastal monitoring buoys write.\n"]
    index = 0
    while sum(len(piece) for piece in pieces) < target_chars:
        pieces.append(
            f"\n## Station profile {index}\n\n"
            f"Station profile {index} decodes the wave height channel of buoy model {index}.\n"
            f"It checks record checksum {index} before it accepts a line from the log.\n"
            f"Late readings from station {index} are kept and marked with the time they were received.\n\n"
            "Calibration tables are read from the station folder when the profile is loaded. "
            "Missing tables are reported once per run instead of once per reading.\n"
        )
        index += 1
    return "".join(pieces)


def test_markdown_headings_start_sections_but_not_inside_code_fences() -> None:
    text = "Intro line\n\n# One\nbody\n```\n# not a heading\n```\n## Two\nbody\n"
    starts = section_starts(text)
    assert [text[start:].split("\n", 1)[0] for start in starts] == ["Intro line", "# One", "## Two"]


def test_rest_titles_start_sections_at_their_overline_when_they_have_one() -> None:
    text = "=====\nTitle\n=====\n\nIntro.\n\nUsage\n-----\n\nRun it.\n\nNot a title\n---\n"
    starts = section_starts(text)
    assert [text[start:].split("\n", 1)[0] for start in starts] == ["=====", "Usage"]


def test_parts_cover_the_text_exactly_and_respect_the_limit() -> None:
    text = long_description(50_000)
    spans = split_text(text, 4_000)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(end - begin <= 4_000 for begin, end in spans)
    assert all(spans[i][1] == spans[i + 1][0] for i in range(len(spans) - 1))
    assert "".join(split_into_parts(text, 4_000)) == text
    # Every part begins at a section heading: no section was cut.
    assert all(text[begin:].startswith(("# ", "## ")) for begin, _ in spans)


def test_an_oversized_section_falls_back_to_paragraphs_then_whitespace() -> None:
    paragraph = "word " * 300  # 1500 characters, no blank line inside
    text = f"# Only section\n\n{paragraph}\n\nshort closing paragraph\n"
    parts = split_into_parts(text, 1000)
    assert "".join(parts) == text
    assert all(len(part) <= 1000 for part in parts)
    assert all(not part.startswith("ord") for part in parts)  # cut between words, not inside one


def test_a_300kb_document_is_counted_split_extracted_and_merged(fake: FakeAnthropic, make_extractor) -> None:
    extractor = make_extractor(anthropic_input_token_budget=20_000)
    hooks = RecordingHooks()
    document = make_document(long_description())
    assert len(document.text.encode()) >= 300_000

    result = extractor.extract(document, tool=TIDEPOOL, hooks=hooks)

    count_calls = [call for call in hooks.calls if call.purpose == "count_tokens"]
    chunk_calls = [call for call in hooks.calls if call.purpose == "chunk"]
    assert len(count_calls) == 1 and count_calls[0].cost_usd == 0 and count_calls[0].input_tokens == 0
    assert len(fake.requests_to("/count_tokens")) == 1
    requests = fake.message_requests
    assert len(requests) == len(chunk_calls) >= 4
    for number, request in enumerate(requests, start=1):
        prompt = request.body["system"][0]["text"] + request.text_of_turn(0)
        assert tokens(prompt) <= 20_000
        assert f"This is part {number} of {len(requests)} of a long description." in request.text_of_turn(0)
    parts = [document_in(request.body) for request in requests]
    assert "".join(parts) == document.text

    assert len(result.capabilities) == 3 * len(requests)
    assert len({title_key(record.title) for record in result.capabilities}) == len(result.capabilities)
    for record in result.capabilities:
        assert record.grounded
        for evidence in record.evidence:
            assert document.text[evidence.start : evidence.end] == evidence.quote


def test_the_same_capability_found_in_two_parts_is_merged_with_both_quotes(
    fake: FakeAnthropic, make_extractor
) -> None:
    extractor = make_extractor(anthropic_input_token_budget=20_000)

    def same_title(request: RecordedRequest) -> Reply:
        first, second = quotable_sentences(document_in(request.body), 2)
        return answer_reply(
            [
                capability("Decodes wave height channels", first),
                capability(f"Part fact: {second[:40]}", second),
            ]
        )

    fake.queue("messages", *(same_title for _ in range(10)))
    document = make_document(long_description())
    result = extractor.extract(document, tool=TIDEPOOL)

    parts = len(fake.message_requests)
    merged = [
        record for record in result.capabilities if title_key(record.title) == "decodes wave height channels"
    ]
    assert len(merged) == 1
    assert len(merged[0].evidence) == parts
    assert len(result.capabilities) == 1 + parts
    assert all(record.grounded for record in result.capabilities)


def test_a_document_under_half_the_budget_is_not_counted(fake: FakeAnthropic, extractor) -> None:
    extractor.extract(make_document(), tool=TIDEPOOL)
    assert fake.requests_to("/count_tokens") == []


def test_a_document_that_counts_under_the_budget_is_sent_whole(fake: FakeAnthropic, make_extractor) -> None:
    # 30,000 characters estimate at 10,000 tokens (over half of 12,000) but count at 7,500.
    extractor = make_extractor(anthropic_input_token_budget=12_000)
    document = make_document(long_description(30_000))
    extractor.extract(document, tool=TIDEPOOL)
    assert len(fake.requests_to("/count_tokens")) == 1
    (request,) = fake.message_requests
    assert document_in(request.body) == document.text


def _record(title: str, quote: str, *, unique: str = NOT_STATED, grounded: bool = True) -> Capability:
    return Capability(
        title=title, description="d", unique=unique, evidence=[Evidence(quote=quote)], grounded=grounded
    )


def _set(*records: Capability) -> CapabilitySet:
    return CapabilitySet(
        tool_id="pypi:tidepool",
        document_sha256="0" * 64,
        extractor="anthropic",
        prompt_version="v",
        capabilities=list(records),
    )


def test_merging_keys_on_normalised_titles_and_prefers_stated_claims() -> None:
    merged = merge_capability_sets(
        [
            _set(_record("Reads Parquet files", "quote one"), _record("Exports Arrow", "quote two")),
            _set(
                _record("reads  parquet-files!", "Quote One", unique="Zero-copy reads."), _record("New", "q3")
            ),
        ]
    )
    titles = [record.title for record in merged.capabilities]
    assert titles == ["Reads Parquet files", "Exports Arrow", "New"]
    reads = merged.capabilities[0]
    assert reads.unique == "Zero-copy reads."
    assert [evidence.quote for evidence in reads.evidence] == ["quote one"]  # same quote, folded: kept once
