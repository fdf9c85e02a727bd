"""Mapping plain text back to the exact characters of the source it was derived from.

Readers strip markup, so a record's text is not a substring of the document. To quote it verbatim,
both the plain text and the source are cut into words, the plain words are found in order among
the source words of a region (skipping the few words markup adds, such as an HTML tag; words in
link addresses are never matched), and the quote is the source slice from the first matched word
to the last. The slice is taken from the document itself, so a quote can never contain a
character it does not.
"""

from __future__ import annotations

import itertools
import re

from extractors.heuristic.blocks import Region

# Letters and digits only: "_" and "*" are emphasis markup in the source but absent from plain text.
_WORD = re.compile(r"[^\W_]+")
_MAX_GAP = 40  # source words allowed between two matched plain words (a long URL, an HTML tag)
_MAX_ANCHOR_TRIES = 12  # occurrences of the first word tried before giving up on a region
_ANCHOR_WORDS = 3  # how many leading plain words may serve as the anchor when earlier ones are absent
_OPENING_MARKUP = frozenset("*_`\"'([“‘«$€£#@~\\")
_CLOSING_MARKUP = frozenset("*_`\"')].,;:!?”’»…%°+")
# Web addresses, Markdown link destinations "](...)" and reST embedded targets "<...>`_".
_ADDRESS = re.compile(r"(?:https?://|www\.|mailto:)[^\s<>()\[\]`'\"]+|(?<=\]\()[^)\s]+|<[^<>\s`]+>(?=`__?)")
# What follows a link's text: "](address)" in Markdown, " <address>`_" in reStructuredText.
_LINK_TAIL = re.compile(r"\]\([^)\s]*\)|\s*<[^<>`\s]*>`__?")
MAX_QUOTE_CHARS = 1000
# A bold or code name opening a quote ("**Fast**: ..."), with the separator after it.
_QUOTED_LEAD = re.compile(
    r"^(?:\*\*|__)[^*_\n]{1,80}?(?:\*\*|__)\s*(?:[:.–—-]\s*)?|^`[^`\n]{1,60}`\s*[:–—-]\s*"
)
# Markup a reader never sees: emphasis markers, link brackets and addresses, reST link targets,
# HTML tags. Backticks stay: a code span's text is what a reader sees, in another font.
_MARKUP = re.compile(
    r"\*\*|__|(?<![\w*])\*(?=[^\s*])|(?<=[^\s*])\*(?![\w*])|(?<![\w_])_(?=[^\s_])|(?<=[^\s_])_(?![\w_])|"
    r"!?\[|\]\([^)\s]*\)|\]\[[^\]]*\]|\]|\s*<[^<>\n]*>`?_{0,2}|`_{1,2}"
)
_MIN_BODY_WORDS = 3
_EDGE = " \t\n:;,–—-|"


def _without_addresses(text: str) -> str:
    """``text`` with web addresses blanked out (same length), so their words never match: a
    feature's words must be found in its text, not inside a link's URL."""
    return _ADDRESS.sub(lambda match: " " * len(match.group()), text)


def words_of(text: str) -> list[str]:
    """The case-folded words of a text, as the aligner compares them (web addresses left out)."""
    words = _WORD.findall(_without_addresses(text))
    if not words:
        return []
    # Folding never produces NUL, so the words come back apart exactly as many as they went in.
    return "\0".join(words).casefold().split("\0")


def _word_span(window: str, first: int, last: int) -> Region:
    """The characters of ``window`` from the start of word ``first`` to the end of word ``last``."""
    start = end = 0
    for number, match in enumerate(itertools.islice(_WORD.finditer(window), first, last + 1)):
        if number == 0:
            start = match.start()
        end = match.end()
    return start, end


