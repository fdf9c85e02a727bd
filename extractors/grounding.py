"""The grounding check every extractor's output goes through: each evidence quote must occur in the source.

Matching forgives whitespace, letter case and typographic punctuation (curly quotes, dashes), nothing
else. A grounded quote gets the character span it occupies in the document text; a capability with
any quote that cannot be found is flagged ungrounded and is stored as such, never as fact.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from schemas import CapabilitySet, Evidence, SourceDocument

_TYPOGRAPHIC = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2026": "...",
    }
)

_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class NormalizedText:
    """A folded copy of a text plus, for each folded character, the offset it came from."""

    folded: str
    offsets: tuple[int, ...]
    length: int

    @classmethod
    def of(cls, text: str) -> NormalizedText:
        if text.isascii():
            return cls._of_ascii(text)
        folded: list[str] = []
        offsets: list[int] = []
        in_space = True  # drops leading whitespace
        for index, char in enumerate(text):
            if char.isspace():
                if not in_space:
                    folded.append(" ")
                    offsets.append(index)
                in_space = True
                continue
            in_space = False
            for piece in char.translate(_TYPOGRAPHIC).casefold():
                folded.append(piece)
                offsets.append(index)
        if folded and folded[-1] == " ":
            folded.pop()
            offsets.pop()
        return cls("".join(folded), tuple(offsets), len(text))

    @classmethod
    def _of_ascii(cls, text: str) -> NormalizedText:
        """``of`` for ASCII text, a word at a time rather than a character at a time (grounding is most of
        the heuristic extractor's time): no typographic characters to fold, and lowering keeps lengths."""
        words: list[str] = []
        offsets: list[int] = []
        previous_end = 0
        for word in _WORD.finditer(text):
            start, end = word.span()
            if words:
                # The whitespace run before the word becomes one space, placed where that run starts.
                offsets.append(previous_end)
            words.append(word.group())
            offsets.extend(range(start, end))
            previous_end = end
        return cls(" ".join(words).lower(), tuple(offsets), len(text))

    def find(self, quote: NormalizedText, start: int = 0) -> tuple[int, int] | None:
        """The span of ``quote`` in the original text, searching from folded position ``start``."""
        if not quote.folded:
            return None
        position = self.folded.find(quote.folded, start)
        if position < 0:
            return None
        last = position + len(quote.folded) - 1
        return self.offsets[position], self.offsets[last] + 1


def locate(quote: str, text: str | NormalizedText, *, near: int | None = None) -> tuple[int, int] | None:
    """Where ``quote`` occurs in ``text`` (whitespace-, case- and typography-tolerant), or None.

    ``near``: the offset the extractor placed the quote at; its occurrence there or after it is
    preferred over an earlier one of the same words, and the first occurrence is the fallback.
    """
    haystack = text if isinstance(text, NormalizedText) else NormalizedText.of(text)
    needle = NormalizedText.of(quote)
    if near is not None:
        span = haystack.find(needle, max(0, bisect.bisect_left(haystack.offsets, near) - 1))
        if span is not None:
            return span
    return haystack.find(needle)


def ground(capabilities: CapabilitySet, document: SourceDocument) -> CapabilitySet:
    """A copy of ``capabilities`` with every quote located in ``document`` and ``grounded`` set."""
    haystack = NormalizedText.of(document.text)
    grounded_records = []
    for capability in capabilities.capabilities:
        evidence: list[Evidence] = []
        all_found = True
        for item in capability.evidence:
            span = locate(item.quote, haystack, near=item.start)
            if span is None:
                all_found = False
                evidence.append(item.model_copy(update={"start": None, "end": None}))
            else:
                evidence.append(item.model_copy(update={"start": span[0], "end": span[1]}))
        grounded_records.append(capability.model_copy(update={"evidence": evidence, "grounded": all_found}))
    return capabilities.model_copy(update={"capabilities": grounded_records})


def ungrounded_quotes(capabilities: CapabilitySet) -> list[str]:
    """The quotes of a grounded set that were not found, for repair prompts and reports."""
    return [
        item.quote
        for capability in capabilities.capabilities
        for item in capability.evidence
        if item.start is None
    ]
