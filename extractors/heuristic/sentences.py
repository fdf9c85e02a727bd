"""Plain-text helpers: collapsing whitespace, splitting sentences, condensing titles and descriptions.

Every function only cuts or trims the text it is given; none of them adds words, so whatever a
record says can always be traced back to the description it came from.
"""

from __future__ import annotations

import re

TITLE_LIMIT = 80
DESCRIPTION_LIMIT = 600

_WHITESPACE = re.compile(r"\s+")
# A sentence ends at . ! or ? (optionally followed by a closing quote or bracket) before whitespace
# and a character that can start a sentence.
_SENTENCE_BREAK = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"'“‘(\[`*_]?[A-Z0-9])")
_ABBREVIATIONS = frozenset(
    {
        "e.g.",
        "i.e.",
        "etc.",
        "vs.",
        "cf.",
        "approx.",
        "incl.",
        "no.",
        "fig.",
        "dr.",
        "mr.",
        "ms.",
        "st.",
        "v.",
    }
)
_CLAUSE_BREAK = re.compile(r"[,;:]\s|\s[-–—]\s|\s\(")
# Adjective endings: a comma between two such words separates the adjectives before one noun
# ("resilient, dynamic pipelines"), and cutting there leaves a phrase without its noun.
_ADJECTIVE_ENDING = re.compile(
    r"(?:ent|ant|ic|al|ous|ful|less|able|ible|ive|ary|ory|ish|est|ed)$", re.IGNORECASE
)
_OPENERS = {"(": ")", "[": "]", "{": "}"}
# Words a title cut at a word boundary must not end on: they need the words that were cut off.
_DANGLING = frozenset(
    (
        *("a", "an", "the", "of", "in", "on", "at", "to", "for", "from", "with", "by", "and", "or", "but"),
        *("nor", "as", "into", "onto", "than", "that", "which", "who", "whose", "its", "their", "your"),
        *("our", "this", "these", "those", "is", "are", "be", "was", "were", "via", "using", "per", "so"),
        *("then", "if", "when", "while", "can", "will", "may"),
    )
)
_SHORTEST_CLAUSE = 30
_SHORTEST_BEFORE_BRACKET = 15
_SHORTCODE = re.compile(r":[a-z0-9_+-]+:")
HEADLINE_LIMIT = 60
# Verbs a feature sentence's subject is followed by ("search *answers* in ..."): where they stand,
# the words before them are the sentence's head noun phrase.
_MAIN_VERB = re.compile(
    r"\b(?:is|are|was|were|has|have|can|will|lets|let|makes|make|keeps|keep|gives|give|runs|run|"
    r"answers|answer|returns|return|takes|take|handles|handle|supports|support|provides|provide|"
    r"works|work|scales|scale|serves|serve|stays|stay|uses|use|means|mean|turns|turn|brings|bring|"
    r"comes|come|ships|ship|gets|get|finds|find|cuts|cut|saves|save|needs|need|requires|require|"
    r"allows|allow|enables|enable|helps|help|does|do|starts|start|builds|build|reads|read|writes|write|"
    r"stores|store|sends|send|checks|check|fits|fit|spreads|spread|avoids|avoid|removes|remove|"
    r"happens|happen|goes|go|reduces|reduce|speeds|speed|catches|catch|tracks|track|shows|show)\b",
    re.IGNORECASE,
)
_SHORTEST_SUBJECT_WORDS = 2
_TRAILING_PUNCTUATION = " \t.,;:!?-–—"


def collapse(text: str) -> str:
    """``text`` with every run of whitespace turned into one space, and trimmed."""
    return _WHITESPACE.sub(" ", text).strip()


def split_sentences(text: str) -> list[str]:
    """The sentences of a plain-text passage, in order; abbreviations such as "e.g." do not split."""
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_BREAK.finditer(text):
        # A short look-back finds the word before the break without rescanning the whole sentence.
        last_word = text[max(start, match.start() - 12) : match.start() + 1].rsplit(None, 1)[-1]
        last_word = last_word.lstrip("([{\"'“‘").casefold()
        if last_word in _ABBREVIATIONS or re.fullmatch(r"[a-z]\.", last_word):
            continue
        sentence = text[start : match.end()].strip()
        if sentence:
            sentences.append(sentence)
        start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def cut_at_word(text: str, limit: int) -> str:
    """At most ``limit`` characters of ``text``, ending at a word boundary when one is available."""
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(None, 1)[0] if " " in text[: limit + 1] else text[:limit]
    return cut[:limit].rstrip(_TRAILING_PUNCTUATION + "(")


