"""Math in the preview page: Anki's MathJax ``\\(…\\)`` / ``\\[…\\]`` → MathML, offline.

Anki renders the math of a card with its own MathJax; a page opened from ``file://`` with a CSP
that forbids the network has none.  Browsers render MathML themselves, so each formula is
converted once by ``latex2mathml`` (pure Python, no network).  Its output is not escaped
(``\\text{<b>}`` comes out as a tag), so it goes through nh3 with only MathML elements and
presentation attributes allowed.  Code is left alone (``\\(`` in a regex is not math), and a
formula the converter cannot read stays as the TeX it was.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import nh3

# Tempered: a formula never runs past the next opening, so an unclosed "\(" costs one scan to
# it, not one to the end of the page for each of them (quadratic on "\(a\(a\(a…").
MATH = re.compile(
    r"\\\((?P<inline>(?:(?!\\[()]).)+?)\\\)|\\\[(?P<display>(?:(?!\\[\[\]]).)+?)\\\]", re.DOTALL
)
CODE = re.compile(r"<(pre|code)\b(?:(?!<\1\b).)*?</\1\s*>", re.DOTALL | re.IGNORECASE)
MATH_TAGS = {
    "math", "mrow", "mi", "mn", "mo", "mtext", "mspace", "ms", "mfrac", "msqrt", "mroot",
    "msub", "msup", "msubsup", "munder", "mover", "munderover", "mtable", "mtr", "mtd",
    "mstyle", "mpadded", "mphantom", "menclose", "merror", "semantics", "annotation",
}  # fmt: skip
MATH_ATTRIBUTES = {
    "display", "mathvariant", "stretchy", "fence", "separator", "lspace", "rspace", "width",
    "height", "depth", "voffset", "columnalign", "columnlines", "columnspacing", "rowspacing",
    "rowlines", "rowalign", "accent", "accentunder", "displaystyle", "scriptlevel",
    "linethickness", "notation", "mathcolor", "mathbackground", "mathsize", "minsize",
    "maxsize", "movablelimits", "largeop", "symmetric", "form", "align",
}  # fmt: skip


def render_math(fragment: str) -> str:
    """Every formula of an HTML fragment as MathML; code and unreadable formulas as they were."""
    if "\\(" not in fragment and "\\[" not in fragment:
        return fragment
    out, last = [], 0
    for code in CODE.finditer(fragment):
        out.append(MATH.sub(_formula, fragment[last : code.start()]))
        out.append(code.group(0))
        last = code.end()
    out.append(MATH.sub(_formula, fragment[last:]))
    return "".join(out)


def _formula(match: re.Match) -> str:
    display = match.group("display") is not None
    tex = html.unescape(match.group("display") if display else match.group("inline"))
    return _mathml(tex, display) or match.group(0)


@lru_cache(maxsize=4096)
def _mathml(tex: str, display: bool) -> str:
    """The formula as sanitised MathML, or "" when the converter cannot read it."""
    from latex2mathml.converter import convert

    try:
        converted = convert(tex.strip(), display="block" if display else "inline")
    except Exception:  # noqa: BLE001 - any TeX it cannot read stays TeX, never a crash
        return ""
    attributes = dict.fromkeys(MATH_TAGS, MATH_ATTRIBUTES)
    return nh3.clean(
        converted, tags=MATH_TAGS, attributes=attributes, clean_content_tags={"script", "style"}
    )
