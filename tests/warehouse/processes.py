"""Other processes for the warehouse tests: one that holds a DuckDB file, one that runs a short script.

They use DuckDB directly, as an analyst's notebook or an older capgraph would, so the tests see the
file locks and file formats another program really leaves behind.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HOLD_SCRIPT = """
import sys, time
import duckdb
connection = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "read_only")
print("holding", flush=True)
time.sleep(float(sys.argv[3]))
connection.close()
"""


@contextmanager
def holding(
    path: Path, *, mode: str = "read_write", seconds: float = 60.0
) -> Iterator[subprocess.Popen[str]]:
    """A separate process that has ``path`` open (and so locked) until it exits or the block ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_SCRIPT, str(path), mode, str(seconds)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        line = holder.stdout.readline().strip()
        if line != "holding":
            raise RuntimeError(
                f"the lock holder did not start: {holder.stderr.read() if holder.stderr else ''}"
            )
        yield holder
    finally:
        holder.kill()
        holder.wait()


def run_python(script: str, *args: str) -> str:
    """Run ``script`` in a fresh interpreter (with the repo importable) and return its stdout."""
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"the helper process failed:\n{done.stderr}")
    return done.stdout
