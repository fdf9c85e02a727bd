"""Real `capgraph` processes for the core tests: the CLI run in a fresh interpreter, and a process that
holds a warehouse's run lock until told to let go (or is killed)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

HOLD_RUN_LOCK = """
import sys
from pathlib import Path
from capgraph.run_lock import RunLock
with RunLock(Path(sys.argv[1]), command=sys.argv[2]):
    print("holding", flush=True)
    sys.stdin.readline()
"""


def environment(**extra: str) -> dict[str, str]:
    """This checkout importable first, no API key, quiet Prefect, and whatever the test adds."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"ANTHROPIC_API_KEY", "CAPGRAPH_ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"}
    }
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.update({"COLUMNS": "250", "NO_COLOR": "1", "CAPGRAPH_EXTRACTOR": "heuristic"})
    env.update(extra)
    return env


def capgraph(args: Sequence[str], **extra_env: str) -> subprocess.Popen[str]:
    """`capgraph ARGS` started in a fresh interpreter, with stdout and stderr piped."""
    return subprocess.Popen(
        [sys.executable, "-m", "cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=environment(**extra_env),
    )


@contextmanager
def holding_run_lock(db: Path, command: str) -> Iterator[subprocess.Popen[str]]:
    """Another process holding ``db``'s run lock until its stdin is closed (or it is killed)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_RUN_LOCK, str(db), command],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=environment(),
    )
    try:
        assert holder.stdout is not None
        if holder.stdout.readline().strip() != "holding":
            problem = holder.stderr.read() if holder.stderr else ""
            raise RuntimeError(f"the lock holder did not start: {problem}")
        yield holder
    finally:
        holder.kill()
        holder.wait()
