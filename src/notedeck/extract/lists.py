"""Lists: a list introduced by a sentence ending in ":" (or standing directly under a heading or a
callout title) becomes one card whose answer holds every item, numbering and sub-points kept.
An item ending in ":" introduces its sub-list the same way, and an outline item with sub-points
("1. fork()" + two bullets) becomes a card of its own.

The question is phrased from the lead-in only where a small set of safe shapes match
("The X has six Y:" → "What are the six Y of the X?", "Common approaches:" → "What are common
approaches?", "Why …:" → "Why …?"); otherwise the lead-in itself is asked with the item count,
which is never wrong.  A list of definitions under a bare heading gives one card per definition
(the definitions rule) and no list card: the heading only groups them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from notedeck.extract import sentences
from notedeck.extract.common import is_image_only, list_markdown, lower_first
from notedeck.extract.shapes import DATEISH, names_a_book_or_chapter, term_line
from notedeck.extract.terms import (
    clean_title,
    drop_parentheticals,
    is_generic_title,
    is_plural,
    natural_case,
)
from notedeck.extract.words import NP_END, SUBORDINATE
from notedeck.model import Card, ListBlock, ListItem, Paragraph, Quote, Section
from notedeck.text.keys import strip_markup
from notedeck.text.prose import is_chatter

HAS = re.compile(
    r"^(?:the\s+)?(?P<subj>.+?)\s+(?:has|have|consists of|consist of|is made up of|comprises|"
    r"comprise|contains|contain)\s+(?P<what>.+)$",
    re.IGNORECASE,
)
THERE_ARE = re.compile(r"^there\s+are\s+(?P<what>.+)$", re.IGNORECASE)
INCLUDE = re.compile(
    r"^(?P<what>.+?)\s+(?:include|includes|are|were|involve|involves)$", re.IGNORECASE
)
LIKE_THIS = re.compile(
    r"^(?P<subj>.+?)\s+(?:goes|go|works|work|looks|look|runs|run|proceeds|happens)\s+"
    r"(?:like this|as follows)$",
    re.IGNORECASE,
)
WH = re.compile(r"^(?:why|how)\b", re.IGNORECASE)
VERBISH = re.compile(
    r"\b(?:is|are|was|were|be|been|do|does|did|can|could|should|would|will|must|may|might|"
    r"i|we|you|he|she|they|it|this|these|those|my|our|here|following|below|above)\b",
    re.IGNORECASE,
)
COUNT_WORDS = r"one|two|three|four|five|six|seven|eight|nine|ten|twelve|several|\d+"
NUMBER = re.compile(rf"^(?:{COUNT_WORDS})$", re.IGNORECASE)
CLAUSE_OBJECT = re.compile(rf"^(?:{COUNT_WORDS}|these|following)$", re.IGNORECASE)
COUNTED = re.compile(
    r"^(?P<clause>.+?)\s+(?P<num>one|two|three|four|five|six|seven|eight|nine|ten|twelve|several|\d+|"
    r"these|the following)\s+(?P<np>[\w'’-]+(?:\s+[\w'’-]+){0,2}?)"
    r"(?P<tail>,?\s+(?:in order|in this order|below|here|as follows))?$",
    re.IGNORECASE,
)


def extract(section: Section, ctx) -> Iterator[Card]:
    yield from _from_blocks(section.blocks, section, ctx, section.title)


def _from_blocks(blocks, section: Section, ctx, heading: str | None) -> Iterator[Card]:
    for i, block in enumerate(blocks):
        if isinstance(block, Quote):
            yield from _from_blocks(
                block.blocks, section, ctx, block.title if block.callout else None
            )
            continue
        if not isinstance(block, ListBlock):
            continue
        yield from _from_items(block, section, ctx)
        if not _worth_a_card(block):
            continue
        previous = blocks[i - 1] if i else None
        lead = _lead_in(previous.text) if isinstance(previous, Paragraph) else None
        if lead:
            if not is_chatter(lead):
                question = phrase_question(lead, len(block.items), block.ordered)
                answer = list_markdown(block)
                yield ctx.card(
                    section, "list", question, answer, lead, previous.line, shape="list-lead"
                )
        elif previous is None and heading and _heading_takes_list(heading, block, ctx):
            question = _heading_question(heading, len(block.items), block.ordered)
            key = clean_title(heading)
            answer = list_markdown(block)
            yield ctx.card(section, "list", question, answer, key, block.line, shape="list-heading")


def _from_items(block: ListBlock, section: Section, ctx) -> Iterator[Card]:
    """Sub-lists: "- TCP provides reliable delivery using:" + bullets, and outline items."""
    for item in block.items:
        for child in item.children:
            if not isinstance(child, ListBlock):
                continue
            yield from _from_items(child, section, ctx)
            if item.checkbox is not None or not _worth_a_card(child):
                continue
            lead = _lead_in(item.text)
            if lead and not is_chatter(lead):
                question = phrase_question(lead, len(child.items), child.ordered)
                answer = list_markdown(child)
                yield ctx.card(
                    section, "list", question, answer, lead, item.line, shape="list-item"
                )
            elif _is_outline_item(item, child):
                title = strip_markup(item.text).strip()
                question = f"What are the key points of {natural_case(title, ctx.source.text)}?"
                answer = list_markdown(child)
                yield ctx.card(
                    section, "list", question, answer, title, item.line, shape="list-outline"
                )


def _is_outline_item(item: ListItem, child: ListBlock) -> bool:
    """ "1. fork()" over two or more leaf sub-points that are not definitions of their own."""
    text = strip_markup(item.text).strip()
    if any(sub.children for sub in child.items):
        return False
    return (
        0 < len(text.split()) <= 8
        and not text.endswith((".", "!", "?"))
        and not is_chatter(text)
        and not _defines(item)
        and not _mostly_definitions(child)
    )


def _worth_a_card(block: ListBlock) -> bool:
    """Two or more items, no tasks or images, and not a list of open questions."""
    items = [i for i in block.items if i.checkbox is None and not is_image_only(i.text)]
    # strip_markup never adds a "?": an item without one is no question (most items).
    questions = sum("?" in i.text and strip_markup(i.text).rstrip().endswith("?") for i in items)
    return len(items) >= 2 and len(items) == len(block.items) and questions * 2 < len(items)


def _defines(item: ListItem) -> bool:
    return bool(term_line(item.text) or sentences.find(item.text))


def _mostly_definitions(block: ListBlock) -> bool:
    return sum(_defines(i) for i in block.items) * 2 >= len(block.items)


def _lead_in(text: str) -> str | None:
    """The last sentence of a paragraph that ends in ':' — the list's lead-in."""
    plain = strip_markup(text).strip()
    if not plain.endswith(":"):
        return None
    lead = re.split(r"(?<=[.!?])\s+", plain)[-1].rstrip(":").strip()
    return lead or None


