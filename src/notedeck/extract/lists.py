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
from notedeck.extract.common import (
    is_image_only,
    is_link_only,
    is_unfinished,
    list_markdown,
    lower_first,
    without_unfinished_tail,
)
from notedeck.extract.phrasing import phrase_question, procedure, topic_question
from notedeck.extract.shapes import (
    DATEISH,
    is_generic_label,
    is_worked_title,
    names_a_book_or_chapter,
    qualified,
    subject_heading,
    term_line,
)
from notedeck.extract.terms import (
    clean_title,
    is_generic_title,
    is_plural,
    natural_case,
)
from notedeck.model import Card, ListBlock, ListItem, Paragraph, Quote, Section
from notedeck.text.keys import strip_markup
from notedeck.text.patterns import CODE_SPAN
from notedeck.text.prose import is_chatter


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
        previous = blocks[i - 1] if i else None
        if previous is None and heading and _heading_takes_list(heading, block, ctx):
            card = _heading_card(heading, block, section, ctx)
            if card is not None:
                yield card
            continue
        if not _worth_a_card(block):
            continue
        lead = _lead_in(previous.text) if isinstance(previous, Paragraph) else None
        if lead and not is_chatter(lead):
            subject = subject_heading(section, ctx)
            referent = _defined_before(previous.text)
            question = phrase_question(lead, len(block.items), block.ordered, subject, referent)
            question, key = qualified(question, section, ctx)
            answer = list_markdown(block)
            yield ctx.card(
                section, "list", question, answer, key or lead, previous.line, shape="list-lead"
            )


MAX_LINKED = 5
# "Creation", "Nutrition", "Management": one abstract noun over a list is an aspect of what the
# heading above names (its steps, its facts), not a subject of its own.
ABSTRACT_NOUN = re.compile(r"[a-z]{3,}(?:tion|sion|ment|ance|ence|ness|ure|ity|ing)$")


def _aspect(heading: str) -> bool:
    title = clean_title(heading)
    return " " not in title and bool(ABSTRACT_NOUN.fullmatch(title.casefold()))


def _one_word(heading: str) -> bool:
    """ "Recipient", "Quantitative", "Alerts": one word over a list is a part or a side of what
    the heading above names ("Hashcash — Recipient?"), seldom a subject the list defines."""
    title = clean_title(heading)
    return " " not in title and title.isalpha()


def _heading_card(heading: str, block: ListBlock, section: Section, ctx) -> Card | None:
    """The list a heading stands over: "Failure modes" → "What are the failure modes?"; a
    generic heading asks with its subject ("File — Types?"), and only then may the items be
    bare links ("- [[Regular file]]": the types are named by the notes they link to) — a few
    of them: a long list of links is the note's index ("AVL tree — Operations": nine notes)."""
    question = _heading_question(heading, len(block.items), block.ordered)
    aspect, word = _aspect(heading), _one_word(heading)
    question, key = qualified(question, section, ctx, aspect=aspect or word)
    linked = key is not None and is_generic_label(heading) and len(block.items) <= MAX_LINKED
    if not _worth_a_card(block, links_ok=linked):
        return None
    answer = list_markdown(block)
    if word and not aspect and not is_generic_label(heading):
        key = None  # asked with its subject since 0.5; the key stays the heading's (its GUID)
    key = key or clean_title(heading)
    return ctx.card(section, "list", question, answer, key, block.line, shape="list-heading")


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
                subject = subject_heading(section, ctx)
                question = phrase_question(lead, len(child.items), child.ordered, subject)
                question, key = qualified(question, section, ctx)
                lead = key or lead
                answer = list_markdown(child)
                yield ctx.card(
                    section, "list", question, answer, lead, item.line, shape="list-item"
                )
            elif (
                _is_outline_item(item, child)
                and not is_generic_label(item.text)
                and not CODE_SPAN.fullmatch(item.text.strip())  # "`amplify init`": a command
            ):
                title = strip_markup(item.text).strip()
                question = topic_question(
                    natural_case(title, ctx.source.text), child.ordered, outline=True
                )
                answer = list_markdown(child)
                yield ctx.card(
                    section,
                    "list",
                    question or f"What are the key points of {title}?",  # vetoed: asks nothing
                    answer,
                    title,
                    item.line,
                    shape="list-outline",
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
        and not is_worked_title(text)  # "Beweis", "Example", "Übung": practice, not facts
        and not _defines(item)
        and not _mostly_definitions(child)
    )


