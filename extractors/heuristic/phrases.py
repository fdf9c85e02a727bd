"""A phrase pattern guarded by the plain words every match must contain, for rules run on every block.

Most texts contain none of a rule's cue words, and a few substring tests rule them out far faster than
the pattern could; the pattern only runs on the rest. Used by the aside and junk rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Phrases:
    """A phrase pattern and the lower-case cue words every match contains (at least one of them)."""

    pattern: re.Pattern[str]
    cues: tuple[str, ...]

    def search(self, text: str) -> bool:
        lowered = text.lower()
        return any(cue in lowered for cue in self.cues) and self.pattern.search(text) is not None
