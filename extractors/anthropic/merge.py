"""Merging the records extracted from the parts of a long document into one set.

Records with the same normalised title are one capability: the first wording is kept, a stated
``unique`` or ``vs_alternatives`` wins over "not stated", and the evidence of all of them is kept
(without repeats, up to the per-record limit).
"""

from __future__ import annotations

import re

from extractors.grounding import NormalizedText
from schemas import NOT_STATED, Capability, CapabilitySet, Evidence
from schemas.models import MAX_CAPABILITIES, MAX_EVIDENCE_PER_CAPABILITY

_NOT_WORD = re.compile(r"[\W_]+")


def title_key(title: str) -> str:
    """Case, punctuation and spacing do not make two titles different capabilities."""
    return _NOT_WORD.sub(" ", title.casefold()).strip()


def _quote_key(evidence: Evidence) -> str:
    return NormalizedText.of(evidence.quote).folded


def _merge_pair(kept: Capability, extra: Capability) -> Capability:
    evidence = list(kept.evidence)
    seen = {_quote_key(item) for item in evidence}
    for item in extra.evidence:
        key = _quote_key(item)
        if key not in seen and len(evidence) < MAX_EVIDENCE_PER_CAPABILITY:
            evidence.append(item)
            seen.add(key)
    return kept.model_copy(
        update={
            "unique": extra.unique if kept.unique == NOT_STATED else kept.unique,
            "vs_alternatives": extra.vs_alternatives
            if kept.vs_alternatives == NOT_STATED
            else kept.vs_alternatives,
            "evidence": evidence,
            "grounded": kept.grounded and extra.grounded,
        }
    )


def merge_capability_sets(parts: list[CapabilitySet]) -> CapabilitySet:
    """One set holding every distinct capability of ``parts`` (which share tool, document and prompt)."""
    if not parts:
        raise ValueError("nothing to merge")
    merged: dict[str, Capability] = {}
    for part in parts:
        for capability in part.capabilities:
            key = title_key(capability.title)
            if key in merged:
                merged[key] = _merge_pair(merged[key], capability)
            elif len(merged) < MAX_CAPABILITIES:
                merged[key] = capability
    return parts[0].model_copy(update={"capabilities": list(merged.values())})
