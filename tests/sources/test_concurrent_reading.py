"""Many threads fetching and extracting local files at once read each exactly as one thread does,
and leave the process's shared state (the warning filters) as they found it.

The pipeline fetches on 8 threads and extracts on as many; the Markdown, reStructuredText and HTML
readers underneath keep parser state that must not leak between threads. A tiny switch interval makes
the interpreter change threads inside that state as often as it can.
"""

from __future__ import annotations

import sys
import threading
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import mdurl._decode
import mdurl._encode
import pytest

from extractors.heuristic.extractor import HeuristicExtractor
from sources.file import FileSource
from tests.sources.test_html import PAGE

FIXTURES = Path(__file__).resolve().parents[1] / "heuristic" / "fixtures"
THREADS = 16
ROUNDS = 4

Reading = tuple[str, str | None, str, tuple[str, ...]]


@pytest.fixture
def frequent_thread_switches() -> Iterator[None]:
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


@pytest.fixture
def descriptions(tmp_path: Path) -> list[Path]:
    """Every heuristic fixture (Markdown, reStructuredText, plain text) twice over, plus HTML pages."""
    paths: list[Path] = []
    for copy in range(2):
        for fixture in sorted(FIXTURES.iterdir()):
            target = tmp_path / f"{copy}-{fixture.name}"
            target.write_text(fixture.read_text(encoding="utf-8") + f"\n\nCopy {copy}.\n", encoding="utf-8")
            paths.append(target)
        page = tmp_path / f"{copy}-page.html"
        page.write_text(PAGE.replace("Sprocketry", f"Sprocketry{copy}"), encoding="utf-8")
        paths.append(page)
    return paths


def _read(source: FileSource, extractor: HeuristicExtractor, path: Path) -> Reading | str:
    try:
        fetched = source.fetch(f"file:{path}")
        records = extractor.extract(fetched.document, tool=fetched.tool).capabilities
    except Exception as error:  # the test reports every failure, whatever its type
        return f"{type(error).__name__}: {error}"
    return fetched.tool.name, fetched.tool.summary, fetched.document.text, tuple(r.title for r in records)


def test_concurrent_fetch_and_extract_match_one_thread(
    descriptions: list[Path], frequent_thread_switches: None
) -> None:
    source = FileSource(max_bytes=5_000_000)
    extractor = HeuristicExtractor()
    alone = {path: _read(source, extractor, path) for path in descriptions}
    assert not [result for result in alone.values() if isinstance(result, str)]
    work = descriptions * ROUNDS
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        filters_before = list(warnings.filters)
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            together = list(pool.map(lambda path: _read(source, extractor, path), work))
        filters_after = list(warnings.filters)

    # Threads must not swap the process-wide warning filters under each other (docutils' settings
    # builder does, inside catch_warnings): its silenced warnings would leak, or stay silenced for good.
    assert filters_after == filters_before
    assert [str(warning.message) for warning in shown] == []

    differences = [
        f"{path.name}: {got if isinstance(got, str) else 'read differently'}"
        for path, got in zip(work, together, strict=True)
        if got != alone[path]
    ]
    assert differences == []


LINKED = """# Linkwell

Linkwell links to [its docs](https://example.org/docs?a=1&b=%20x), to <https://example.org/p%20q>
and to [a page](./guide.md "the guide").

## Features

- **Deep links**: opens [any note](https://example.org/n/%C3%A9t%C3%A9) from a link.
"""


def test_the_first_links_of_a_process_read_on_many_threads_at_once(
    tmp_path: Path, frequent_thread_switches: None
) -> None:
    """mdurl builds its lookup tables on first use and shares each before filling it, so threads
    normalising the first links of a process together used to fail with IndexError (seen once in ~35
    runs). Each round empties those tables, as in a fresh process, and starts every thread at once."""
    path = tmp_path / "linkwell.md"
    path.write_text(LINKED, encoding="utf-8")
    source = FileSource(max_bytes=5_000_000)
    extractor = HeuristicExtractor()
    alone = _read(source, extractor, path)
    assert not isinstance(alone, str), alone
    failures: list[str] = []

    def read_together(start: threading.Barrier) -> None:
        start.wait()
        got = _read(source, extractor, path)
        if got != alone:
            failures.append(got if isinstance(got, str) else "read differently")

    for _ in range(ROUNDS * 25):
        mdurl._encode.encode_cache.clear()
        mdurl._decode.decode_cache.clear()
        start = threading.Barrier(THREADS)
        threads = [threading.Thread(target=read_together, args=(start,)) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert failures == []
