"""The HTML page: a standalone, script-free document in which every described value is inert text."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from render import render_html
from tests.render.factories import etl_library, text_corpus, vector_database
from tests.render.hostile import (
    HOSTILE_DESCRIPTION,
    HOSTILE_NAME,
    HOSTILE_QUOTE,
    HOSTILE_TITLE,
    IMAGE,
    SCRIPT,
    SCRIPT_URL,
    hostile_tool,
)
from tests.render.page_reading import html_to_tree, section_texts, squash


@pytest.fixture
def hostile_page() -> str:
    return render_html(hostile_tool(), text_corpus())


def every_element(tree):
    return [element for element in tree.iter() if isinstance(element.tag, str)]


def test_is_a_standalone_html5_document():
    page = render_html(vector_database(), etl_library())

    assert page.lstrip().lower().startswith("<!doctype html>")
    tree = html_to_tree(page)
    assert tree.get("lang") == "en"
    assert tree.find(".//head/meta[@charset]").get("charset") == "utf-8"
    assert tree.find(".//head/title").text == "Quillvec vs Pipewright"
    style = tree.find(".//head/style")
    assert "table" in style.text and "@media" in style.text
    assert tree.find(".//head/meta[@name='viewport']") is not None


def test_loads_nothing_from_outside_and_runs_no_script():
    tree = html_to_tree(render_html(vector_database(), etl_library()))

    tags = {element.tag for element in every_element(tree)}
    assert not tags & {"script", "link", "img", "iframe", "object", "embed", "base"}
    assert "@import" not in tree.find(".//head/style").text
    assert [link.get("href") for link in tree.iter("a")] == ["https://quillvec.example/docs"]


def test_table_scrolls_sideways_on_narrow_screens():
    tree = html_to_tree(render_html(vector_database(), etl_library()))

    wrapper = next(tree.iter("table")).getparent()
    assert wrapper.get("class") == "table-wrap"
    assert ".table-wrap { overflow-x: auto" in tree.find(".//head/style").text


def test_hostile_values_create_no_script_no_handler_and_no_script_link(hostile_page):
    tree = html_to_tree(hostile_page)

    assert list(tree.iter("script")) == []
    assert list(tree.iter("img")) == []
    handlers = [
        (element.tag, name)
        for element in every_element(tree)
        for name in element.attrib
        if name.lower().startswith("on")
    ]
    assert handlers == []
    assert list(tree.iter("a")) == []
    assert all(
        SCRIPT_URL not in value for element in every_element(tree) for value in element.attrib.values()
    )


def test_hostile_values_are_present_as_readable_text(hostile_page):
    tree = html_to_tree(hostile_page)

    assert tree.find(".//head/title").text == f"{HOSTILE_NAME} vs Tidepool Corpus"
    assert next(tree.iter("h1")).text_content() == f"{HOSTILE_NAME} vs Tidepool Corpus"
    texts = section_texts(tree, f"{HOSTILE_NAME} Capabilities")
    assert texts[0] == f"Homepage: {SCRIPT_URL}"
    assert texts[1] == HOSTILE_TITLE
    assert texts[3] == squash(HOSTILE_DESCRIPTION)
    assert f"Unique: Unique text with {IMAGE}" in texts
    assert f"“{squash(HOSTILE_QUOTE)}”" in texts


def test_hostile_document_origin_is_text_too():
    hostile_empty = hostile_tool().model_copy(update={"capabilities": []})
    tree = html_to_tree(render_html(vector_database(), hostile_empty))

    assert list(tree.iter("script")) == []
    texts = section_texts(tree, f"{HOSTILE_NAME} Capabilities")
    assert texts[-1] == (
        f"No capabilities were extracted for {HOSTILE_NAME} from https://evil.example/{SCRIPT}."
    )


def test_raw_html_escapes_markup_characters(hostile_page):
    assert SCRIPT not in hostile_page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile_page
    assert "<img" not in hostile_page


def test_http_homepage_is_a_link_and_its_quotes_cannot_break_the_attribute():
    tree = html_to_tree(render_html(hostile_tool(homepage="https://evil.example/?q=x&y=1"), etl_library()))

    links = list(tree.iter("a"))
    assert [link.get("href") for link in links] == ["https://evil.example/?q=x&y=1"]
    assert links[0].text_content() == "https://evil.example/?q=x&y=1"
    assert set(links[0].attrib) == {"href", "rel"}


def test_unverified_capability_is_marked_and_styled():
    tree = html_to_tree(render_html(vector_database(), etl_library()))

    marked = [article for article in tree.iter("article") if "unverified" in article.get("class").split()]
    assert [squash(article.find("h3").text_content()) for article in marked] == ["Schema drift alerts"]
    paragraphs = [squash(paragraph.text_content()) for paragraph in marked[0].iter("p")]
    assert paragraphs[0] == "⚠ unverified: quote not found in the source"
    assert marked[0].find("p").get("class") == "warning"
    assert ".warning {" in tree.find(".//head/style").text


class TagBalance(HTMLParser):
    """Records every start tag and fails on an end tag that does not close the innermost open element."""

    VOID = frozenset({"meta", "br", "hr", "img", "input", "link", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.seen: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.seen.append(tag)
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes <{self.open[-1] if self.open else None}>"
        self.open.pop()


def test_every_element_is_closed_in_order_even_with_hostile_input():
    checker = TagBalance()
    checker.feed(render_html(hostile_tool(), etl_library()))
    checker.close()

    assert checker.open == []
    assert "script" not in checker.seen
    assert checker.seen[:2] == ["html", "head"]
