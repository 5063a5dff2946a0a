"""Helpers shared by the extractors: markdown reconstruction, tags, question phrasing."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from notedeck.model import Block, Code, ListBlock, ListItem, Paragraph, Table
from notedeck.text.keys import strip_markup


@lru_cache(maxsize=4096)  # pure, and asked for the same few books and tags on every card
def slug_tag(text: str) -> str:
    """An Anki tag (no spaces) from free text."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[\s:]+", "-", text.strip())
    return re.sub(r"[^\w\-]", "", text).strip("-").lower()


def user_tag(text: str) -> str:
    """A tag the user wrote ("nested/tag", "a::b", "Machine Learning") as an Anki tag: its
    hierarchy kept (``::``), each part a slug with its case kept (Anki ignores case)."""
    parts = re.split(r"::|/", unicodedata.normalize("NFKC", text))
    slugs = (re.sub(r"[^\w\-]", "", re.sub(r"\s+", "-", p.strip())).strip("-") for p in parts)
    return "::".join(s for s in slugs if s)


def list_markdown(block: ListBlock, indent: int = 0) -> str:
    """Markdown for a list, numbering and nesting kept, task boxes dropped."""
    lines = []
    for n, item in enumerate(block.items):
        marker = f"{block.start + n}." if block.ordered else "-"
        if item.text.strip() or not item.children:  # Logseq's bare "-" over its sub-points
            lines.append(" " * indent + f"{marker} {_one_line(item.text)}")
        for child in item.children:
            lines.append(block_markdown(child, indent + len(marker) + 1))
    return "\n".join(line for line in lines if line.strip() not in ("", "-"))


def block_markdown(block: Block, indent: int = 0) -> str:
    pad = " " * indent
    if isinstance(block, ListBlock):
        return list_markdown(block, indent)
    if isinstance(block, Paragraph):
        return "\n".join(pad + line for line in block.text.splitlines())
    if isinstance(block, Code):
        fence = "~~~" if "```" in block.text else "```"
        body = block.text.rstrip("\n").splitlines()
        return "\n".join(pad + line for line in [fence + block.lang, *body, fence])
    if isinstance(block, Table):
        rows = [block.header, tuple("---" for _ in block.header), *block.rows]
        return "\n".join(pad + "| " + " | ".join(row) + " |" for row in rows)
    return ""


def _one_line(text: str) -> str:
    return " ".join(text.split()) if "\n" in text else text


def item_texts(items: tuple[ListItem, ...]) -> list[str]:
    return [strip_markup(i.text) for i in items]


IMAGE_ONLY = re.compile(r"^(?:\s++|!\[[^\]]*+\]\([^)]*+\)|!\[\[[^\]]*+\]\])*+$")


def is_image_only(text: str) -> bool:
    if "![" not in text:  # no image: only blank text matches (re's \s is str.isspace)
        return not text.strip()
    return bool(IMAGE_ONLY.match(text))


_LINKS = re.compile(
    r"!?\[\[[^\[\]]{0,500}\]\]|!?\[[^\[\]]{0,500}\]\([^()\s]{0,2000}\)|https?://\S+"
)


def is_link_only(text: str) -> bool:
    """ "[[Hash collision]]", "[Docs](https://…) 🟢", "https://…": an item that only points
    at another note or page (a map of the vault), with no words of its own."""
    if "[" not in text and "http" not in text:
        return False
    rest = _LINKS.sub(" ", text)
    return rest != text and not any(c.isalnum() for c in rest)


def lower_first(text: str) -> str:
    """'Operational excellence' → 'operational excellence', but keep 'AWS', 'Kafka', 'MLOps'."""
    words = text.split()
    if not words:
        return text
    first = words[0]
    if len(words) > 1 and first[:1].isupper() and first[1:].islower() and words[1][:1].islower():
        return first[0].lower() + text[1:]
    return text


def sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


# A lead-in cut before its list, with no colon: "The four means of authentication are based on".
UNFINISHED = frozenset("of the a an and or than are include includes following".split())
UNFINISHED_PAIRS = (["based", "on"], ["such", "as"])


def is_unfinished(text: str) -> bool:
    """The text stops mid-phrase, on a word no sentence ends with: it leads in to what follows."""
    words = strip_markup(text).casefold().split()
    return bool(words) and (words[-1] in UNFINISHED or words[-2:] in UNFINISHED_PAIRS)


# What an unfinished lead-in ends with, word by word: "… are based on", "… include the".
UNFINISHED_TAIL = UNFINISHED | {word for pair in UNFINISHED_PAIRS for word in pair} | {"is"}


def without_unfinished_tail(lead: str) -> str:
    """ "The four means of authentication" of "… are based on": what the list is of."""
    words = lead.split()
    while len(words) > 2 and words[-1].casefold() in UNFINISHED_TAIL:
        words.pop()
    return " ".join(words)
