"""Spotting what a description itself claims: uniqueness ("the only", "the first", "unlike") and
comparisons ("faster than", "compared to", "drop-in replacement for").

Only sentences that make such a claim in so many words are picked; nothing is inferred, so a
record's ``unique`` and ``vs_alternatives`` stay "not stated" unless its source states them.
"""

from __future__ import annotations

import re

_UNIQUE = re.compile(
    r"\b(?:"
    r"(?:the|an?|our) only\b|only (?:one|tool|library|framework|package|model|dataset|solution|project|"
    r"engine|database|service|implementation|option) (?:that|to|which|with|in|for)\b|"
    r"(?:world'?s|industry'?s) first\b|the first (?:[\w-]+ )?(?:library|tool|framework|package|"
    r"implementation|engine|database|model|dataset|project|solution|system|service|platform|api|parser|"
    r"server|client|compiler|runtime|benchmark|open[- ]source \w+)\b|first of its kind\b|"
    r"first[- ]ever\b|unlike\b|no other\b|nothing else\b|unique(?:ly)?\b|one of a kind\b|"
    r"the (?:fastest|smallest|largest|lightest|simplest|easiest|cheapest|strongest|quickest|"
    r"most \w+|least \w+|biggest|highest|lowest|newest|leanest)\b"
    # ...but not "the simplest example", "the easiest and safest way": those rank ways of using it.
    r"(?! (?:and \w+ )?(?:example|way|case|form|setup|usage|use|step|option|thing|possible|version|part|"
    r"time|value|number|level|one|solution|approach|practice|choice|place)s?\b)"
    r")",
    re.IGNORECASE,
)
_COMPARISON = re.compile(
    r"\b(?:"
    r"(?:faster|slower|smaller|lighter|cheaper|simpler|easier|safer|better|quicker|leaner|"
    r"more \w+(?: \w+)?|less \w+(?: \w+)?|fewer \w+(?: \w+)?) than\b|"
    r"compared (?:to|with)\b|in comparison (?:to|with)\b|comparable to\b|as opposed to\b|"
    r"unlike\b|instead of\b|alternative to\b|replacement for\b|drop-in\b|"
    r"vs\.?(?=\s)|versus\b|outperform\w*|"
    r"\d+(?:\.\d+)?\s?(?:x|×|times) (?:faster|slower|smaller|larger|less|more|fewer|cheaper|quicker)\b|"
    r"\d+(?:\.\d+)?\s?(?:x|×|times) as \w+ as\b"
    r")",
    re.IGNORECASE,
)


def unique_claims(sentences: list[str]) -> list[str]:
    """The sentences that state something is unique, first or best of its kind."""
    return [sentence for sentence in sentences if _UNIQUE.search(sentence)]


def comparison_claims(sentences: list[str]) -> list[str]:
    """The sentences that compare the tool with something else."""
    return [sentence for sentence in sentences if _COMPARISON.search(sentence)]
