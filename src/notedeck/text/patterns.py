"""Markdown shapes several stages look for, defined once: fences, code spans, Obsidian
embeds, wikilinks and highlights, leading articles.

Not for identity keys: ``keys`` keeps frozen copies of its own.  Every span is bounded
(``{0,1000}``) or tempered, so a long line of unclosed "[[", "==" or "`" stays linear.
"""

from __future__ import annotations

import re

# A fenced code block's opening (or closing) line: up to three spaces, then ``` or ~~~ (or more).
FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
# An inline code span: a run of backticks, anything but that same run, the same run again.
# The opening is a whole run of backticks, taken once (CommonMark's rule): ``(`+)`` let the
# engine retry every shorter run, each with a lookahead per character, cubic on a long run.
CODE_SPAN = re.compile(r"(?<!`)(`++)(?:(?!\1)[\s\S])+?\1")
# ``![[file.png]]``, ``![[file.png#section|300]]``: target, then an optional alias or size.
WIKI_EMBED = re.compile(
    r"!\[\[([^\[\]|#]{1,1000})(?:#[^\[\]|]{0,1000})?(?:\|([^\[\]]{0,1000}))?\]\]"
)
# ``[[Page]]``, ``[[Page#Heading]]``, ``[[Page|alias]]`` (not an embed).
WIKI_LINK = re.compile(
    r"(?<!!)\[\[([^\[\]|#]{0,1000})(?:#([^\[\]|]{0,1000}))?(?:\|([^\[\]]{0,1000}))?\]\]"
)
# ``==highlighted text==`` (Obsidian).
HIGHLIGHT = re.compile(r"==(?=\S)(.{1,1000}?)(?<=\S)==")
LEADING_ARTICLE = re.compile(r"^(?:a|an|the)\s+", re.IGNORECASE)
