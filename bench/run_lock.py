"""Benchmark: what the run lock costs a run, acquire plus release of ``<db>.lock``, in microseconds.

Each round opens the lock file, takes the flock, writes the holder's details, then empties the file
and closes it, as every ingest and reprocess run does once.

    python bench/run_lock.py [--rounds 5000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from capgraph.run_lock import RunLock


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "capgraph.duckdb"
        timings = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            with RunLock(db, command="capgraph ingest --catalog catalog.toml"):
                pass
            timings.append((time.perf_counter() - started) * 1e6)
    timings.sort()
    print(
        f"run lock acquire+release over {args.rounds} rounds: median {statistics.median(timings):.0f} µs, "
        f"p99 {timings[int(len(timings) * 0.99)]:.0f} µs, max {timings[-1]:.0f} µs"
    )


if __name__ == "__main__":
    main()