def _worth_a_card(block: ListBlock, links_ok: bool = False) -> bool:
    """Two or more items, no tasks or images, not a list of open questions, nor of links to
    other notes (a map of the vault: "- [[Hash collision]]", "- [[Topic]] 🟢"), nor mostly
    of commands."""
    items = [i for i in block.items if i.checkbox is None and not is_image_only(i.text)]
    if not links_ok and items and all(is_link_only(i.text) for i in items):
        return False
    if sum(bool(CODE_SPAN.fullmatch(i.text.strip())) for i in items) * 2 >= len(items) > 0:
        return False  # "1. `npm i …`  2. `amplify init`": commands to type, not facts
    if block.ordered and sum("`" in i.text for i in items) * 2 >= len(items) > 0:
        return False  # "2. edit `configuration.nix` …": the steps of a setup, commands in them
    # strip_markup never adds a "?": an item without one is no question (most items).
    questions = sum("?" in i.text and strip_markup(i.text).rstrip().endswith("?") for i in items)
    return len(items) >= 2 and len(items) == len(block.items) and questions * 2 < len(items)


def _defines(item: ListItem) -> bool:
    return bool(term_line(item.text) or sentences.find(item.text))


def _mostly_definitions(block: ListBlock) -> bool:
    return sum(_defines(i) for i in block.items) * 2 >= len(block.items)


def _lead_in(text: str) -> str | None:
    """The last sentence of a paragraph that ends in ':' — the list's lead-in — or a short
    last sentence that announces counted things ("There are several primary properties of
    blades.", "Raft has three roles."), which introduces the list just as well."""
    plain = strip_markup(text).strip()
    lead = re.split(r"(?<=[.!?])\s+", plain)[-1].strip()
    if plain.endswith(":"):
        return lead.rstrip(":").strip() or None
    if lead.endswith(".") and len(lead.split()) <= 16 and ANNOUNCES.search(lead):
        return lead.rstrip(".").strip()
    if is_unfinished(lead) and len(lead.split()) <= 16 and ANNOUNCES.search(lead):
        return without_unfinished_tail(lead)  # "The four means of … are based on" + a list
    return None


FIRST_BOLD = re.compile(r"\*\*([^*\n]{1,60})\*\*|__([^_\n]{1,60})__")


def _defined_before(text: str) -> str | None:
    """The bold term of a paragraph whose last sentence leads in to the list: what its "it" or
    "they" refers to ("A **hash function** maps … It has three properties:")."""
    match = FIRST_BOLD.search(text)
    if not match:
        return None
    term = strip_markup(match.group(1) or match.group(2)).strip()
    return term if 0 < len(term.split()) <= 5 else None


ANNOUNCES = re.compile(
    r"\b(?:several|many|various|multiple|different|the following|these|a few|two|three|four|"
    r"five|six|seven|eight|nine|ten|\d+)\s+(?:[\w-]+\s+){0,2}[\w-]+s\b",
    re.IGNORECASE,
)


def _heading_takes_list(heading: str, block: ListBlock, ctx) -> bool:
    if all(item.children for item in block.items):
        return False  # an outline: each item gets its own card

    title = clean_title(heading)
    if not title or heading.endswith("?") or is_chatter(title) or is_generic_title(heading, ctx):
        return False
    if DATEISH.search(heading) or names_a_book_or_chapter(heading, ctx):
        return False
    return not _mostly_definitions(block)


HOW_IT_WORKS = re.compile(
    r"^how\s++(?P<what>(?:an?\s+|the\s+)?[^\s?]+(?:\s+[^\s?]+){0,3}?)\s+works\??$", re.I
)


def _heading_question(heading: str, count: int, ordered: bool) -> str:
    title = clean_title(heading)
    works = HOW_IT_WORKS.match(title)
    if works:  # "How the Internet Works" → "How does the Internet work?"
        return f"How does {works.group('what')} work?"
    words = title.split()
    first = words[0].casefold() if words else ""
    wh = first in ("how", "why", "what", "when", "where", "who", "which")
    if wh and title.endswith("?"):
        return title
    task = len(words) >= 3 and len(first) > 4 and first.endswith("ing")  # "Downloading all …"
    if wh or task or procedure(words):  # "Configure the server": its steps, commands to type
        return f"{title}: what are the {count} points?"  # the fallback: left out, with why
    if is_plural(title) and len(words) <= 4:
        return f"What are the {lower_first(title)}?"
    question = phrase_question(title, count, ordered)
    if question.startswith("What are ") and not question.startswith(
        ("What are the ", "What are a")
    ):
        question = "What are the " + question[len("What are ") :]  # a heading names a known set
    if question.startswith(("What", "Why", "How", "When")):
        return question
    return topic_question(title, ordered) or f"{title}: what are the {count} points?"
