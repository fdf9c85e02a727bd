"""Which refs a run works on: a catalog's entries (with their overrides) and command-line refs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from capgraph.catalog import CatalogEntry, load_catalog
from sources.refs import normalise_ref

Target = tuple[str, CatalogEntry | None]


def collect_targets(refs: Sequence[str], catalog: Path | None) -> list[Target]:
    """Catalog entries first, then command-line refs not already in the catalog; order kept, no duplicates."""
    targets: list[Target] = []
    seen: set[str] = set()
    if catalog is not None:
        for entry in load_catalog(catalog).entries:
            if entry.ref not in seen:
                seen.add(entry.ref)
                targets.append((entry.ref, entry))
    for given in refs:
        ref = normalise_ref(given)
        if ref not in seen:
            seen.add(ref)
            targets.append((ref, None))
    return targets


def catalog_entry_for(ref: str, catalog: Path | None) -> CatalogEntry | None:
    """The catalog's entry for ``ref``, so reprocessing one tool keeps its overrides (name, kind, pricing)."""
    if catalog is None or not catalog.exists():
        return None
    return load_catalog(catalog).entry_for(normalise_ref(ref))
