"""Render shortcuts must not change output: every field renders exactly as the full path —
Obsidian rewrites, markdown-it, then nh3 on everything — renders it."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hypothesis_profiles import DEADLINE
from notedeck.build.render import card as render
from notedeck.build.render.fast import inline_html, simple_html
from notedeck.text.code import outside_code


def _reference(text: str, inline: bool) -> str:
    """markdown_to_html as it was before these shortcuts: the plain-prose path
    (tests/test_speed.py checks it), else markdown-it and nh3 on everything."""
    text = outside_code(text, render._obsidian_prose)
    plain = render._plain_html(text, inline)
    if plain is not None:
        return plain  # differs from nh3 only for a leading U+FEFF, which nh3 drops
    if inline and "\n" not in text.strip():
        rendered = render._md().renderInline(text.strip())
    else:
        rendered = render._md().render(text)
    return render.sanitize(rendered).strip()


# Pieces that build near misses of every shortcut: delimiters with and without flanking words,
# links nh3 would reject, math next to digits, list markers, raw HTML, entities, odd spaces.
PIECES = [
    "**", "*", "`", "``", "$", "$$", "[", "]", "(", ")", "](", "](https://ex.org/a)",
    "](http://a.b/c?d=e#f)", "](https://a:1)", "](https://1.2)", "](https://xn--a.b)", "https://",
    "word", "B", "é", "1", "20", " ", "  ", "\t", ".", ",", ":", "!", "?", "\n", "\n\n", "- ",
    "\n- ", "* ", "+ ", "1. ", "# ", "> ", "\\", '"', "'", "<", ">", "<b>", "</b>", "&", "&amp;",
    "&quot;", "\xa0", "\u2003", "\r", "\x00", "\x85", "_", "~~", "==", "[[", "]]", "|", "{", "}",
    "-", "\u2010 ", "\u00ad ", "a- b", "\\frac{1}{2}", "x<y", "---", "    ",
]  # fmt: skip
FIELDS = st.lists(st.sampled_from(PIECES), max_size=24).map("".join)
ALPHABET = 'ab1 .,:()/-*`$[]\\"<>&\n\xa0_=!#'


@settings(max_examples=600, deadline=DEADLINE)
@given(FIELDS | st.text(alphabet=ALPHABET, max_size=40), st.booleans())
@example("A **nymkazarvexic cache** is a component. Most teams run one.", False)
@example("`cheap storage` over $O(n)$ cost", False)
@example("$O(n)$ cost 5", False)
@example("$x$ and $y$", True)
@example("see [the docs](https://example.org/159).", False)
@example("see [the docs](https://example.org:80/).", False)
@example("- one **two**\n- `three`\n- [four](http://x.org)", False)
@example("- one\n-two", False)
@example("- 1. one\n- two", False)
@example('he said "*so*" (*yes*)', False)
@example("a *b*c", False)
@example("**a**b", False)
@example("`a ` b", True)
@example("$\\frac{a}{b} < c$ & d", False)
@example("$a\\$ b", False)
@example("$\\$ and $\\\\$", False)
@example("\ufeff *a*", True)
@example("| a | b |\n|---|--:|\n| 1 | 2 |", False)
@example("# T\n\n> q &quot;x&quot;\n\n3. a\n4. b\n\n***\n\nx  \ny", False)
def test_every_field_renders_as_the_full_path_does(text, inline):
    assert render._obsidian(text) == outside_code(text, render._obsidian_prose)
    assert render.markdown_to_html(text, inline) == _reference(text, inline)


LINK = '<a href="https://ex.org/1" rel="noopener noreferrer">docs</a>'
COMMON = [
    ("A **cache** stores *rows*.", False, "<p>A <strong>cache</strong> stores <em>rows</em>.</p>"),
    ("`a < b` over $O(n)$", True, "<code>a &lt; b</code> over \\(O(n)\\)"),
    ("see [docs](https://ex.org/1).", False, f"<p>see {LINK}.</p>"),
    ("- one\n- **two**", False, "<ul>\n<li>one</li>\n<li><strong>two</strong></li>\n</ul>"),
]


@pytest.mark.parametrize(("text", "inline", "expected"), COMMON)
def test_common_shapes_skip_markdown_it(text, inline, expected):
    assert simple_html(text, inline) == expected == _reference(text, inline)


@pytest.mark.parametrize(
    "text",
    ["**a** b**", "a*b*", "$x$ 5", "[a](ftp://x)", "[a](https://x.org:9)", "`` a ``", "a\\*"],
)
def test_other_shapes_are_left_to_markdown_it(text):
    assert inline_html(text) is None
