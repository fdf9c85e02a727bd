"""The verdict: a few short sentences derived only from facts the page itself shows.

Each sentence restates something checkable against the feature table (rank, kind, capability count,
pricing, starting price), the capability sections (how many records are unverified) or, when the match
graph is known, the shared-and-distinct part (what both offer, what only one does); nothing is inferred
beyond them.
"""

from __future__ import annotations

from dataclasses import dataclass

from schemas import Price, Pricing, ToolKind

_KIND_PLURALS: dict[str, str] = {"Repository": "Repositories"}

# How each pricing value reads after a tool's name.
_PRICING_PHRASES: dict[str, str] = {
    "free": "is free",
    "paid": "is paid",
    "freemium": "has a free tier",
    "unknown": "has no known pricing",
}
_SHARED_PRICING: dict[str, str] = {
    "free": "Both are free",
    "paid": "Both are paid",
    "freemium": "Both have a free tier",
    "unknown": "Pricing is unknown for both",
}


@dataclass(frozen=True, slots=True)
class VerdictFacts:
    """What the verdict may draw on for one tool: exactly what its table column and section show."""

    name: str
    kind: ToolKind
    rank: int | None
    pricing: Pricing
    starting_price: Price | None
    capability_count: int
    grounded_count: int
    sub_scores: tuple[tuple[str, float | None], ...] = ()


@dataclass(frozen=True, slots=True)
class OverlapFacts:
    """What the match graph says about the pair, exactly as the shared-and-distinct part lists it."""

    shared_count: int
    only_left: tuple[str, ...]
    only_right: tuple[str, ...]


# Past this many titles the sentence names the first few and gives the count, to stay one readable line.
MAX_TITLES_NAMED = 3


def write_verdict(
    left: VerdictFacts, right: VerdictFacts, overlap: OverlapFacts | None = None
) -> tuple[str, ...]:
    """Rank, leads, kind and capability count, pricing, unverified records and, given ``overlap``,
    what the two share and what only one offers."""
    sentences = [_rank_sentence(left, right)]
    leads = _leads_sentence(left, right)
    if leads:
        sentences.append(leads)
    sentences += [
        _kind_and_count_sentence(left, right),
        _pricing_sentence(left, right),
    ]
    grounding = _grounding_sentence(left, right)
    if grounding:
        sentences.append(grounding)
    if overlap is not None:
        sentences.append(overlap_sentence(left.name, right.name, overlap))
    return tuple(sentences)


def _rank_sentence(left: VerdictFacts, right: VerdictFacts) -> str:
    if left.rank is None and right.rank is None:
        return "Neither tool has a rank yet, so this page names no overall winner."
    if left.rank is None or right.rank is None:
        ranked, unranked = (left, right) if left.rank is not None else (right, left)
        return f"Only {ranked.name} has a rank so far ({ranked.rank}/100); {unranked.name} has none yet."
    if left.rank == right.rank:
        return f"Both rank {left.rank}/100."
    higher, lower = (left, right) if left.rank > right.rank else (right, left)
    return f"{higher.name} ranks higher at {higher.rank}/100 vs {lower.name} at {lower.rank}/100."


def _leads_sentence(left: VerdictFacts, right: VerdictFacts) -> str | None:
    """Which sub-scores each tool leads on, compared as the table shows them (whole numbers)."""
    right_values = dict(right.sub_scores)
    leads: dict[str, list[str]] = {left.name: [], right.name: []}
    for name, left_value in left.sub_scores:
        right_value = right_values.get(name)
        if left_value is None or right_value is None or round(left_value) == round(right_value):
            continue
        leads[left.name if round(left_value) > round(right_value) else right.name].append(name)
    parts = [f"{tool} leads on {series(names)}" for tool, names in leads.items() if names]
    return "; ".join(parts) + "." if parts else None


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _capabilities(count: int) -> str:
    return f"{count} decomposed {'capability' if count == 1 else 'capabilities'}"


def _kind_and_count_sentence(left: VerdictFacts, right: VerdictFacts) -> str:
    if left.kind == right.kind:
        kinds = f"Both are {_KIND_PLURALS.get(left.kind, left.kind + 's')}"
    else:
        kinds = (
            f"{left.name} is {_article(left.kind)} {left.kind} "
            f"and {right.name} {_article(right.kind)} {right.kind}"
        )
    if left.capability_count == right.capability_count == 0:
        counts = "neither has any extracted capabilities yet"
    elif left.capability_count == right.capability_count:
        counts = f"each has {_capabilities(left.capability_count)}"
    else:
        more, fewer = (left, right) if left.capability_count > right.capability_count else (right, left)
        counts = (
            f"{more.name} has {_capabilities(more.capability_count)} "
            f"to {fewer.capability_count} for {fewer.name}"
        )
    return f"{kinds}; {counts}."


def _pricing_sentence(left: VerdictFacts, right: VerdictFacts) -> str:
    if left.pricing == right.pricing:
        pricing = _SHARED_PRICING[left.pricing]
    else:
        left_phrase, right_phrase = _PRICING_PHRASES[left.pricing], _PRICING_PHRASES[right.pricing]
        pricing = f"{left.name} {left_phrase}, while {right.name} {right_phrase}"
    prices = _starting_price_clause(left, right)
    return f"{pricing}; {prices}." if prices else f"{pricing}."


def _starting_price_clause(left: VerdictFacts, right: VerdictFacts) -> str | None:
    if left.starting_price is None or right.starting_price is None:
        return None
    left_price, right_price = left.starting_price, right.starting_price
    if (left_price.currency, left_price.unit) != (right_price.currency, right_price.unit):
        return (
            f"their starting prices ({left_price.label()} and {right_price.label()}) "
            "are in different units, so they are not compared here"
        )
    # The table shows rounded labels, so two amounts that print alike are called equal here too.
    if left_price.label() == right_price.label():
        return f"both start at {left_price.label()}"
    if left_price.amount < right_price.amount:
        cheaper, dearer = (left.name, left_price), (right.name, right_price)
    else:
        cheaper, dearer = (right.name, right_price), (left.name, left_price)
    return f"{cheaper[0]} starts lower at {cheaper[1].label()} vs {dearer[1].label()} for {dearer[0]}"


def _grounding_sentence(left: VerdictFacts, right: VerdictFacts) -> str | None:
    partial = [facts for facts in (left, right) if facts.grounded_count < facts.capability_count]
    if not partial:
        return None
    shares = " and ".join(
        f"{facts.grounded_count} of {facts.name}'s {facts.capability_count}" for facts in partial
    )
    return f"Evidence was found in the source for {shares} capabilities; the rest are marked unverified."


def series(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _titles_phrase(titles: tuple[str, ...]) -> str:
    listed = series([f"“{title}”" for title in titles[:MAX_TITLES_NAMED]])
    if len(titles) <= MAX_TITLES_NAMED:
        return listed
    return f"{len(titles)} capabilities, among them {listed}"


def overlap_sentence(left_name: str, right_name: str, overlap: OverlapFacts) -> str:
    """One sentence: how many capabilities the graph pairs up, then what only each tool offers."""
    count = overlap.shared_count
    if count == 0:
        shared = f"{left_name} and {right_name} share no capabilities in the match graph"
    else:
        noun = "capability" if count == 1 else "capabilities"
        shared = f"{left_name} and {right_name} share {count} {noun} in the match graph"
    only = [
        f"only {name} offers {_titles_phrase(titles)}"
        for name, titles in ((left_name, overlap.only_left), (right_name, overlap.only_right))
        if titles
    ]
    return f"{shared}; {', and '.join(only)}." if only else f"{shared}."
