"""Benchmark: scores, match graph, one comparison page and the whole static site over a large warehouse.

Fills a fresh warehouse with N generated tools of 12 capabilities each (default 2,000), then reports:
the match-graph rebuild, reading every tool's scores from the `tool_scores` view, rendering one
comparison page warm (target: under 100 ms), building the whole site, and the process's peak memory.
Like an ingest run, it snapshots the scores after the graph, so pages read the snapshot.

    python bench/site.py [--tools 2000] [--capabilities 12] [--keep DIR]
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from capgraph.compare import comparison_page
from capgraph.matching import refresh_match_graph
from capgraph.settings import Settings
from capgraph.site_build import build_site
from capgraph.stage_options import embedding_options
from embeddings import embedder_model_id
from schemas import (
    Capability,
    CapabilitySet,
    Evidence,
    ExtractionRun,
    FetchResult,
    Signal,
    SourceDocument,
    Tool,
)
from warehouse import ToolEmbedding, Warehouse

# Themes give the generated tools real structure: tools drawing on the same themes should end up
# as each other's alternatives, which is what the match graph is meant to find.
THEMES: dict[str, tuple[str, ...]] = {
    "streaming": ("stream", "event", "offset", "consumer", "partition", "backpressure", "replay"),
    "storage": ("columnar", "parquet", "compression", "snapshot", "segment", "tiered", "object"),
    "query": ("sql", "join", "window", "aggregate", "planner", "vectorised", "predicate"),
    "ml": ("training", "checkpoint", "gradient", "tensor", "finetune", "adapter", "quantised"),
    "serving": ("inference", "latency", "batching", "endpoint", "autoscale", "gpu", "cache"),
    "search": ("embedding", "vector", "index", "ranking", "hybrid", "recall", "rerank"),
    "workflow": ("schedule", "retry", "dag", "cron", "backfill", "lineage", "trigger"),
    "validation": ("schema", "typed", "coercion", "constraint", "serializer", "strict", "json"),
    "observability": ("metric", "trace", "span", "alert", "dashboard", "sampling", "log"),
    "security": ("token", "secret", "rotation", "audit", "policy", "encryption", "role"),
    "web": ("router", "middleware", "websocket", "request", "response", "session", "cookie"),
    "cli": ("command", "terminal", "prompt", "completion", "argument", "colour", "progress"),
}
KINDS = ("Model", "Dataset", "Repository", "Package", "Service")


def generated_tool(number: int, capabilities: int, rng: random.Random) -> tuple[FetchResult, CapabilitySet]:
    themes = rng.sample(sorted(THEMES), 2)
    tool = Tool(
        id=f"file:/bench/tool{number:05d}.md",
        name=f"Tool {number:05d}",
        kind=rng.choice(KINDS),
        license=rng.choice(("MIT", "Apache-2.0", None)),
        pricing=rng.choice(("free", "paid", "freemium", "unknown")),
    )
    records = []
    lines = [f"# {tool.name}", ""]
    for index in range(capabilities):
        words = rng.sample(THEMES[themes[index % 2]], 3)
        title = f"{words[0].title()} {words[1]} {index}"
        description = f"Handles {words[0]} and {words[1]} work with {words[2]} built in."
        lines.append(f"- {title}: {description}")
        records.append(
            Capability(title=title, description=description, evidence=[Evidence(quote=description)])
        )
    document = SourceDocument(
        tool_id=tool.id, origin=tool.id, media_type="text/markdown", text="\n".join(lines)
    )
    signals = [
        Signal(tool_id=tool.id, name="downloads", value=rng.lognormvariate(8, 2), source="bench"),
        Signal(tool_id=tool.id, name="stars", value=rng.lognormvariate(5, 2), source="bench"),
    ]
    extracted = CapabilitySet(
        tool_id=tool.id,
        document_sha256=document.sha256,
        extractor="bench",
        prompt_version="bench",
        capabilities=records,
    )
    return FetchResult(tool=tool, document=document, signals=signals), extracted


def fill(warehouse: Warehouse, tools: int, capabilities: int) -> None:
    rng = random.Random(7)
    with warehouse.writer() as session:
        for number in range(tools):
            fetched, extracted = generated_tool(number, capabilities, rng)
            now = datetime.now(UTC)
            run = ExtractionRun(
                tool_id=fetched.tool.id,
                extractor="bench",
                prompt_version="bench",
                document_sha256=fetched.document.sha256,
                status="succeeded",
                started_at=now,
                finished_at=now,
            )
            session.record_extraction(fetched, run, extracted, [])


def drop_one_tools_vectors(warehouse: Warehouse) -> None:
    """Drop the first tool's vectors, as a new run of that tool would leave it without any."""
    with warehouse.writer() as session:
        _, rows = session.query("SELECT tool_id FROM tool_embeddings ORDER BY tool_id LIMIT 1")
        if rows:
            model = embedder_model_id(embedding_options(Settings(_env_file=None)))
            session.store_embeddings(model, [ToolEmbedding(rows[0][0], "no-such-run", (1.0,))])


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tools", type=int, default=2000)
    parser.add_argument("--capabilities", type=int, default=12)
    parser.add_argument("--keep", type=Path, help="Keep the warehouse and site in this folder.")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="capgraph-bench-site-"))
    folder.mkdir(parents=True, exist_ok=True)
    settings = Settings(_env_file=None, db=folder / "bench.duckdb", extractor="heuristic")
    warehouse = Warehouse(settings.db)

    started = time.perf_counter()
    fill(warehouse, args.tools, args.capabilities)
    filled = time.perf_counter() - started
    print(f"filled {args.tools} tools x {args.capabilities} capabilities in {filled:.1f} s")

    started = time.perf_counter()
    with warehouse.writer() as session:
        lexical = session.rebuild_match_graph(top_k=settings.alternatives_per_tool)
    graph_seconds = time.perf_counter() - started
    print(
        f"match graph, lexical only: {lexical.edges} edges among {lexical.tools} tools "
        f"in {graph_seconds:.2f} s"
    )

    # As an ingest run does it: embed every tool lacking vectors (here all), then rebuild blended.
    started = time.perf_counter()
    refreshed = refresh_match_graph(warehouse, settings, records_changed=True)
    embed_and_graph_seconds = time.perf_counter() - started
    if refreshed.stats is None:
        raise SystemExit(f"the match graph was not rebuilt: {refreshed.error}")
    print(
        f"match graph with embeddings, every tool embedded first: {refreshed.stats.edges} edges in "
        f"{embed_and_graph_seconds:.2f} s (build alone {refreshed.stats.duration_ms / 1000:.2f} s)"
    )
    # The usual case after an ingest: no tool lacks vectors but one, and the graph is rebuilt.
    drop_one_tools_vectors(warehouse)
    started = time.perf_counter()
    refreshed = refresh_match_graph(warehouse, settings, records_changed=True)
    print(f"match graph with embeddings, one tool embedded: {time.perf_counter() - started:.2f} s")

    started = time.perf_counter()
    with warehouse.reader() as session:
        _, rows = session.query('SELECT tool_id, "rank", match_graph FROM tool_scores')
    scores_seconds = time.perf_counter() - started
    ranked = sum(1 for row in rows if row[1] is not None)
    print(f"scores: {len(rows)} tools ({ranked} ranked) read from tool_scores in {scores_seconds:.2f} s")
    started = time.perf_counter()
    with warehouse.writer() as session:
        session.snapshot_scores()  # as the end of every ingest run does
    print(f"score snapshot for the pages: {time.perf_counter() - started:.2f} s")

    left, right = "file:/bench/tool00000.md", "file:/bench/tool00001.md"
    with warehouse.reader() as session:
        alternatives = session.alternatives(left, limit=1)
    if alternatives:
        right = alternatives[0].alternative_id
    timings = []
    for _ in range(21):
        started = time.perf_counter()
        comparison_page(warehouse, left, right, page_format="html")
        timings.append(time.perf_counter() - started)
    warm = statistics.median(timings[1:])
    print(f"one comparison (html, warm): median {warm * 1000:.0f} ms, first {timings[0] * 1000:.0f} ms")

    out = folder / "site"
    started = time.perf_counter()
    report = build_site(warehouse, settings, out)
    site_seconds = time.perf_counter() - started
    summary = report.summary
    print(
        f"site: {summary.pages} pages, {summary.bytes / 1e6:.0f} MB, {summary.pairs} pairs "
        f"in {site_seconds:.1f} s"
    )
    warehouse.release()
    print(f"peak memory: {peak_mib():.0f} MiB")
    if args.keep is None:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