def phrase_question(lead: str, count: int, ordered: bool = False) -> str:
    """A question from a lead-in sentence; falls back to the lead-in plus the item count."""
    lead = " ".join(drop_parentheticals(lead).split()).rstrip(":").strip() or lead
    if WH.match(lead):
        return lead[0].upper() + lead[1:] + "?"
    has = HAS.match(lead)
    if has and not VERBISH.search(has.group("subj")) and len(has.group("what").split()) <= 6:
        the = "the " if lead.lower().startswith("the ") else ""
        what = has.group("what")
        if not what.lower().startswith(("the ", "a ", "an ")):
            what = "the " + what
        return f"What are {what} of {the}{lower_first(has.group('subj'))}?"
    steps = LIKE_THIS.match(lead)
    if steps and ordered:
        return f"What are the steps of {lower_first(steps.group('subj'))}?"
    there = THERE_ARE.match(lead)
    if there:
        what = there.group("what")
        return (
            f"What are the {what}?" if not what.lower().startswith("the ") else f"What are {what}?"
        )
    include = INCLUDE.match(lead)
    if include and not VERBISH.search(include.group("what")):
        return f"What are {lower_first(include.group('what'))}?"
    if _noun_phrase(lead):
        article = "the " if NUMBER.match(lead.split()[0]) else ""
        return f"What are {article}{lower_first(lead)}?"
    return _counted(lead) or f"{lead}: ({count} items)"


def _counted(lead: str) -> str | None:
    """ "The OS tracks three states" → "What are the three states the OS tracks?"."""
    match = COUNTED.match(lead)
    if not match or not is_plural(match.group("np")):
        return None
    clause = match.group("clause")
    if (
        "," in clause
        or len(clause.split()) > 10
        or re.search(r"\b(?:i|we|you|my|our)\b", clause, re.I)
    ):
        return None
    number = match.group("num").casefold()
    number = "" if number in ("these", "the following", "following") else number + " "
    order = ", in order" if "order" in (match.group("tail") or "") else ""
    clause = re.sub(r"^(The|A|An)\b", lambda m: m.group(1).lower(), clause)
    return f"What are the {number}{match.group('np')} {lower_first(clause)}{order}?"


def _noun_phrase(lead: str) -> bool:
    """A plural noun-phrase head: "Common approaches", "Guarantees that …", "Two ways to …"."""
    words = lead.split()
    if not words or words[0].casefold() in SUBORDINATE:
        return False
    end = next(
        (k for k, w in enumerate(words) if k and w.casefold().strip(",") in NP_END), len(words)
    )
    comma = next((k for k, w in enumerate(words[:end]) if w.endswith(",")), None)
    head = words[: (comma + 1 if comma is not None else end)]
    core = [w for w in head if w.casefold() != "the"]
    if not core or len(core) > 4 or VERBISH.search(" ".join(head)):
        return False
    for k, word in enumerate(words[1:], start=1):
        previous = words[k - 1].casefold()
        possessive = previous.endswith(("'s", "’s", "s'", "’"))
        if (
            CLAUSE_OBJECT.match(word)
            and not possessive
            and previous not in ("the", "main", "key", "top")
        ):
            return False  # "The OS tracks three process states" is a clause, not a noun phrase
    return is_plural(head[-1].rstrip(","))


def _heading_takes_list(heading: str, block: ListBlock, ctx) -> bool:

    title = clean_title(heading)
    if not title or heading.endswith("?") or is_chatter(title) or is_generic_title(heading, ctx):
        return False
    if DATEISH.search(heading) or names_a_book_or_chapter(heading, ctx):
        return False
    return not _mostly_definitions(block)


def _heading_question(heading: str, count: int, ordered: bool) -> str:
    title = clean_title(heading)
    if is_plural(title) and len(title.split()) <= 4:
        return f"What are the {lower_first(title)}?"
    question = phrase_question(title, count, ordered)
    if question.startswith("What are ") and not question.startswith(
        ("What are the ", "What are a")
    ):
        question = "What are the " + question[len("What are ") :]  # a heading names a known set
    return (
        question
        if question.startswith(("What", "Why", "How"))
        else f"{title}: what are the {count} points?"
    )
