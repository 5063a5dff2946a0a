"""Media on a line of its own belongs to a card: a diagram under the paragraph it illustrates,
a recording under the word it pronounces.

People put an image on its own line below the text it explains (or right under a heading,
before any text, as the picture of the whole section), and the rules make cards from text, so
without this step every such diagram was dropped.  This is not a rule: it runs after them, on the
cards that are kept, and only appends the media's markdown to one card's answer (the answer
side is where Anki shows it; the question is untouched, so the card's identity never moves).

- Under a block that made a card: the last card made from that block (a list's card made from
  its lead-in sentence counts as the list's).
- Under a heading, before any text: the section's concept card (or the card its "What is X?"
  heading made).
- Anything else belongs to no card, and ``check`` says so (its line comes back in ``unplaced``).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import replace

from notedeck.extract.common import is_image_only
from notedeck.model import Block, Card, Code, ListBlock, Paragraph, Section, Table
from notedeck.text.media import MD_IMAGE, is_media_name
from notedeck.text.patterns import WIKI_EMBED


def attach_media(
    cards: list[Card], sections: tuple[Section, ...]
) -> tuple[list[Card], list[tuple[int, str]]]:
    """``cards`` with each media line appended to the answer it belongs to, and the (line,
    media markdown) of the media lines that belong to none."""
    lines = [s.line for s in sections]
    by_section: dict[int, list[int]] = {}  # section index → indexes of its cards, in order
    for n, card in enumerate(cards):
        at = bisect_right(lines, card.line) - 1
        if at >= 0:
            by_section.setdefault(at, []).append(n)
    out, unplaced = list(cards), []
    for at, section in enumerate(sections):
        if section.skip or section.book is None:
            continue
        members = by_section.get(at, [])
        for media, owner in _media_and_owners(section, [cards[n] for n in members]):
            if owner is None:
                unplaced.append((media.line, media.text.strip()))
                continue
            n = members[owner]
            if media.text.strip() not in out[n].answer:
                out[n] = replace(out[n], answer=f"{out[n].answer}\n\n{media.text.strip()}")
    return out, unplaced


def _media_and_owners(section: Section, cards: list[Card]):
    """(media paragraph, index into ``cards`` of its owner or None) for each media line."""
    start: int | None = None  # where the text above the media begins (None: nothing yet)
    blocks = section.blocks
    for n, block in enumerate(blocks):
        if not is_media_line(block):
            start = _text_start(blocks, n)
            continue
        if start is None:
            yield block, _heading_card(section, cards)
        else:
            yield block, _last_from(cards, start, block.line)


def is_media_line(block: Block) -> bool:
    """A paragraph of nothing but media embeds (images, sounds, videos)."""
    if not isinstance(block, Paragraph) or "![" not in block.text or not is_image_only(block.text):
        return False
    embeds = [m.group(1).strip() for m in WIKI_EMBED.finditer(block.text)]
    # "![[Other note]]" embeds a note, not media; a markdown image is one whatever its name
    # (remote images often have none).
    return all(map(is_media_name, embeds)) and bool(embeds or MD_IMAGE.search(block.text))


def _text_start(blocks: tuple[Block, ...], n: int) -> int:
    """The first line of the text block ``n``, counting a lead-in paragraph ("It has three
    layers:") as part of the list, table or code it introduces."""
    block = blocks[n]
    if isinstance(block, (ListBlock, Table, Code)) and n > 0:
        before = blocks[n - 1]
        if isinstance(before, Paragraph) and before.text.rstrip().endswith(":"):
            return before.line
    return block.line


def _heading_card(section: Section, cards: list[Card]) -> int | None:
    for n, card in enumerate(cards):
        if card.kind == "concept" or card.line == section.line:
            return n
    return None


def _last_from(cards: list[Card], start: int, end: int) -> int | None:
    """The last card made from the lines ``start`` up to ``end``."""
    found = None
    for n, card in enumerate(cards):
        if start <= card.line < end:
            found = n
    return found
