"""API calls whose tool's result could not be stored: kept in a file beside the warehouse until booked.

A paid call must reach the ``api_calls`` ledger even when another process held the warehouse for the
whole run. Such calls are appended, one JSON object a line, to ``<db>.unstored-calls.jsonl``; the next
run books them (an upsert by ``call_id``, so booking twice counts once) and removes the file.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from schemas import ApiCall
from warehouse import Warehouse

_APPEND_LOCK = threading.Lock()


def unstored_calls_path(db: Path) -> Path:
    return db.with_name(db.name + ".unstored-calls.jsonl")


def keep_calls_aside(db: Path, calls: Sequence[ApiCall]) -> int:
    """Append ``calls`` to the side file; how many were kept (0 when the file cannot be written)."""
    if not calls:
        return 0
    lines = "".join(call.model_dump_json() + "\n" for call in calls)
    try:
        with _APPEND_LOCK, unstored_calls_path(db).open("a", encoding="utf-8") as file:
            file.write(lines)
    except OSError:
        return 0
    return len(calls)


def book_calls_kept_aside(warehouse: Warehouse, db: Path) -> int:
    """Write the side file's calls into the ledger, then remove it; calls booked. Raises what the write
    raises (the file then stays for the next run)."""
    path = unstored_calls_path(db)
    if not path.exists():
        return 0
    calls = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            calls.append(ApiCall.model_validate_json(line))
        except ValidationError:
            continue  # a line cut short by a crash while appending; the rest are still booked
    if calls:
        with warehouse.writer() as session:
            session.record_calls(calls)
    path.unlink(missing_ok=True)
    return len(calls)
