"""Throughput of the Claude extractor under concurrency, against the fake API with simulated model latency.

500 documents through one shared ``AnthropicExtractor`` by 16 worker threads, each request held for
1 s by the fake server, limiter set high enough never to throttle. Prints the wall time against the
ideal (documents x latency / workers; the target is a ratio of at most 1.15) and the peak memory.

With ``--pipeline`` the documents are files ingested by the whole pipeline instead (check, extract,
ground, store in a fresh DuckDB warehouse, publish the analyst copy), with ``workers`` as its concurrency.

Run from the repository root:
    python bench/llm_throughput.py [--documents N --workers N --latency S] [--pipeline]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

# The fake server lives with the tests; the bench runs from a checkout, not an installed package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from capgraph.pipeline import IngestContext, run_pipeline
from capgraph.settings import Settings
from capgraph.stage_options import anthropic_options
from extractors.anthropic import AnthropicExtractor
from schemas import SourceDocument
from tests.fakes.anthropic_server import FakeAnthropic

TARGET_RATIO = 1.15


def bench_document(number: int) -> SourceDocument:
    text = (
        f"# Gauge {number}\n\n"
        f"Gauge {number} converts tide readings from station {number} into hourly means.\n"
        f"It flags readings from station {number} that jump more than a metre between samples.\n"
        f"Exports from gauge {number} go to CSV files or to a local SQLite database.\n"
    )
    return SourceDocument(
        tool_id=f"bench:gauge-{number}", origin="bench", media_type="text/markdown", text=text
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--latency", type=float, default=1.0, help="seconds the fake API holds each request")
    parser.add_argument(
        "--pipeline", action="store_true", help="ingest through the whole pipeline and warehouse"
    )
    args = parser.parse_args()
    if args.pipeline:
        return bench_pipeline(args.documents, args.workers, args.latency)

    documents = [bench_document(number) for number in range(args.documents)]
    with FakeAnthropic(latency=args.latency) as fake:
        settings = Settings(
            _env_file=None,
            anthropic_api_key="bench-key",
            anthropic_base_url=fake.base_url,
            anthropic_requests_per_minute=1_000_000,
            anthropic_input_tokens_per_minute=1_000_000_000,
            anthropic_timeout_seconds=30.0,
        )
        extractor = AnthropicExtractor.from_options(anthropic_options(settings))
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.workers) as pool:
            results = list(pool.map(extractor.extract, documents))
        wall = time.perf_counter() - started
        extractor.caller.client.close()
        requests = len(fake.message_requests)

    records = sum(len(result.capabilities) for result in results)
    grounded = sum(record.grounded for result in results for record in result.capabilities)
    ideal = args.documents * args.latency / args.workers
    ratio = wall / ideal
    # ru_maxrss is in kilobytes on Linux.
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"documents {args.documents}, workers {args.workers}, simulated latency {args.latency:.2f} s")
    print(f"requests {requests}, records {records} ({grounded} grounded)")
    print(f"wall {wall:.2f} s, ideal {ideal:.2f} s, ratio {ratio:.3f} (target <= {TARGET_RATIO})")
    print(f"peak memory {peak_mb:.1f} MB")
    return 0 if ratio <= TARGET_RATIO else 1


def bench_pipeline(count: int, workers: int, latency: float) -> int:
    with tempfile.TemporaryDirectory() as temporary, FakeAnthropic(latency=latency) as fake:
        folder = Path(temporary)
        refs = []
        for number in range(count):
            path = folder / f"gauge-{number}.md"
            path.write_text(bench_document(number).text, encoding="utf-8")
            refs.append((f"file:{path}", None))
        settings = Settings(
            _env_file=None,
            db=folder / "bench.duckdb",
            extractor="anthropic",
            concurrency=workers,
            anthropic_api_key="bench-key",
            anthropic_base_url=fake.base_url,
            anthropic_requests_per_minute=1_000_000,
            anthropic_input_tokens_per_minute=1_000_000_000,
            anthropic_timeout_seconds=30.0,
        )
        started = time.perf_counter()
        summary = run_pipeline(refs, IngestContext.create(settings))
        wall = time.perf_counter() - started
    ideal = count * latency / workers
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"pipeline: {summary.headline()}")
    print(f"wall {wall:.2f} s, ideal {ideal:.2f} s, ratio {wall / ideal:.3f} (target <= {TARGET_RATIO})")
    print(f"peak memory {peak_mb:.1f} MB")
    return 0 if summary.ok and wall / ideal <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
