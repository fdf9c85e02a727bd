"""Untrusted descriptions stay inert on every page of the site and in the search index."""

from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from render.site import tool_page_path
from render.site.search_index import GLOBAL_NAME, script_safe_json
from tests.render_site.hostile_site import (
    CLOSE_SCRIPT,
    EVERY_PAYLOAD,
    HOSTILE_DESCRIPTION,
    HOSTILE_NAME,
    HOSTILE_QUOTE,
    HOSTILE_TITLES,
    HTTP_HOMEPAGE,
    SCRIPT_URL,
    hostile_profile,
    hostile_site,
)
from tests.render_site.site_factories import build
from tests.render_site.site_reading import html_pages, is_external, references, resolve, squash

# Every element and attribute the site's templates write; anything else came from the input.
OUR_TAGS = {
    "html", "head", "meta", "title", "link", "body", "nav", "a", "span", "main", "footer", "h1", "h2",
    "h3", "p", "strong", "div", "table", "thead", "tbody", "tr", "th", "td", "section", "article",
    "ul", "li", "label", "input", "script",
}  # fmt: skip
OUR_ATTRIBUTES = {
    "lang", "charset", "name", "content", "http-equiv", "rel", "href", "src", "class", "id", "role",
    "aria-label", "aria-hidden", "aria-live", "data-testid", "scope", "for", "type", "autocomplete",
    "spellcheck", "placeholder",
}  # fmt: skip
OUR_SCRIPTS = ["assets/search-index.js", "assets/search.js"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out, _ = build(tmp_path_factory.mktemp("hostile"), hostile_site())
    return out


def every_element(tree):
    return [element for element in tree.iter() if isinstance(element.tag, str)]


def test_no_element_or_attribute_comes_from_the_input(site):
    pages = html_pages(site)
    assert len(pages) == 1 + 3 + 2

    for page, tree in pages.items():
        elements = every_element(tree)
        assert {element.tag for element in elements} <= OUR_TAGS, page
        names = {name for element in elements for name in element.attrib}
        assert names <= OUR_ATTRIBUTES, (page, names - OUR_ATTRIBUTES)
        values = [
            value
            for element in elements
            for name, value in element.attrib.items()
            if name != "content"  # the CSP and meta values, fixed by the template and checked elsewhere
        ]
        assert not [value for value in values if "javascript:" in value.lower()], page
        # Slugs and our own values never hold these; every payload does.
        assert not [value for value in values if set(value) & set("<>()'")], page


def test_only_our_scripts_exist_and_only_on_the_index(site):
    for page, tree in html_pages(site).items():
        sources = [(script.get("src"), script.text) for script in tree.iter("script")]
        if page == "index.html":
            assert sources == [(source, None) for source in OUR_SCRIPTS]
        else:
            assert sources == [], page


def test_links_are_site_files_or_plain_web_addresses(site):
    written = {path.relative_to(site).as_posix() for path in site.rglob("*") if path.is_file()}
    external = set()
    for page, tree in html_pages(site).items():
        for reference in references(tree):
            if is_external(reference):
                external.add(reference)
            else:
                assert resolve(page, reference) in written, (page, reference)
    # Only the second tool's http homepage became a link; the script URL stayed text.
    assert external == {HTTP_HOMEPAGE}


def test_hostile_text_is_shown_as_text(site):
    tree = html_pages(site)[tool_page_path(hostile_profile().tool.id)]

    assert squash(tree.find(".//h1").text_content()) == HOSTILE_NAME
    text = squash(tree.text_content())
    for title in HOSTILE_TITLES:
        assert squash(title) in text
    assert squash(HOSTILE_DESCRIPTION) in text
    assert f"“{squash(HOSTILE_QUOTE)}”" in text
    assert f"Homepage: {SCRIPT_URL}" in text


class TagCollector(HTMLParser):
    """The stdlib parser's view: every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_the_stdlib_parser_sees_no_injected_tags_either(site):
    for path in site.rglob("*.html"):
        collector = TagCollector()
        collector.feed(path.read_text(encoding="utf-8"))
        collector.close()
        for tag, attributes in collector.tags:
            assert tag in OUR_TAGS, (path.name, tag)
            assert not [name for name in attributes if name.startswith("on")], (path.name, tag)
            if tag == "script":
                assert attributes.get("src") in OUR_SCRIPTS


def index_payload(site) -> str:
    text = (site / "assets" / "search-index.js").read_text(encoding="utf-8")
    prefix, suffix = f"window.{GLOBAL_NAME} = ", ";\n"
    assert text.startswith(prefix) and text.endswith(suffix)
    return text[len(prefix) : -len(suffix)]


def test_search_index_escapes_everything_that_could_end_the_script(site):
    text = (site / "assets" / "search-index.js").read_text(encoding="utf-8")

    for character in "<>&\u2028\u2029":
        assert character not in text
    assert "\\u003c/script\\u003e" in text
    entries = json.loads(index_payload(site))
    assert [entry["name"] for entry in entries] == [
        HOSTILE_NAME,
        "Second <img src=x onerror=\"document.documentElement.dataset.pwned='1'\">",
        "Pipewright",
    ]
    assert entries[0]["capabilities"][0] == HOSTILE_TITLES[0]
    assert CLOSE_SCRIPT in entries[0]["capabilities"][0]


def test_script_safe_json_escapes_line_separators_and_markup():
    value = {"title": "a\u2028b\u2029c </script> & <!-- >"}
    encoded = script_safe_json(value)

    assert encoded == ('{"title":"a\\u2028b\\u2029c \\u003c/script\\u003e \\u0026 \\u003c!-- \\u003e"}')
    assert json.loads(encoded) == value


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run JavaScript")
def test_search_index_is_valid_javascript_that_sets_one_global(site):
    program = (
        "const window = {};"
        "const source = require('fs').readFileSync(process.argv[1], 'utf8');"
        "new Function('window', source)(window);"
        "process.stdout.write(JSON.stringify(Object.keys(window)) + '\\n');"
        f"process.stdout.write(JSON.stringify(window.{GLOBAL_NAME}));"
    )
    result = subprocess.run(
        ["node", "-e", program, str(site / "assets" / "search-index.js")],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    keys, payload = result.stdout.split("\n", 1)

    assert json.loads(keys) == [GLOBAL_NAME]
    assert json.loads(payload) == json.loads(index_payload(site))


def test_every_payload_was_really_in_the_input():
    # Guards the other tests against passing only because a payload was silently dropped.
    dumped = hostile_profile().model_dump_json()
    for payload in EVERY_PAYLOAD:
        assert json.dumps(payload)[1:-1] in dumped
