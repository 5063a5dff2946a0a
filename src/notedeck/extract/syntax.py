"""The explicit card syntax people already use, as a grammar: what a ``front::back`` line, a
``Q:``/``A:`` pair, a ``?`` block or a cloze looks like (see ``explicit`` for the rule that makes
cards from them).  Other rules ask ``has_explicit_syntax`` to leave such text alone.
"""

from __future__ import annotations

import re

from notedeck.text.keys import strip_markup
from notedeck.text.patterns import CODE_SPAN

SEPARATOR = re.compile(r"(?<!\s)\s*+(:::|::)\s*+")


Q_LINE = re.compile(r"^\s*(?:Q|Question)\s*[:.]\s*(?P<rest>.*)$", re.IGNORECASE)


A_LINE = re.compile(r"^\s*(?:A|Answer)\s*[:.]\s*(?P<rest>.*)$", re.IGNORECASE)


MARK_LINE = re.compile(r"^\s*(\?{1,2})\s*$")


# Tempered, bounded spans: the lazy ".+?(?:::.*?)?" form was cubic on "{{c1::" repeated.
CLOZE = re.compile(
    r"\{\{c(\d+)::((?:(?!\}\}|::).){1,2000})(?:::((?:(?!\}\}).){0,500}))?\}\}", re.DOTALL
)  # noqa: E501


METADATA_KEYS = {
    "status", "up", "tags", "tag", "date", "source", "author", "authors", "created", "updated",
    "type", "related", "links", "link", "aliases", "alias", "priority", "rating", "due", "url",
    "parent", "down", "next", "prev", "previous", "category", "categories", "course", "topic",
    "project", "year", "modified", "progress", "time", "kind", "id", "lang", "language",
    "summary", "description", "parents", "children", "collapsed", "icon", "title", "publish",
    "permalink", "cssclass", "cssclasses", "banner", "cover", "template", "sleep", "mood",
    "weather", "energy", "location", "people", "with", "score", "stars", "duration",
    "started", "finished", "read", "week", "month", "day", "deadline", "owner", "area",
    "reference", "references", "ref",
}  # fmt: skip
# A Dataview/Logseq value that is only data: links, tags, numbers, dates.
_DATA_TOKEN = re.compile(r"#[\w/-]+|\d[\d\-/:.]*")
_WIKILINKS = re.compile(r"\[\[[^\[\]]{0,500}\]\]")


def has_explicit_syntax(text: str) -> bool:
    """True when another rule must leave this text to the explicit extractor."""
    lines = text.split("\n")
    return bool(
        has_cloze(text)
        or ("::" in text and any(inline_card(line.strip()) for line in lines))
        or (q_line(lines[0]) and any(A_LINE.match(line) for line in lines[1:]))
        or ("?" in text and any(MARK_LINE.match(line) for line in lines))
    )


def q_line(line: str) -> re.Match | None:
    """``Q_LINE.match``, skipped unless the line starts with the "Q" every match starts with."""
    first = line[:1]
    if first.isspace():
        first = line.lstrip()[:1]
    return Q_LINE.match(line) if first in ("Q", "q") else None


CLOZE_OPEN = re.compile(r"\{\{c\d+::")


def has_cloze(text: str) -> bool:
    """Text with cloze deletions Anki can read: every ``{{cN::`` closed, none nested and none
    running into a table row (markdown would split it across cells, and Anki then finds no
    cloze: "No cloze 1 found on card")."""
    if "{{c" not in text:
        return False
    found = CLOZE.findall(text)
    return (
        bool(found)
        and len(found) == len(CLOZE_OPEN.findall(text))
        and not any("\n|" in deleted for _, deleted, _ in found)
    )


def inline_card(line: str) -> tuple[str, str, str] | None:
    """(front, separator, back) of a ``front::back`` line; ``::`` in code spans and in wiki
    links does not count (``[[cin|std::cin]]`` names C++'s ``std::cin``)."""
    if "::" not in line:  # masking code spans never adds a separator
        return None
    masked = CODE_SPAN.sub(_blank, line) if "`" in line else line
    masked = _WIKILINKS.sub(_blank, masked) if "[[" in masked else masked
    match = SEPARATOR.search(masked)
    if not match:
        return None
    front, back = line[: match.start()].strip(), line[match.end() :].strip()
    if not front or not back or back.startswith(":") or is_metadata(front, back):
        return None
    if front.count("(") > front.count(")") or front.count("`") % 2:
        return None  # "(e.g ``1:20:adam@example.org::1QTj`)": inside a parenthesis or a span
    return front, match.group(1), back


def _blank(match: re.Match) -> str:
    return "x" * len(match.group(0))


def is_metadata(front: str, back: str) -> bool:
    """``Status:: reading``, ``Up:: [[Index]]``, ``collapsed:: true``: Dataview and Logseq
    fields, not flashcards.  Linear: the value is split into tokens, never matched whole by a
    nested pattern (one such pattern took seconds on a line of 24 digits)."""
    key = strip_markup(front).strip().lower()
    if key in METADATA_KEYS or key.startswith(("http", "https")):
        return True
    rest = _WIKILINKS.sub(" ", back) if "[[" in back else back
    if rest == back and not back.strip():
        return False
    tokens = rest.replace(",", " ").split()
    return all(_DATA_TOKEN.fullmatch(token) for token in tokens)
