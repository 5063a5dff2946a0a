"""Apply a text rewrite everywhere except inside code.

Obsidian syntax (``==highlight==``, ``[[link]]``) and PDF line-break repair are rewritten with
regular expressions before markdown runs; inside ```` `a[[0]]` ```` or a fenced block they would
corrupt the code, so those parts are left exactly as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from notedeck.text.patterns import CODE_SPAN, FENCE


def outside_code(text: str, rewrite: Callable[[str], str]) -> str:
    """``rewrite`` applied to the prose of ``text``; fenced blocks and code spans untouched."""
    if "`" not in text and "~~~" not in text:  # no fence, no code span: all of it is prose
        return rewrite(text)
    out: list[str] = []
    prose: list[str] = []
    fence: str | None = None
    for line in text.split("\n"):
        opener = FENCE.match(line)
        if fence is None and opener:
            out.append(_prose(prose, rewrite))
            prose = []
            fence = opener.group(1)
            out.append(line)
        elif fence is not None:
            out.append(line)
            if opener and opener.group(1)[0] == fence[0] and len(opener.group(1)) >= len(fence):
                fence = None
        else:
            prose.append(line)
    out.append(_prose(prose, rewrite))
    return "\n".join(part for part in out if part is not None)


def _prose(lines: list[str], rewrite: Callable[[str], str]) -> str | None:
    if not lines:
        return None
    text = "\n".join(lines)
    parts, last = [], 0
    for match in CODE_SPAN.finditer(text):
        parts.append(rewrite(text[last : match.start()]))
        parts.append(match.group(0))
        last = match.end()
    parts.append(rewrite(text[last:]))
    return "".join(parts)


def has_outside_code(text: str, pattern: re.Pattern) -> bool:
    """True when ``pattern`` matches somewhere in the prose of ``text``."""
    found = False

    def probe(part: str) -> str:
        nonlocal found
        found = found or bool(pattern.search(part))
        return part

    outside_code(text, probe)
    return found
