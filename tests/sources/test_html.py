"""file: on HTML pages: the article is kept as Markdown, page furniture is dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

from sources.file import FileSource

PAGE = """<!doctype html>
<html>
<head>
  <title>Sprocketry | gear maths online</title>
  <script>var analytics = "SCRIPT-IN-HEAD";</script>
  <style>.banner { color: red; } /* STYLE-RULE */</style>
</head>
<body>
  <nav><a href="/">Home</a> <a href="/blog">NAV-LINK-BLOG</a></nav>
  <div class="cookie-consent" id="cookie-banner">
    <p>COOKIE-BANNER we keep a few cookies to count visitors.</p>
    <button>Accept all</button>
  </div>
  <main>
    <article>
      <h1>Sprocketry</h1>
      <p>Sprocketry computes gear ratios, tooth counts and chain lengths for bicycle drivetrains,
      and shows which combinations overlap so riders can drop redundant gears.</p>
      <h2>Features</h2>
      <ul>
        <li>Works from a list of chainrings and cassette cogs in any order.</li>
        <li>Exports the ratio chart as a <em>printable</em> table.</li>
      </ul>
      <table>
        <tr><th>Input</th><th>Output</th></tr>
        <tr><td>50/34 and 11-32</td><td>22 ratios</td></tr>
      </table>
    </article>
  </main>
  <script>document.write("SCRIPT-IN-BODY")</script>
</body>
</html>
"""


@pytest.fixture
def fetched(tmp_path: Path):
    path = tmp_path / "sprocketry.html"
    path.write_text(PAGE, encoding="utf-8")
    return FileSource(max_bytes=1_000_000).fetch(f"file:{path}")


def test_article_text_is_kept_as_markdown(fetched):
    text = fetched.document.text

    assert text.startswith("# Sprocketry")
    assert "Sprocketry computes gear ratios" in text
    assert "## Features" in text
    assert "- Works from a list of chainrings" in text
    assert "| 50/34 and 11-32 | 22 ratios |" in text
    assert fetched.document.media_type == "text/markdown"


@pytest.mark.parametrize(
    "noise", ["SCRIPT-IN-HEAD", "SCRIPT-IN-BODY", "STYLE-RULE", "NAV-LINK-BLOG", "COOKIE-BANNER", "<"]
)
def test_scripts_navigation_and_cookie_banner_are_dropped(fetched, noise):
    assert noise not in fetched.document.text


def test_page_title_and_original_type_are_kept_in_metadata(fetched):
    assert fetched.document.metadata == {
        "original_media_type": "text/html",
        "title": "Sprocketry | gear maths online",
    }


def test_tool_is_named_after_the_first_heading_and_summarised(fetched):
    assert fetched.tool.name == "Sprocketry"
    assert fetched.tool.summary is not None
    assert fetched.tool.summary.startswith("Sprocketry computes gear ratios, tooth counts")


def test_page_without_markup_falls_back_to_body_text(tmp_path):
    path = tmp_path / "loose.htm"
    path.write_text("Gridkit sorts tables.\n\n<script>trackVisitor()</script>\n", encoding="utf-8")

    result = FileSource(max_bytes=1_000_000).fetch(f"file:{path}")

    assert result.document.text == "Gridkit sorts tables."
    assert result.tool.name == "loose"
    assert result.document.metadata == {"original_media_type": "text/html"}
