"""Shortcuts past markdown-it and nh3 for the field shapes most notes are made of.

Rendering a field with markdown-it and then nh3 costs ~0.1 ms; a 10,000-card build renders
20,000 fields.  Most of them are plain prose, one line with a little ``**bold**``, ``*em*``,
`` `code` ``, ``$math$`` or an http link, or a tight ``- item`` list.  For those shapes the
output is known in advance, and these functions write it directly.  Each shortcut accepts only
text it can prove it renders byte for byte as ``sanitize(markdown-it(text))`` would, and returns
None for anything else; tests/test_render_fast.py compares them with the full path.
"""

from __future__ import annotations

import html
import re

# Text without any character that markdown, HTML, entities, math or line structure react to —
# nor U+00A0, which nh3 writes as &nbsp; — renders to itself, or to one <p>.
_NOT_PLAIN = re.compile(r"[\\`*_\[\]!<>&$=~|#{}^@\"\x00-\x1f\x7f\x85\xa0\u2028\u2029]")


def plain_html(text: str, inline: bool) -> str | None:
    """Prose with no markup at all: itself (a question) or one paragraph (an answer)."""
    if not text or text != text.strip() or _NOT_PLAIN.search(text):
        return None
    if inline:
        return text
    return None if text[0] in "-+0123456789" else f"<p>{text}</p>"


# ---------------------------------------------------------------- one line of simple inline markup

# Prose between and inside tokens: the plain characters above, plus '"' (markdown-it writes
# &quot;, nh3 '"').  Code and math may hold any visible character: _RAW is a character class
# left open so that each use can add the delimiters it excludes.
_INNER = r"[^\\`*_\[\]!<>&$=~|#{}^@\x00-\x1f\x7f\x85\xa0\u2028\u2029\ud800-\udfff]"
_PROSE = re.compile(_INNER + "*")
_WORD = r"[^\W_]"  # a letter or digit: not whitespace, not punctuation, for emphasis flanking
_RAW = r"[^\n\x00-\x1f\x7f\x85\xa0\u2028\u2029\ud800-\udfff"
# An http(s) link nh3 keeps as written: a host the WHATWG URL parser accepts (lowercase names,
# the last one not numeric, no "xn--" to IDNA-check, no port) and a path markdown-it does not
# percent-encode.  nh3 drops an href it cannot parse.
_LABEL = r"[a-z0-9](?:-?[a-z0-9])*"
_URL = rf"https?://(?:{_LABEL}\.)*[a-z](?:-?[a-z0-9])*(?:[/?#][A-Za-z0-9._~/?#=+,;:@!*'-]*)?"
_TOKEN = re.compile(
    rf"\*\*(?P<strong>{_WORD}(?:{_INNER}*{_WORD})?)\*\*"
    rf"|\*(?P<em>{_WORD}(?:{_INNER}*{_WORD})?)\*"
    rf"|`(?P<code>{_RAW}` ](?:{_RAW}`]*{_RAW}` ])?)`"
    rf"|\$(?P<math>(?:{_RAW}$\s]{_RAW}$]*)?{_RAW}$\s\\])\$"  # no "\" before the closing $
    rf"|\[(?P<label>{_INNER}+)\]\((?P<url>{_URL})\)"
)
# A token starts at the beginning, after a space or "("; it ends at the end, before a space or
# one of these.  So every "*" run opens or closes but never both (no rule-of-three cases), a
# "$" is never next to a digit, and a backtick run is exactly one long.
_BEFORE = " ("
_AFTER = " .,;:!?)"


def inline_html(text: str) -> str | None:
    """One line of prose and simple tokens as markdown-it's renderInline + nh3 write it."""
    out, last = [], 0
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        if (
            (start and text[start - 1] not in _BEFORE)
            or (end < len(text) and text[end] not in _AFTER)
            or not _PROSE.fullmatch(text, last, start)
        ):
            return None
        # dollarmath's "no digit before the opening $" reads src[pos - 1]: at 0 that is the
        # last character, so "$x$ costs 5" is not math.  Leave that oddity to markdown-it.
        if match.group("math") and start == 0 and text[-1].isdigit():
            return None
        out.append(text[last:start])
        out.append(_token_html(match))
        last = end
    if not _PROSE.fullmatch(text, last):
        return None
    out.append(text[last:])
    return "".join(out)


def _token_html(match: re.Match) -> str:
    kind = match.lastgroup
    if kind == "url":
        return (
            f'<a href="{match.group("url")}" rel="noopener noreferrer">{match.group("label")}</a>'
        )
    value = html.escape(match.group(kind), quote=False)
    if kind == "math":
        return f"\\({value}\\)"
    return f"<{kind}>{value}</{kind}>"


def simple_html(text: str, inline: bool) -> str | None:
    """A question line, a one-line paragraph or a tight "- " list of simple inline markup."""
    if not text or text != text.strip() or text[0] == "\ufeff":  # nh3 drops a leading BOM
        return None
    if "\n" not in text:
        if inline:
            return inline_html(text)
        body = None if text[0] in "-+0123456789" else inline_html(text)
        return None if body is None else f"<p>{body}</p>"
    if inline or not text.startswith("- "):
        return None
    items = []
    for line in text.split("\n"):
        item = line[2:]
        if line[:2] != "- " or not item or item != item.strip() or item[0] in "-+0123456789":
            return None
        body = inline_html(item)
        if body is None:
            return None
        items.append(f"<li>{body}</li>\n")
    return "<ul>\n" + "".join(items) + "</ul>"


# ---------------------------------------------------------------- nh3 only when it matters

# nh3 is a no-op on most of markdown-it's output, up to re-spelling: without raw HTML in the
# source (no "<") every tag comes from markdown-it, and when each is one of these — no
# attribute nh3 would drop or rewrite — nh3 only writes '"' for &quot; in text, &nbsp; for
# U+00A0, <br>/<hr> without the slash, and adds rel= to links.  clean() does those edits itself.
# (Tried on every code point, nh3 changes only NUL, CR, &, <, >, U+00A0 and a leading BOM.)
_KEPT_TAG = re.compile(
    r"<(?:/?(?:p|em|strong|code|s|ul|ol|li|blockquote|h[1-6]|table|thead|tbody|tr|th|td|a)"
    r'|(?:th|td) style="text-align:(?:left|right|center)"|ol start="\d+"|(?:br|hr) /'
    rf'|a href="{_URL}")>'
)
_LINK_OPEN = re.compile(r'(<a href="[^"]*")>')
_NH3_REWRITES = re.compile(r"[\x00\r\ud800-\udfff\ufeff]")  # nh3 drops, changes or rejects


def clean(rendered: str, source: str, sanitize) -> str:
    """``sanitize(rendered)``, without running nh3 when it would change nothing but spelling."""
    if "<" in source or _NH3_REWRITES.search(rendered) or "<" in _KEPT_TAG.sub("", rendered):
        return sanitize(rendered)
    if "&quot;" in rendered:
        rendered = rendered.replace("&quot;", '"')
    if "\xa0" in rendered:
        rendered = rendered.replace("\xa0", "&nbsp;")
    if " />" in rendered:
        rendered = rendered.replace("<br />", "<br>").replace("<hr />", "<hr>")
    if "<a " in rendered:
        rendered = _LINK_OPEN.sub(r'\1 rel="noopener noreferrer">', rendered)
    return rendered
