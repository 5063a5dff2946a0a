"""Speed shortcuts must not change output: the plain-prose render fast path gives exactly what
markdown-it + nh3 give."""

from __future__ import annotations

from unittest.mock import patch

from hypothesis import example, given, settings
from hypothesis import strategies as st

from hypothesis_profiles import DEADLINE
from notedeck.build.render import card as render

ALPHABET = "abcXYZ019 .,;:?'()/%-+\u00e9\u2014\u00a0\u2003\t\n*_`[]!<>&$=~|#{}^@\"\\"


def _slow(text: str, inline: bool) -> str:
    with patch.object(render, "_plain_html", lambda *args: None):
        return render.markdown_to_html(text, inline)


@settings(max_examples=300, deadline=DEADLINE)
@given(st.text(alphabet=ALPHABET, max_size=40), st.booleans())
@example("What is the Lambda architecture?", True)
@example("the component that stores late-arriving records (and more).", False)
@example("1. not a list inline", True)
@example("1. a list in a block", False)
@example("- item", False)
@example("a  double  space", False)
@example("caf\u00e9 \u2014 d\u00e9j\u00e0 vu", False)
def test_plain_fast_path_matches_markdown_it_and_nh3(text, inline):
    assert render.markdown_to_html(text, inline) == _slow(text, inline)


def test_fast_path_is_taken_for_plain_prose():
    assert render._plain_html("What is a data mesh?", True) == "What is a data mesh?"
    assert (
        render._plain_html("A domain-oriented design.", False) == "<p>A domain-oriented design.</p>"
    )
    assert render._plain_html("**bold**", True) is None
