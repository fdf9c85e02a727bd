"""Retiring a tool (``capgraph remove``), and spotting tools stored under ``file:`` ids of older versions.

A retired tool keeps its history (runs, records, documents, signals, costs) but is no longer listed,
compared, matched, scored or published: the warehouse's ``tools`` view leaves it out. The match graph
and the score snapshot are rebuilt at once and the analyst copy republished, so every read command
agrees straight away. Ingesting the tool's ref again (from the command line or a catalog) brings it
back with that history.
"""

from __future__ import annotations

from dataclasses import dataclass

from capgraph.catalog import load_catalog
from capgraph.matching import refresh_match_graph, snapshot_scores
from capgraph.reading import read_warehouse
from capgraph.settings import Settings
from schemas import CapgraphError, NotFoundError
from sources.refs import normalise_ref
from warehouse import Warehouse


@dataclass(frozen=True)
class Retirement:
    """What ``retire_tool`` did: which id it retired, whether it was already retired, and notes."""

    tool_id: str
    newly_retired: bool
    notes: tuple[str, ...] = ()


def retire_tool(settings: Settings, tool_id: str) -> Retirement:
    """Retire ``tool_id`` (as stored, or as ``normalise_ref`` writes it); ``NotFoundError`` if neither is."""
    if not settings.db.exists():
        raise NotFoundError(
            "no warehouse file here yet", subject=str(settings.db), hint="run `capgraph ingest` first"
        )
    warehouse = Warehouse(settings.db, lock_timeout_seconds=settings.lock_timeout_seconds)
    try:
        stored_id, newly_retired = _retire_first_stored(warehouse, _spellings(tool_id))
        # Also when it was retired already: an earlier `remove` may have stopped before this point.
        graph = refresh_match_graph(warehouse, settings, records_changed=True)
        snapshot = snapshot_scores(warehouse, settings)
        notes = [note for note in (graph.describe(), snapshot) if note]
        warehouse.publish(settings.analyst_path())
    finally:
        warehouse.release()
    listed_in = _catalog_listing(settings, stored_id)
    if listed_in is not None:
        notes.append(
            f"{listed_in} still lists {stored_id}: its next run brings the tool back; delete the entry "
            "to keep it retired"
        )
    return Retirement(stored_id, newly_retired, tuple(notes))


def _spellings(tool_id: str) -> list[str]:
    """The id as typed first (older warehouses hold relative ``file:`` ids), then its normal form."""
    normalised = normalise_ref(tool_id)
    return [tool_id] if normalised == tool_id else [tool_id, normalised]


def _retire_first_stored(warehouse: Warehouse, candidates: list[str]) -> tuple[str, bool]:
    with warehouse.writer() as session:
        for candidate in candidates:
            try:
                return candidate, session.retire_tool(candidate)
            except NotFoundError:
                continue
    raise NotFoundError(
        "no such tool in the warehouse", subject=candidates[0], hint="`capgraph tools` lists the stored tools"
    )


def _catalog_listing(settings: Settings, tool_id: str) -> str | None:
    """The scheduled catalog's path when it lists ``tool_id`` (a broken or missing catalog lists nothing)."""
    catalog = settings.catalog
    if catalog is None or not catalog.exists():
        return None
    try:
        return str(catalog) if load_catalog(catalog).entry_for(tool_id) is not None else None
    except CapgraphError:
        return None


def relative_file_id_notes(settings: Settings) -> list[str]:
    """One line per tool still stored under a relative ``file:`` id (capgraph before ids were absolute)
    that now has an absolute twin naming the same file, with how to retire the old one."""
    try:
        with read_warehouse(settings).reader() as session:
            pairs = session.relative_file_id_twins()
    except CapgraphError:
        return []  # a note, never a reason to fail the command that asked for it
    return [
        f"note: {old} is an id from before file: ids were absolute, for the same file as {new}; "
        f"`capgraph remove {old}` retires the old one"
        for old, new in pairs
    ]