def condense_description(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, at the last sentence end that fits when one does."""
    text = collapse(text)
    if len(text) <= limit:
        return text
    kept = ""
    for sentence in split_sentences(text):
        candidate = f"{kept} {sentence}".strip()
        if len(candidate) > limit:
            break
        kept = candidate
    # A lone short first sentence would throw most of the text away: prefer a word-boundary cut then.
    if len(kept) >= limit // 3:
        return kept
    return cut_at_word(text, limit)


def condense_title(text: str, limit: int = TITLE_LIMIT) -> str:
    """A short title from an item that has no name: its first sentence, else first clause, else a cut."""
    text = collapse(text)
    sentences = split_sentences(text)
    first = sentences[0] if sentences else text
    first = first.rstrip(_TRAILING_PUNCTUATION) or first
    if len(first) <= limit:
        return first
    # The longest first clause that fits, when it is long enough to say something on its own.
    breaks = [match.start() for match in _CLAUSE_BREAK.finditer(first, 0, limit + 1)]
    fitting = [
        position
        for position in breaks
        if _SHORTEST_CLAUSE <= position <= limit and _ends_a_clause(first, position)
    ]
    if fitting:
        return first[: fitting[-1]].rstrip(_TRAILING_PUNCTUATION)
    return _tidy_cut(cut_at_word(first, limit))


def headline(text: str) -> str:
    """A title built from a sentence that has no name of its own besides praise ("Fast: ..."):
    its first clause when short, else its head noun phrase (the words before its main verb),
    else ``condense_title``; the first letter is capitalised. Only cuts, never adds words."""
    title = condense_title(text)
    if len(title) > HEADLINE_LIMIT:
        verb = _MAIN_VERB.search(title)
        if verb is not None:
            subject = title[: verb.start()].rstrip(_TRAILING_PUNCTUATION)
            if len(subject.split()) >= _SHORTEST_SUBJECT_WORDS and not _DANGLING.issuperset(
                [subject.split()[-1].casefold()]
            ):
                title = subject
    return title[:1].upper() + title[1:]


def _ends_a_clause(text: str, position: int) -> bool:
    """Whether cutting ``text`` at ``position`` leaves a whole phrase: no bracket or quote left
    open, and not a comma between two adjectives."""
    head = text[:position]
    if any(head.count(opener) > head.count(closer) for opener, closer in _OPENERS.items()):
        return False
    if head.count('"') % 2 or head.count("“") > head.count("”"):
        return False
    if text[position] == ",":
        before = head.rsplit(None, 1)[-1] if head.strip() else ""
        after = text[position + 1 :].split(None, 1)
        if after and _ADJECTIVE_ENDING.search(before) and _ADJECTIVE_ENDING.search(after[0]):
            return False
    return True


def _tidy_cut(cut: str) -> str:
    """A title cut at a word boundary, without a bracket it opened but could not close and without
    the articles, prepositions and conjunctions left hanging at its end."""
    opened = cut.rfind("(")
    if opened >= _SHORTEST_BEFORE_BRACKET and cut.find(")", opened) < 0:
        cut = cut[:opened]
    words = cut.split()
    while len(words) > 1 and words[-1].casefold() in _DANGLING:
        words.pop()
    return " ".join(words).rstrip(_TRAILING_PUNCTUATION + "(")


def tidy_name(name: str) -> str:
    """A feature name without the punctuation that joined it to its text ("Fast:" -> "Fast") and
    without emoji shortcodes (":rocket:")."""
    name = collapse(_SHORTCODE.sub(" ", name))
    return name.strip(_TRAILING_PUNCTUATION + "`\"'*_“”‘’") or name


def fold(text: str) -> str:
    """The comparison key for duplicates: case- and whitespace-insensitive."""
    return collapse(text).casefold().rstrip(".")
