"""Lists: a list introduced by a sentence ending in ":" (or standing directly under a heading)
becomes one card whose answer holds every item, numbering and sub-points kept.

The question is phrased from the lead-in only where a small set of safe shapes match
("The X has six Y:" → "What are the six Y of the X?"); otherwise the lead-in itself is asked
with the item count, which is never wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import Card, ListBlock, Paragraph, Section
from ..text import is_chatter, strip_markup
from .common import is_image_only, list_markdown, lower_first

HAS = re.compile(
    r"^(?:the\s+)?(?P<subj>.+?)\s+(?:has|have|consists of|consist of|is made up of|comprises|comprise|"
    r"contains|contain)\s+(?P<what>.+)$",
    re.IGNORECASE,
)
THERE_ARE = re.compile(r"^there\s+are\s+(?P<what>.+)$", re.IGNORECASE)
INCLUDE = re.compile(r"^(?P<what>.+?)\s+(?:include|includes|are|were|involve|involves)$", re.IGNORECASE)
VERBISH = re.compile(
    r"\b(?:is|are|was|were|be|been|do|does|did|can|could|should|would|will|must|may|might|"
    r"i|we|you|he|she|they|it|this|these|those|my|our|here|following|below|above)\b",
    re.IGNORECASE,
)
PLURAL = re.compile(r"[^s]s$|ies$|ia$|ae$", re.IGNORECASE)


def extract(section: Section, ctx) -> Iterator[Card]:
    blocks = section.blocks
    for i, block in enumerate(blocks):
        if not isinstance(block, ListBlock) or not _worth_a_card(block):
            continue
        previous = blocks[i - 1] if i else None
        if isinstance(previous, Paragraph) and _lead_in(previous.text):
            lead = _lead_in(previous.text)
            if is_chatter(lead):
                continue
            question = phrase_question(lead, len(block.items))
            yield ctx.card(section, "list", question, list_markdown(block), lead, previous.line)
        elif previous is None and section.title and _heading_takes_list(section, ctx):
            question = _heading_question(section, ctx, len(block.items))
            key = " ".join(section.path[-2:]) if ctx.is_generic(section.title) else section.title
            yield ctx.card(section, "list", question, list_markdown(block), key, block.line)


def _worth_a_card(block: ListBlock) -> bool:
    items = [i for i in block.items if i.checkbox is None and not is_image_only(i.text)]
    return len(items) >= 2 and len(items) == len(block.items)


def _lead_in(text: str) -> str | None:
    """The last sentence of a paragraph that ends in ':' — the list's lead-in."""
    plain = strip_markup(text).strip()
    if not plain.endswith(":"):
        return None
    sentences = re.split(r"(?<=[.!?])\s+", plain)
    lead = sentences[-1].rstrip(":").strip()
    return lead if len(lead.split()) >= 1 else None


def phrase_question(lead: str, count: int) -> str:
    """A question from a lead-in sentence; falls back to the lead-in plus the item count."""
    has = HAS.match(lead)
    if has and not VERBISH.search(has.group("subj")) and len(has.group("what").split()) <= 6:
        subject = has.group("subj")
        the = "the " if lead.lower().startswith("the ") else ""
        what = has.group("what")
        if not what.lower().startswith(("the ", "a ", "an ")):
            what = "the " + what
        return f"What are {what} of {the}{subject}?"
    there = THERE_ARE.match(lead)
    if there:
        what = there.group("what")
        return f"What are the {what}?" if not what.lower().startswith("the ") else f"What are {what}?"
    include = INCLUDE.match(lead)
    if include and not VERBISH.search(include.group("what")):
        return f"What are {lower_first(include.group('what'))}?"
    if not VERBISH.search(lead) and "," not in lead and len(lead.split()) <= 12:
        return f"What are {lower_first(lead)}?"
    return f"{lead}: ({count} items)"


def _heading_takes_list(section: Section, ctx) -> bool:
    title = section.title
    if title.endswith("?") or is_chatter(title):
        return False
    return ctx.is_generic(title) or bool(PLURAL.search(title.split()[-1]))


def _heading_question(section: Section, ctx, count: int) -> str:
    if ctx.is_generic(section.title):
        parent = section.path[-2] if len(section.path) > 1 else section.book or ""
        return f"{section.title} of {parent}: what are the {count} points?"
    return f"What are the {lower_first(section.title)}? ({count})"
