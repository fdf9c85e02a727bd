"""Comparison pages: two tool profiles in, one "A vs B" page out, as Markdown or HTML.

Pure functions with no I/O: the caller loads the profiles and writes the result wherever it wants.
``render.site`` builds the static site from the same page model (its ``write_site`` alone writes files).
"""

from render.build import build_comparison
from render.html_page import comparison_to_html, render_html
from render.markdown_page import comparison_to_markdown, render_markdown
from render.matches import PairMatch, SharedPair
from render.page import Comparison
from render.scores import ScoreBoard, ToolScores
from render.verdict import OverlapFacts, VerdictFacts, write_verdict

__all__ = [
    "Comparison",
    "OverlapFacts",
    "PairMatch",
    "ScoreBoard",
    "SharedPair",
    "ToolScores",
    "VerdictFacts",
    "build_comparison",
    "comparison_to_html",
    "comparison_to_markdown",
    "render_html",
    "render_markdown",
    "write_verdict",
]
