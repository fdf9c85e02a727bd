"""Bad site input fails at once, before any file is written, with one line naming what is wrong."""

from __future__ import annotations

from datetime import datetime

import pytest

from render.matches import PairMatch
from render.site import SiteTool, site_files, write_site
from schemas import TerminalError
from tests.render.factories import etl_library, vector_database, with_tool
from tests.render_site.site_factories import GENERATED_AT, alternative, build, four_tools, shared_pair


def one_line_error(call) -> TerminalError:
    with pytest.raises(TerminalError) as caught:
        call()
    assert "\n" not in str(caught.value)
    return caught.value


def test_the_same_tool_twice_is_named():
    tools = [SiteTool(profile=vector_database()), SiteTool(profile=vector_database())]

    error = one_line_error(lambda: site_files(tools, generated_at=GENERATED_AT))
    assert error.subject == "pypi:quillvec"
    assert "twice" in str(error)


def test_a_tool_listing_itself_is_named():
    vector = vector_database()
    tools = [SiteTool(profile=vector, alternatives=(alternative(vector, 1, 1.0),))]

    error = one_line_error(lambda: site_files(tools, generated_at=GENERATED_AT))
    assert error.subject == "pypi:quillvec"
    assert "itself" in str(error)


def test_a_stale_match_is_reported_before_anything_is_written(tmp_path):
    stale = PairMatch(similarity=0.4, shared=(shared_pair(0, "Teleportation", 0, "Incremental loads"),))
    tools = [
        SiteTool(profile=vector_database(), alternatives=(alternative(etl_library(), 1, 0.4, stale),)),
        SiteTool(profile=etl_library()),
    ]

    error = one_line_error(lambda: build(tmp_path, tools))
    assert error.subject == "pypi:quillvec"
    assert "'Teleportation'" in str(error)
    assert "match of pypi:quillvec with pypi:pipewright" in str(error)
    assert not (tmp_path / "site").exists()


def test_something_other_than_a_site_tool_is_named():
    error = one_line_error(lambda: site_files([vector_database()], generated_at=GENERATED_AT))
    assert error.subject == "tools[0]"
    assert "got ToolProfile" in str(error)


def test_a_naive_timestamp_is_refused():
    error = one_line_error(lambda: site_files([], generated_at=datetime(2026, 1, 1)))
    assert error.subject == "generated_at"


@pytest.mark.parametrize("option", ["pairs_per_tool", "max_capabilities"])
@pytest.mark.parametrize("value", [-1, 1.5, True])
def test_bad_counts_are_named(option, value):
    error = one_line_error(lambda: site_files([], generated_at=GENERATED_AT, **{option: value}))
    assert error.subject == option
    assert repr(value) in str(error)


def test_names_that_need_a_hash_never_clash_even_when_they_look_alike(tmp_path):
    base = vector_database()
    lookalikes = ["pypi:quill-vec", "pypi:Quill-Vec", "pypi:quill_vec", "pypi:quill.vec", "pypi:quill/vec"]
    tools = [SiteTool(profile=with_tool(base, id=tool_id)) for tool_id in lookalikes]

    _, summary = build(tmp_path, tools)
    assert summary.pages == 1 + len(lookalikes)


@pytest.mark.parametrize(
    "path", ["../escape.html", "/etc/x.html", "a/../../b.html", "", "a//b.html", "a\\b.html"]
)
def test_write_site_refuses_paths_outside_the_site(tmp_path, path):
    out = tmp_path / "site"

    error = one_line_error(lambda: write_site([(path, "x")], out))
    assert error.subject == "site file"
    assert not (tmp_path / "escape.html").exists()


def test_write_site_into_a_file_is_named(tmp_path):
    blocker = tmp_path / "taken"
    blocker.write_text("not a directory")

    error = one_line_error(lambda: write_site([("index.html", "x")], blocker))
    assert error.subject == str(blocker)


def test_rewriting_a_site_replaces_its_pages(tmp_path):
    out, first = build(tmp_path, four_tools())
    out, second = build(tmp_path, four_tools())

    assert first == second
    assert not [path for path in out.rglob("*") if path.name.endswith(".tmp")]
