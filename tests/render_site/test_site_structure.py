"""The written site: which files exist, how they link, what each page shows."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from render import ToolScores, build_comparison, comparison_to_html
from render.site import SiteTool, pair_page_path, site_files, tool_page_path
from render.site.pages import CONTENT_SECURITY_POLICY
from tests.render.factories import numbered_capabilities, vector_database
from tests.render.matching import vector_vs_etl_match
from tests.render.page_reading import block_texts, html_to_tree
from tests.render_site.site_factories import GENERATED_AT, alternative, build, four_tools
from tests.render_site.site_reading import by_testid, html_pages, is_external, references, resolve, squash

QUILLVEC, PIPEWRIGHT = "pypi:quillvec", "pypi:pipewright"
ORCA, TIDEPOOL = "hf:orca-labs/orca-mini-chat", "hf:datasets/tidepool-corpus"


@pytest.fixture
def site(tmp_path):
    return build(tmp_path, four_tools())


def test_writes_the_index_each_tool_each_pair_once_and_the_assets(site):
    out, summary = site
    written = sorted(path.relative_to(out).as_posix() for path in out.rglob("*") if path.is_file())

    assert written == sorted(
        [
            "index.html",
            "assets/site.css",
            "assets/search.js",
            "assets/search-index.js",
            *(tool_page_path(tool_id) for tool_id in (QUILLVEC, PIPEWRIGHT, ORCA, TIDEPOOL)),
            # Quillvec and Pipewright list each other: one page. Orca's other alternative is not in the site.
            pair_page_path(QUILLVEC, PIPEWRIGHT),
            pair_page_path(QUILLVEC, ORCA),
        ]
    )
    assert (summary.pages, summary.pairs, summary.files) == (7, 2, 10)
    assert summary.bytes == sum(path.stat().st_size for path in out.rglob("*") if path.is_file())


def test_every_link_and_asset_reference_resolves_to_a_written_file(site):
    out, _ = site
    written = {path.relative_to(out).as_posix() for path in out.rglob("*") if path.is_file()}

    checked = 0
    for page, tree in html_pages(out).items():
        for reference in references(tree):
            if is_external(reference):
                continue
            assert not reference.startswith("/"), (page, reference)
            assert resolve(page, reference) in written, (page, reference)
            checked += 1
    assert checked > 20


def test_every_page_has_the_csp_referrer_policy_stylesheet_and_nav(site):
    out, _ = site
    for page, tree in html_pages(out).items():
        policy = tree.find(".//head/meta[@http-equiv='Content-Security-Policy']")
        assert policy is not None and policy.get("content") == CONTENT_SECURITY_POLICY, page
        assert tree.find(".//head/meta[@name='referrer']").get("content") == "no-referrer"
        assert [link.get("href") for link in tree.iter("link")] == [resolve_back(page, "assets/site.css")]
        nav = tree.find(".//nav")
        assert resolve(page, nav.find("a").get("href")) == "index.html"
        assert tree.find(".//style") is None  # the CSP allows no inline style


def resolve_back(page: str, target: str) -> str:
    return "../" + target if "/" in page else target


def test_pair_pages_are_linked_from_both_tool_pages(site):
    out, _ = site
    pages = html_pages(out)
    pair = pair_page_path(QUILLVEC, ORCA)

    for tool_id in (QUILLVEC, ORCA):
        page = tool_page_path(tool_id)
        targets = {resolve(page, reference) for reference in references(pages[page])}
        assert pair in targets, tool_id
    # Pipewright is compared with Quillvec only.
    pipewright = tool_page_path(PIPEWRIGHT)
    targets = {resolve(pipewright, ref) for ref in references(pages[pipewright])}
    assert {target for target in targets if target.startswith("compare/")} == {
        pair_page_path(QUILLVEC, PIPEWRIGHT)
    }


def test_pair_page_shows_the_comparison_page_body(site):
    out, _ = site
    tools = {tool.profile.tool.id: tool for tool in four_tools()}
    expected = build_comparison(
        tools[PIPEWRIGHT].profile,
        tools[QUILLVEC].profile,
        12,
        scores={QUILLVEC: tools[QUILLVEC].scores, PIPEWRIGHT: tools[PIPEWRIGHT].scores},
        match=vector_vs_etl_match().flipped(),
    )
    tree = html_pages(out)[pair_page_path(QUILLVEC, PIPEWRIGHT)]

    page_blocks = block_texts(tree)
    body_blocks = block_texts(html_to_tree(comparison_to_html(expected)))
    assert page_blocks[: len(body_blocks)] == body_blocks
    assert "Shared and distinct capabilities" in page_blocks
    assert len(by_testid(tree, "score-table")) == 1
    assert len(by_testid(tree, "capability")) == 5
    assert squash(by_testid(tree, "verdict")[0].text_content()).startswith("Verdict")


def test_tool_page_shows_scores_records_and_alternatives(site):
    out, _ = site
    tree = html_pages(out)[tool_page_path(QUILLVEC)]

    table = by_testid(tree, "score-table")[0]
    rows = {squash(row[0].text_content()): squash(row[1].text_content()) for row in table.iter("tr")}
    assert rows["Rank"] == "71/100"
    assert rows["Adoption"] == "3"
    assert rows["Times Matched"] == "12"
    assert rows["Capabilities"] == "3 decomposed, 3 grounded"
    capabilities = by_testid(tree, "capability")
    assert [element.get("id") for element in capabilities] == ["cap-0", "cap-1", "cap-2"]
    assert "“a single memory-mapped file holds the index”" in squash(capabilities[0].text_content())
    assert "✓ grounded" in squash(capabilities[0].text_content())
    alternatives = [
        [squash(cell.text_content()) for cell in row] for row in by_testid(tree, "alternatives")[0].iter("tr")
    ]
    assert alternatives[1:] == [
        ["1", "Pipewright", "63%", "1", "Compare"],
        ["2", "Orca Mini Chat", "21%", "0", "Compare"],
    ]


def test_tool_page_marks_unverified_records(site):
    out, _ = site
    tree = html_pages(out)[tool_page_path(PIPEWRIGHT)]

    texts = [squash(element.text_content()) for element in by_testid(tree, "capability")]
    assert "⚠ unverified" in texts[1] and "✓ grounded" not in texts[1]
    assert "✓ grounded" in texts[0]


def test_alternative_outside_the_site_is_listed_without_links(site):
    out, _ = site
    tree = html_pages(out)[tool_page_path(ORCA)]

    rows = list(by_testid(tree, "alternatives")[0].iter("tr"))
    absent = next(row for row in rows if "Absent Tool" in row.text_content())
    assert list(absent.iter("a")) == []
    assert squash(absent.text_content()).endswith("—")


def test_index_lists_every_tool_by_rank_with_kind_and_counts(site):
    out, _ = site
    tree = html_pages(out)["index.html"]

    rows = [
        [squash(cell.text_content()) for cell in row] for row in by_testid(tree, "tool-index")[0].iter("tr")
    ]
    assert rows[1:] == [
        ["Quillvec", "Package", "71/100", "3"],
        ["Pipewright", "Package", "44/100", "2"],
        ["Orca Mini Chat", "Model", "—", "4"],
        ["Tidepool Corpus", "Dataset", "—", "0"],
    ]
    assert tree.find(".//input[@id='search']") is not None
    assert [script.get("src") for script in tree.iter("script")] == [
        "assets/search-index.js",
        "assets/search.js",
    ]
    assert "2026-11-01 09:30 UTC" in squash(tree.find(".//footer").text_content())


def test_an_empty_tool_list_gives_a_valid_index(tmp_path):
    out, summary = build(tmp_path, [])

    assert (summary.pages, summary.pairs) == (1, 0)
    tree = html_pages(out)["index.html"]
    assert tree.find(".//title").text == "Tool capabilities"
    assert "0 tools" in squash(tree.text_content())
    assert (out / "assets" / "search-index.js").read_text() == "window.capgraphSearchIndex = [];\n"


def test_pairs_per_tool_limits_the_comparisons(tmp_path):
    _, summary = build(tmp_path, four_tools(), pairs_per_tool=0)
    assert summary.pairs == 0

    _, summary = build(tmp_path / "one", four_tools(), pairs_per_tool=1)
    assert summary.pairs == 2  # Quillvec–Pipewright (both's first) and Orca's first, Quillvec


def test_comparison_pages_show_at_most_max_capabilities_but_tool_pages_show_all(tmp_path):
    tools = four_tools()
    many = vector_database(capabilities=numbered_capabilities(15))
    tools[0] = SiteTool(profile=many, alternatives=(alternative(tools[2].profile, 1, 0.3),))
    tools[1] = SiteTool(profile=tools[1].profile)
    out, _ = build(tmp_path, tools, max_capabilities=5)
    pages = html_pages(out)

    assert len(by_testid(pages[tool_page_path(QUILLVEC)], "capability")) == 15
    comparison = pages[pair_page_path(QUILLVEC, ORCA)]
    assert len(by_testid(comparison, "capability")) == 5 + 4
    assert "+10 more capabilities" in squash(comparison.text_content())


def test_files_stream_one_at_a_time():
    tools = [
        SiteTool(profile=vector_database().model_copy(update={"tool": tool}), scores=ToolScores())
        for tool in (
            vector_database().tool.model_copy(update={"id": f"pypi:tool-{number}", "name": f"Tool {number}"})
            for number in range(300)
        )
    ]
    files = site_files(tools, generated_at=GENERATED_AT)

    assert isinstance(files, Iterator)
    assert not isinstance(files, list | tuple)
    paths = [next(files)[0] for _ in range(5)]
    assert paths == [
        "assets/site.css",
        "assets/search.js",
        "assets/search-index.js",
        "index.html",
        "tools/pypi_tool-0.html",
    ]
    assert sum(1 for _ in files) == 299
