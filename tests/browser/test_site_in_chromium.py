"""The generated site in headless Chromium: pages load from file://, search runs, hostile text stays inert.

A tool whose description carries scripts, event attributes and javascript: links is ingested with the
real pipeline, the site is built with `capgraph site`, and Chromium loads the index and a comparison
page. The DOM Chromium reports after running the page decides: our search script ran, none of the
description's code did.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import lxml.html
import pytest
from typer.testing import CliRunner

from capgraph.catalog import CatalogEntry
from capgraph.pipeline import IngestContext, run_serially
from capgraph.settings import Settings
from cli.main import app

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
WINDOW = (1280, 1000)
PWNED = "document.documentElement.dataset.pwned"

HOSTILE = f"""# Nightjar <script>{PWNED} = "heading"</script>

Nightjar streams events into columnar storage <img src="x" onerror="{PWNED} = 'img'">.

## Features

- **Streaming ingest <script>{PWNED} = 'title'</script>**: loads events into columnar tables as they arrive.
- **Window queries**: runs [ranking and moving averages](javascript:{PWNED}='link') over ordered events.
- **Parquet export <a href="#" onclick="{PWNED} = 'click'">now</a>**: writes Parquet files of any time range.
"""
NEIGHBOURS = {
    "lumen.md": """# Lumen

Lumen is a columnar query engine for laptops.

## Features

- **Vectorised execution**: processes batches of values at a time so columnar scans stay fast.
- **Parquet reads**: queries Parquet files in place without loading them first.
- **Window functions**: supports ranking, running totals and moving averages over ordered rows.
""",
    "tidewater.md": """# Tidewater

Tidewater schedules and retries data pipelines.

## Features

- **Cron schedules**: runs each pipeline on a cron expression in any time zone.
- **Automatic retries**: retries failed steps with exponential backoff before alerting.
- **Streaming sources**: consumes events from queues as they arrive and hands them to pipelines.
""",
}


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def chromium() -> str:
    binary = _chromium()
    if binary is None:
        if os.environ.get("REQUIRE_CHROMIUM") == "1":
            pytest.fail("chromium is not installed: .ci/ensure-chromium should have installed it")
        pytest.skip("chromium is not installed (`make test` installs it when it can)")
    return binary


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("browser")
    descriptions = folder / "descriptions"
    descriptions.mkdir()
    (descriptions / "nightjar.md").write_text(HOSTILE, encoding="utf-8")
    for name, text in NEIGHBOURS.items():
        (descriptions / name).write_text(text, encoding="utf-8")
    settings = Settings(_env_file=None, db=folder / "capgraph.duckdb", extractor="heuristic", concurrency=2)
    hostile_ref = f"file:{descriptions / 'nightjar.md'}"
    refs = [
        (hostile_ref, CatalogEntry(ref=hostile_ref, homepage=f"javascript:{PWNED}='homepage'")),
        *((f"file:{descriptions / name}", None) for name in NEIGHBOURS),
    ]
    summary = run_serially(refs, IngestContext.create(settings))
    assert summary.ok, summary.failures
    out = folder / "site"
    result = CliRunner().invoke(app, ["site", "--out", str(out), "--db", str(settings.db)])
    assert result.exit_code == 0, result.output
    return out


def _run(chromium: str, profile: Path, *args: str, url: str) -> subprocess.CompletedProcess[str]:
    command = [
        chromium,
        *CHROMIUM_FLAGS,
        f"--user-data-dir={profile}",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        "--virtual-time-budget=5000",
        *args,
        url,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def _dom(chromium: str, tmp_path: Path, url: str) -> lxml.html.HtmlElement:
    result = _run(chromium, tmp_path / "profile-dom", "--dump-dom", url=url)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "<html" in result.stdout, result.stderr[-2000:]
    return lxml.html.fromstring(result.stdout)


def _screenshot(chromium: str, tmp_path: Path, url: str, name: str) -> Path:
    target = tmp_path / name
    result = _run(chromium, tmp_path / f"profile-{name}", f"--screenshot={target}", url=url)
    assert result.returncode == 0, result.stderr[-2000:]
    return target


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def _assert_inert(dom: lxml.html.HtmlElement, site: Path) -> None:
    root = dom.getroottree().getroot()
    assert "data-pwned" not in root.attrib, f"a description's script ran: {root.attrib['data-pwned']}"
    for script in dom.iter("script"):
        # Only our own scripts, loaded from the site's assets, may exist at all.
        assert script.get("src", "").startswith(("assets/", "../assets/")), lxml.html.tostring(script)
    for element in dom.iter():
        if not isinstance(element.tag, str):
            continue
        handlers = [name for name in element.attrib if name.lower().startswith("on")]
        assert not handlers, f"event attribute {handlers} on <{element.tag}>"
        href = element.get("href", "")
        assert not href.strip().lower().startswith("javascript:"), f"javascript: link {href!r}"


def _comparison_page_of_nightjar(site: Path) -> Path:
    pages = sorted(page for page in (site / "compare").glob("*.html") if "nightjar" in page.name)
    assert pages, f"no comparison page for nightjar in {sorted(p.name for p in (site / 'compare').iterdir())}"
    return pages[0]


def test_index_loads_and_search_finds_capabilities(chromium: str, site: Path, tmp_path: Path) -> None:
    index = site / "index.html"
    dom = _dom(chromium, tmp_path, f"{index.as_uri()}#q=parquet")
    assert dom.getroottree().getroot().get("data-search-ready") == "1", "the site's search script did not run"
    _assert_inert(dom, site)
    text = dom.text_content()
    for name in ("Nightjar", "Lumen", "Tidewater"):
        assert name in text
    results = dom.xpath("//*[@data-testid='search-results']")
    assert results, "no search results container"
    found = results[0].text_content().lower()
    assert "parquet" in found, f"searching 'parquet' listed: {found!r}"
    assert "cron" not in found


def test_comparison_has_table_capabilities_and_verdict(chromium: str, site: Path, tmp_path: Path) -> None:
    page = _comparison_page_of_nightjar(site)
    dom = _dom(chromium, tmp_path, page.as_uri())
    _assert_inert(dom, site)
    table = dom.xpath("//*[@data-testid='score-table']")
    assert table, "no score table"
    labels = [cell.text_content().strip() for cell in table[0].iter("th")]
    for label in ("Type", "Rank", "Adoption", "Quality", "Ecosystem", "Match Graph", "Times Matched"):
        assert label in labels
    capabilities = dom.xpath("//*[@data-testid='capability']")
    assert len(capabilities) >= 4, f"only {len(capabilities)} capabilities shown"
    verdict = dom.xpath("//*[@data-testid='verdict']")
    assert verdict and "Nightjar" in verdict[0].text_content()


def test_screenshots_of_index_and_comparison(chromium: str, site: Path, tmp_path: Path) -> None:
    shots = {
        "index.png": (site / "index.html").as_uri(),
        "comparison.png": _comparison_page_of_nightjar(site).as_uri(),
    }
    for name, url in shots.items():
        shot = _screenshot(chromium, tmp_path, url, name)
        assert _png_size(shot) == WINDOW
        # A blank page compresses to a few kilobytes; a rendered page with text does not.
        assert shot.stat().st_size > 15_000, f"{name} looks blank ({shot.stat().st_size} bytes)"
