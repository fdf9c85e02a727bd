"""Bad arguments fail with one clear line naming the argument, never with a half-rendered page."""

from __future__ import annotations

import pytest

from render import ToolScores, build_comparison, render_html, render_markdown
from schemas import TerminalError
from tests.render.factories import etl_library, vector_database


@pytest.mark.parametrize("renderer", [render_markdown, render_html])
@pytest.mark.parametrize("limit", [-1, 2.5, True, "8"])
def test_bad_max_capabilities_is_named(renderer, limit):
    with pytest.raises(TerminalError) as caught:
        renderer(vector_database(), etl_library(), max_capabilities=limit)

    error = caught.value
    assert error.subject == "max_capabilities"
    assert repr(limit) in str(error)
    assert "\n" not in str(error)
    assert error.hint


@pytest.mark.parametrize("renderer", [render_markdown, render_html])
def test_something_other_than_a_profile_is_named(renderer):
    with pytest.raises(TerminalError) as caught:
        renderer(vector_database(), {"tool": "pypi:pipewright"})

    assert caught.value.subject == "right tool"
    assert "expected a ToolProfile" in str(caught.value)
    assert "got dict" in str(caught.value)


def test_rank_outside_the_scale_is_rejected_where_scores_are_made():
    with pytest.raises(ValueError, match="rank"):
        ToolScores(rank=101)


def test_zero_capabilities_shown_is_allowed():
    page = build_comparison(vector_database(), etl_library(), 0)

    assert [section.more_note for section in page.sections] == [
        "+3 more capabilities",
        "+2 more capabilities",
    ]
    assert all(section.capabilities == () for section in page.sections)
