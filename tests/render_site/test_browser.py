"""The hostile site in a real headless Chromium, from file://: our search runs, nothing injected does.

Skipped where no Chromium is installed. The browser is kept off the network entirely (every host
name resolves to nothing and a dead proxy is set), so the test only ever reads local files.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import lxml.html
import pytest

from render.site import pair_page_path, tool_page_path
from tests.render_site.hostile_site import (
    HOSTILE_TITLES,
    hostile_profile,
    hostile_site,
    second_hostile_profile,
)
from tests.render_site.site_factories import build
from tests.render_site.site_reading import by_testid, squash

CHROMIUM = next(
    (found for name in ("chromium", "chromium-browser", "google-chrome") if (found := shutil.which(name))),
    None,
)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs a Chromium to run the pages")

OFFLINE_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=127.0.0.1:9",
)


def file_url(site: Path, url: str) -> str:
    path, _, fragment = url.partition("#")
    return (site / path).resolve().as_uri() + (f"#{fragment}" if fragment else "")


def dump_doms(site: Path, profile_dir: Path, urls: list[str]) -> list[lxml.html.HtmlElement]:
    """Each page's DOM after its scripts ran, loaded in parallel browsers."""
    runs = [
        subprocess.Popen(
            [
                CHROMIUM,
                *OFFLINE_FLAGS,
                f"--user-data-dir={profile_dir / str(number)}",
                "--dump-dom",
                file_url(site, url),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        for number, url in enumerate(urls)
    ]
    doms = []
    for run in runs:
        output, _ = run.communicate(timeout=120)
        assert run.returncode == 0
        doms.append(lxml.html.document_fromstring(output))
    return doms


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    site, _ = build(tmp_path_factory.mktemp("browser"), hostile_site())
    evil_id = hostile_profile().tool.id
    urls = [
        "index.html#q=title%20with",
        tool_page_path(evil_id),
        pair_page_path(evil_id, second_hostile_profile().tool.id),
    ]
    return dict(zip(urls, dump_doms(site, tmp_path_factory.mktemp("chromium"), urls), strict=True))


def test_search_ran_and_no_injected_script_did(pages):
    for url, tree in pages.items():
        root = tree.getroottree().getroot()
        assert root.get("data-pwned") is None, url
        if url.startswith("index.html"):
            assert root.get("data-search-ready") == "1"


def test_search_lists_hostile_titles_as_text_linked_to_their_tool_page(pages):
    tree = pages["index.html#q=title%20with"]

    results = by_testid(tree, "search-result")
    links = [result.find("a") for result in results]
    # Both hostile tools carry the same titles; the search matches two of each.
    assert [squash(link.text_content()) for link in links] == [
        squash(title) for title in HOSTILE_TITLES[1:]
    ] * 2
    pages = [tool_page_path(profile.tool.id) for profile in (hostile_profile(), second_hostile_profile())]
    assert [link.get("href") for link in links] == [f"{page}#cap-{n}" for page in pages for n in (1, 2)]
    assert [element.tag for result in results for element in result.iter()] == ["li", "a", "span"] * 4
    assert tree.find(".//input[@id='search']").get("value") is None  # set as a property, not markup


def test_tool_and_pair_pages_show_their_testids(pages):
    tool, pair = list(pages.values())[1:]

    assert len(by_testid(tool, "score-table")) == 1
    assert len(by_testid(tool, "capability")) == 3
    assert len(by_testid(pair, "score-table")) == 1
    assert len(by_testid(pair, "capability")) == 6
    assert len(by_testid(pair, "verdict")) == 1
