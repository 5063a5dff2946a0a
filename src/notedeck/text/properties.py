"""Block properties of outliners (Logseq's ``logseq.order-list-type:: number``,
``card-last-interval:: 4``, ``background-color:: yellow``): settings of the editor, stored in
the note's text, never part of what the learner wrote.

A property here is a line (or a list item) holding only ``key:: value`` where the key is an
identifier joined by ``.`` or ``-`` — the shape editors give their own keys.  A flashcard's
front ("Latency:: …", "What is a log?:: …") is a word or a phrase, so it is never taken.  The
line keeps its place, emptied to its indentation and list marker, so every card's
``file:line`` stays true; code is never touched.
"""

from __future__ import annotations

import re

# A fence anywhere an outliner puts one: indented, or opening a list item ("- ```").
FENCE = re.compile(r"^[ \t]*+(?:[-*+][ \t]++)?(`{3,}+|~{3,}+)")
PROPERTY = re.compile(
    r"^(?P<lead>[ \t]*+(?:[-*+][ \t]++)?)[A-Za-z][\w]*+(?:[.-][\w]++)++::(?:[ \t].*+)?$"
)


def drop_properties(text: str) -> str:
    """``text`` with its block-property lines emptied (line numbers kept)."""
    if "::" not in text:
        return text
    lines = text.split("\n")
    fence: str | None = None
    changed = False
    for n, line in enumerate(lines):
        opener = FENCE.match(line)
        if fence is not None:
            if opener and opener.group(1)[0] == fence[0] and len(opener.group(1)) >= len(fence):
                fence = None
        elif opener:
            fence = opener.group(1)
        elif "::" in line:
            match = PROPERTY.match(line)
            if match:
                lines[n] = match.group("lead").rstrip() if match.group("lead").strip() else ""
                changed = True
    return "\n".join(lines) if changed else text
