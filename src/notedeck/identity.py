"""Stable identity: GUIDs from (book, kind, key), deck IDs from names, slugs for file names.

Uses hashlib only — Python's ``hash()`` is salted per process.  A GUID never depends on the
answer, the file, the line or the order of cards, so edits update a card in Anki instead of
duplicating it, and inserting a card never shifts another card's identity.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from dataclasses import replace

from .model import Card, Warning_

_BASE91 = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<=>?@[]^_`{|}~"


def _digest(*parts: str) -> bytes:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()


def card_guid(book: str, kind: str, key: str, note_type: str = "basic") -> str:
    """Anki note GUID: 64 bits of sha256 over the stable key, base91 like Anki's own."""
    parts = [book_slug(book), kind, key]
    if note_type != "basic":
        parts.append(note_type)
    value = int.from_bytes(_digest(*parts)[:8], "big")
    out = []
    while value:
        value, rem = divmod(value, len(_BASE91))
        out.append(_BASE91[rem])
    return "".join(reversed(out)) or "a"


def stable_id(*parts: str) -> int:
    """A positive 63-bit-safe integer ID (decks) from names."""
    return 1 + int.from_bytes(_digest(*parts)[:6], "big")


def book_slug(title: str) -> str:
    """A safe file name stem for a book: ASCII, lowercase, no separators or dots."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    if not text:
        text = "book-" + hashlib.sha256(title.encode()).hexdigest()[:8]
    return text[:80]


def assign_guids(cards: list[Card]) -> tuple[list[Card], list[Warning_]]:
    """Give every card its GUID; same-key cards in one book are numbered deterministically.

    The first of a clash (by source path then line) keeps the plain key so that adding a second
    card with the same question never steals the first card's history.
    """
    groups: dict[tuple[str, str, str, str], list[Card]] = defaultdict(list)
    for card in cards:
        groups[(card.book, card.kind, card.key, card.note_type)].append(card)
    warnings: list[Warning_] = []
    by_id: dict[int, Card] = {}
    for (book, kind, key, note_type), group in groups.items():
        group.sort(key=lambda c: (c.source, c.line))
        for n, card in enumerate(group):
            disambiguated = key if n == 0 else f"{key}#{n + 1}"
            if n:
                first = group[0]
                warnings.append(Warning_(
                    f"same question as {first.location} ({card.question!r}); kept both, numbered #{n + 1}",
                    card.source, card.line))
            by_id[id(card)] = replace(card, guid=card_guid(book, kind, disambiguated, note_type))
    return [by_id[id(card)] for card in cards], warnings