class SourceIndex:
    """One document's text and line starts, for placing plain text back on it.

    Words are cut from the region a lookup names, not from the whole text, so the cost of a lookup
    is the size of its region and extraction stays linear in the document's size.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._line_starts = [0, *(match.end() for match in re.finditer("\n", text))]

    def line_region(self, first_line: int, end_line: int) -> Region:
        """The characters of lines ``[first_line, end_line)`` (0-based, as markdown-it maps them)."""
        start = self.offset_of_line(first_line)
        return start, max(start, self.offset_of_line(end_line))

    def offset_of_line(self, line: int) -> int:
        """Where 0-based ``line`` starts (the end of the text for lines past the last)."""
        if line >= len(self._line_starts):
            return len(self.text)
        return self._line_starts[max(line, 0)]

    def find(self, fragment: str, region: Region) -> Region | None:
        """The source span of ``fragment``'s words inside ``region``, or None when they are not there."""
        plain = words_of(fragment)
        if not plain:
            return None
        # Words are compared as a plain list (cut and folded in C); offsets are only worked out
        # for the two words that end up bounding the match.
        window = _without_addresses(self.text[region[0] : region[1]])
        words = words_of(window)
        allowed_misses = len(plain) // 5
        for anchor in range(min(_ANCHOR_WORDS, len(plain), allowed_misses + 1)):
            found = _match(plain, anchor, words, allowed_misses - anchor)
            if found is not None:
                start, end = _word_span(window, *found)
                return self._widen((region[0] + start, region[0] + end), region)
        return None

    def _widen(self, span: Region, region: Region) -> Region:
        """``span`` grown over the markup and punctuation glued to its first and last words, and
        over the address of a link its last word ends, so quoted links stay whole."""
        start, end = span
        while start > region[0] and self.text[start - 1] in _OPENING_MARKUP:
            start -= 1
        link_tail = _LINK_TAIL.match(self.text, end, region[1])
        if link_tail:
            end = link_tail.end()
        while end < region[1] and self.text[end] in _CLOSING_MARKUP:
            end += 1
        return start, end

    def visible_span(self, span: Region) -> Region:
        """The part of ``span`` a reader sees as one run of text: without a bold or code name that
        opens it ("**Fast**: "), and, when emphasis or link markup remains inside, the longest run
        between markup. Still a slice of the source, so a quote taken from it stays verbatim."""
        start, end = span
        text = self.text[start:end]
        lead = _QUOTED_LEAD.match(text)
        if lead and len(_WORD.findall(text[lead.end() :])) >= _MIN_BODY_WORDS:
            start += lead.end()
            text = text[lead.end() :]
        if not _MARKUP.search(text):
            return self._trimmed(start, end)
        runs: list[Region] = []
        previous = 0
        for markup in _MARKUP.finditer(text):
            runs.append((previous, markup.start()))
            previous = markup.end()
        runs.append((previous, len(text)))
        best = max(runs, key=lambda run: (len(_WORD.findall(text[run[0] : run[1]])), -run[0]))
        if not _WORD.search(text[best[0] : best[1]]):
            return span
        return self._trimmed(start + best[0], start + best[1])

    def _trimmed(self, start: int, end: int) -> Region:
        """``[start, end)`` without the separators and spaces at its edges."""
        while start < end and self.text[start] in _EDGE:
            start += 1
        while end > start and self.text[end - 1] in _EDGE + "(":
            end -= 1
        return start, end

    def quote(self, span: Region, limit: int = MAX_QUOTE_CHARS) -> str:
        """The source characters of ``span``, cut at a word end when longer than ``limit``."""
        start, end = span
        if end - start > limit:
            space = max(
                self.text.rfind(" ", start, start + limit), self.text.rfind("\n", start, start + limit)
            )
            end = space if space > start else start + limit
        return self.text[start:end].strip()


def _find_word(words: list[str], word: str, start: int, stop: int) -> int | None:
    """The index of the first ``word`` in ``words[start:stop]``, or None."""
    try:
        return words.index(word, start, stop)
    except ValueError:
        return None


def _match(plain: list[str], anchor: int, words: list[str], allowed_misses: int) -> tuple[int, int] | None:
    """Indexes of the first and last source words matching ``plain`` from its word ``anchor`` on.

    Each later plain word is looked for within ``_MAX_GAP`` source words of the previous match,
    so the words a link address or an HTML tag adds are skipped; up to ``allowed_misses`` plain
    words may be missing from the source altogether. A match about as long as the plain text is
    taken at once; a loose one (a common first word picked up too early) only if no tighter one
    follows among the next occurrences of the anchor word.
    """
    first = plain[anchor]
    tight = len(plain) + len(plain) // 3 + 2
    best: tuple[int, int] | None = None
    index = -1
    for _ in range(_MAX_ANCHOR_TRIES):
        found = _find_word(words, first, index + 1, len(words))
        if found is None:
            break
        index = found
        last = _match_from(plain[anchor + 1 :], index, words, allowed_misses)
        if last is None:
            continue
        if last - index < tight:
            return index, last
        if best is None or last - index < best[1] - best[0]:
            best = (index, last)
    return best


def _match_from(rest: list[str], index: int, words: list[str], allowed_misses: int) -> int | None:
    """The index of the last source word matching ``rest`` greedily after ``index``, or None."""
    last = index
    misses = 0
    for wanted in rest:
        found = _find_word(words, wanted, last + 1, last + 1 + _MAX_GAP)
        if found is not None:
            last = found
            continue
        misses += 1
        if misses > allowed_misses:
            return None
    return last
