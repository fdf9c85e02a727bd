"""Small invented sites for the static-site tests, built on the renderer tests' tool profiles."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from render.matches import PairMatch, SharedPair
from render.scores import ToolScores
from render.site import SiteAlternative, SiteSummary, SiteTool, site_files, write_site
from schemas import ToolProfile
from tests.render.factories import etl_library, hosted_model, text_corpus, vector_database
from tests.render.matching import vector_vs_etl_match

GENERATED_AT = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)


def alternative(
    profile: ToolProfile, rank: int, similarity: float, match: PairMatch | None = None
) -> SiteAlternative:
    return SiteAlternative(
        tool_id=profile.tool.id,
        name=profile.tool.name,
        rank=rank,
        similarity=similarity,
        match=match or PairMatch(similarity=similarity),
    )


def four_tools() -> list[SiteTool]:
    """Quillvec and Pipewright list each other; Orca lists Quillvec; Tidepool lists nobody."""
    vector, etl, model, corpus = vector_database(), etl_library(), hosted_model(), text_corpus()
    match = vector_vs_etl_match()
    return [
        SiteTool(
            profile=vector,
            scores=ToolScores(rank=71, adoption=3, times_matched=12),
            alternatives=(alternative(etl, 1, 0.63, match), alternative(model, 2, 0.21)),
        ),
        SiteTool(
            profile=etl,
            scores=ToolScores(rank=44),
            alternatives=(alternative(vector, 1, 0.63, match.flipped()),),
        ),
        SiteTool(
            profile=model,
            scores=ToolScores(),
            alternatives=(
                alternative(vector, 1, 0.21),
                SiteAlternative(
                    tool_id="pypi:not-in-this-site",
                    name="Absent Tool",
                    rank=2,
                    similarity=0.2,
                    match=PairMatch(similarity=0.2),
                ),
            ),
        ),
        SiteTool(profile=corpus),
    ]


def build(tmp_path: Path, tools: list[SiteTool], **options: object) -> tuple[Path, SiteSummary]:
    out = tmp_path / "site"
    summary = write_site(site_files(tools, generated_at=GENERATED_AT, **options), out)
    return out, summary


def shared_pair(left_ordinal: int, left_title: str, right_ordinal: int, right_title: str) -> SharedPair:
    return SharedPair(
        left_ordinal=left_ordinal,
        left_title=left_title,
        right_ordinal=right_ordinal,
        right_title=right_title,
        similarity=0.5,
    )
