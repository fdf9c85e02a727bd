"""Slugs and page paths: safe file names, one per id, one per unordered pair."""

from __future__ import annotations

import itertools
import re

import pytest

from render.site import pair_page_path, tool_page_path, tool_slug
from render.site.paths import relative_link

SAFE_SLUG = re.compile(r"[a-z0-9][a-z0-9._-]*")

LOOKALIKES = [
    "pypi:foo-bar",
    "pypi:Foo-Bar",
    "pypi:FOO-BAR",
    "pypi:foo_bar",
    "pypi:foo.bar",
    "pypi:foo/bar",
    "pypi:foo bar",
    "pypi:foo--bar",
    "pypi:foo:bar",
    "pypi:foo-bar/",
    "pypi-foo:bar",
    "pypi:foo__bar",
    "pypi:foo..bar",
    "pypi:foo-vs-bar",
    "pypi:foo-vs",
    "vs-pypi:foo",
    "file:../../etc/passwd",
    "file:/abs/path.md",
    "file:docs\\x.md",
    "hf:Orca-Labs/Orca-Mini",
    "hf:orca-labs/orca-mini",
    "file:" + "x" * 300,
    "file:" + "x" * 299 + "y",
    "file:ünïcødé",
    "file:unicode",
]


def test_slugs_differ_for_ids_that_differ_only_in_punctuation_or_case():
    slugs = [tool_slug(tool_id) for tool_id in LOOKALIKES]

    assert len(set(slugs)) == len(LOOKALIKES)


@pytest.mark.parametrize("tool_id", LOOKALIKES)
def test_slugs_are_safe_file_names(tool_id):
    slug = tool_slug(tool_id)

    assert SAFE_SLUG.fullmatch(slug), slug
    assert ".." not in slug
    assert "/" not in slug
    assert len(slug) <= 80
    assert "vs" not in slug.split("-")
    assert tool_slug(tool_id) == slug  # deterministic


def test_simple_ids_keep_a_readable_slug():
    assert tool_slug("pypi:quillvec") == "pypi_quillvec"
    assert tool_slug("hf:orca-labs/orca-mini-chat") == "hf_orca-labs__orca-mini-chat"
    assert tool_page_path("pypi:quillvec") == "tools/pypi_quillvec.html"


def test_other_ids_keep_a_readable_stem_and_a_hash():
    slug = tool_slug("hf:Orca-Labs/Orca-Mini")

    assert re.fullmatch(r"hf-orca-labs-orca-mini-[0-9a-f]{10}", slug)


def test_pair_path_is_the_same_in_either_order_and_differs_per_pair():
    ids = LOOKALIKES[:12]
    paths = {}
    for left, right in itertools.combinations(ids, 2):
        path = pair_page_path(left, right)
        assert path == pair_page_path(right, left)
        assert path.startswith("compare/") and path.endswith(".html")
        assert path.count("-vs-") == 1
        paths[path] = (left, right)

    assert len(paths) == len(ids) * (len(ids) - 1) // 2


def test_relative_links_between_site_folders():
    assert relative_link("index.html", "tools/a.html") == "tools/a.html"
    assert relative_link("tools/a.html", "tools/b.html#cap-2") == "b.html#cap-2"
    assert relative_link("compare/a-vs-b.html", "tools/b.html") == "../tools/b.html"
    assert relative_link("tools/a.html", "index.html") == "../index.html"
