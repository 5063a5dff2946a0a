"""libyaml's loader (taken for YAML without "&" or "*") gives what PyYAML's own gives, values
and errors alike, so the fast path changes nothing but the time (issue 18)."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from notedeck import config

pytestmark = pytest.mark.skipif(config.FAST_LOADER is None, reason="PyYAML built without libyaml")

LINES = st.sampled_from(
    [
        "title: Designing Data",
        "tags: [a, b/c, 'd e']",
        "tags:\n  - x\n  - y",
        "chapter: 3",
        "date: 2024-01-05",
        "book: 'Fundamentals: of DE'",
        "skip: yes",
        "aliases: []",
        "note: |\n  two\n  lines",
        "empty:",
        "weird: : value",
        "bad: [unclosed",
        "  indented: wrong",
        "ratio: 0.5",
        "k: 'it''s'",
        'q: "\\u00e9t\\u00e9"',
        "- a list item",
        "~: null key",
        "num: 1e3",
        "deep: {a: {b: [1, {c: d}]}}",
    ]
)


def _outcome(loader_class, text: str) -> tuple:
    loader = loader_class(text)
    try:
        return ("ok", loader.get_single_data())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return ("error", getattr(exc, "problem", None), mark.line if mark else None)
    finally:
        loader.dispose()


@given(st.lists(LINES, max_size=8).map("\n".join))
def test_the_fast_loader_gives_what_the_python_loader_gives(text):
    """Where libyaml loads a value it is PyYAML's; where it fails (None), PyYAML fails too or
    loads nothing, and load_yaml asks PyYAML, so the error reads as it always did."""
    fast = config._fast_load(text)
    checked = _outcome(config.SafeLoaderWithoutAliases, text)
    if fast is None:
        assert checked[0] == "error" or checked == ("ok", None)
    else:
        assert checked == ("ok", fast)


def test_anchors_and_aliases_still_go_through_the_checking_loader():
    with pytest.raises(yaml.YAMLError, match="aliases"):
        config.load_yaml("a: &x 1\nb: *x\n")
