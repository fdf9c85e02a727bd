"""Benchmark: ingest N generated tool descriptions with the heuristic extractor, then again unchanged.

Reports tools/second of the first run, the unchanged re-run's wall time against the first (target:
under 10 %, zero extractions), `capgraph compare` from a cold start (target: under 1 s) and peak memory.
Both the core pipeline (no orchestrator) and the Prefect flow the CLI uses are measured.

    python bench/ingest.py [--tools 1000] [--skip-flow]
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from capgraph.pipeline import IngestContext, RunSummary, run_serially
from capgraph.settings import Settings

WORDS = (
    "stream",
    "batch",
    "vector",
    "index",
    "cache",
    "schema",
    "query",
    "graph",
    "model",
    "token",
    "parser",
    "plugin",
    "queue",
    "shard",
    "replica",
    "snapshot",
    "metric",
    "trace",
    "policy",
    "tensor",
    "embedding",
    "pipeline",
    "scheduler",
    "connector",
    "adapter",
)


def generated_description(number: int, rng: random.Random) -> str:
    """A README-shaped description with a feature list: realistic structure, invented content."""
    name = f"Tool{number:04d}"
    features = []
    for index in range(rng.randint(5, 12)):
        noun, other, third = rng.sample(WORDS, 3)
        features.append(
            f"- **{noun.title()} {other} {index}**: handles {noun} and {other} workloads "
            f"with {third} support, so teams ship {rng.choice(WORDS)} features faster."
        )
    return "\n".join(
        [
            f"# {name}",
            "",
            f"{name} is a library for {rng.choice(WORDS)} and {rng.choice(WORDS)} processing.",
            "",
            "## Features",
            "",
            *features,
            "",
            "## Installation",
            "",
            f"    pip install {name.lower()}",
            "",
        ]
    )


def write_catalog(folder: Path, count: int) -> tuple[Path, list[tuple[str, None]]]:
    rng = random.Random(7)
    docs = folder / "docs"
    docs.mkdir()
    refs = []
    lines = []
    for number in range(count):
        path = docs / f"tool{number:04d}.md"
        path.write_text(generated_description(number, rng), encoding="utf-8")
        refs.append((f"file:{path}", None))
        lines += ["[[tool]]", f'ref = "file:{path}"', ""]
    catalog = folder / "catalog.toml"
    catalog.write_text("\n".join(lines), encoding="utf-8")
    return catalog, refs


def timed(label: str, action: object) -> tuple[RunSummary, float]:
    started = time.perf_counter()
    summary = action()  # type: ignore[operator]
    seconds = time.perf_counter() - started
    print(f"  {label}: {seconds:.2f} s  ({summary.headline()})")
    return summary, seconds


def bench_core(folder: Path, refs: list[tuple[str, None]]) -> Path:
    settings = Settings(_env_file=None, db=folder / "core.duckdb", extractor="heuristic")
    print(f"core pipeline (no orchestrator), {len(refs)} tools:")
    first, first_s = timed("first run", lambda: run_serially(refs, IngestContext.create(settings)))
    again, again_s = timed("unchanged re-run", lambda: run_serially(refs, IngestContext.create(settings)))
    print(
        f"  throughput: {len(refs) / first_s:.0f} tools/s; re-run/first = {again_s / first_s:.1%}; "
        f"re-run extractions = {again.count('extracted')}"
    )
    assert first.ok and again.count("extracted") == 0
    return settings.db


def bench_flow(folder: Path, catalog: Path, count: int) -> None:
    from flows.environment import apply_quiet_defaults

    apply_quiet_defaults()
    from flows.ingest import ingest

    settings = Settings(_env_file=None, db=folder / "flow.duckdb", extractor="heuristic")
    flow = ingest
    print(f"Prefect flow (temporary Prefect server), {count} tools:")
    _, first_s = timed("first run", lambda: flow(catalog=str(catalog), settings=settings.portable()))
    _, again_s = timed("unchanged re-run", lambda: flow(catalog=str(catalog), settings=settings.portable()))
    print(f"  throughput: {count / first_s:.0f} tools/s; re-run/first = {again_s / first_s:.1%}")


def bench_compare(db: Path, refs: list[tuple[str, None]]) -> None:
    command = [sys.executable, "-m", "cli", "compare", refs[0][0], refs[1][0], "--db", str(db)]
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        timings.append(time.perf_counter() - started)
    print(f"capgraph compare, cold process: best {min(timings):.2f} s, worst {max(timings):.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", type=int, default=1000)
    parser.add_argument("--skip-flow", action="store_true", help="measure the core pipeline only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        catalog, refs = write_catalog(folder, args.tools)
        db = bench_core(folder, refs)
        bench_compare(db, refs)
        if not args.skip_flow:
            bench_flow(folder, catalog, args.tools)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (this process): {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
