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
from collections.abc import Callable, Mapping
from dataclasses import replace

from .model import Card, Warning_

_BASE91 = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<=>?@[]^_`{|}~"
)


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


Signature = tuple[str, ...]


def assign_guids(
    cards: list[Card],
    previous: Mapping[str, Signature] | None = None,
    signature: Callable[[Card], Signature] | None = None,
) -> tuple[list[Card], list[Warning_]]:
    """Give every card its GUID; same-key cards in one book are numbered deterministically.

    Without history the order is source path then line: the first keeps the plain key.  With
    ``previous`` (GUID → signature of the card that held it in the last build) and ``signature``
    (the same features for a card now), each GUID of a clash goes back to the card that matches
    its old holder best, trying the signature's features in order (e.g. whole content, then
    section, then answer, then file).  So renaming or reordering files, or adding a second card
    with the same question, never moves one card's review history onto another card.
    """
    groups: dict[tuple[str, str, str, str], list[Card]] = defaultdict(list)
    for card in cards:
        groups[(card.book, card.kind, card.key, card.note_type)].append(card)
    warnings: list[Warning_] = []
    by_id: dict[int, Card] = {}
    for (book, kind, key, note_type), group in groups.items():
        group.sort(key=lambda c: (c.source, c.line))
        guids = [
            card_guid(book, kind, key if n == 0 else f"{key}#{n + 1}", note_type)
            for n in range(len(group))
        ]
        holders = group
        if len(group) > 1 and previous and signature:
            holders = _match_previous(group, guids, previous, signature)
        for card, guid in zip(holders, guids, strict=True):
            by_id[id(card)] = replace(card, guid=guid)
        for n, card in enumerate(group[1:], start=2):
            warnings.append(
                Warning_(
                    f"same question as {group[0].location} ({card.question!r}); "
                    f"kept both, numbered #{n}",
                    card.source,
                    card.line,
                )
            )
    return [by_id[id(card)] for card in cards], warnings


def _match_previous(
    group: list[Card],
    guids: list[str],
    previous: Mapping[str, Signature],
    signature: Callable[[Card], Signature],
) -> list[Card]:
    """The holder of each GUID: greedy matching on the signature features, most specific first."""
    holders: dict[str, Card] = {}
    free = list(group)
    width = min((len(previous[g]) for g in guids if g in previous), default=0)
    for feature in range(width):
        for guid in guids:
            if guid in holders or guid not in previous:
                continue
            match = next(
                (c for c in free if signature(c)[feature] == previous[guid][feature]), None
            )
            if match is not None:
                holders[guid] = match
                free.remove(match)
    rest = iter(free)
    return [holders[g] if g in holders else next(rest) for g in guids]
