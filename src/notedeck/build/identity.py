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
from dataclasses import dataclass
from functools import lru_cache

from notedeck.model import Card, Warning_
from notedeck.text.keys import normalise_key

_BASE91 = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<=>?@[]^_`{|}~"
)


def _digest(*parts: str) -> bytes:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()


def card_guid(book: str, kind: str, key: str, note_type: str = "basic") -> str:
    """Anki note GUID: 64 bits of sha256 over the stable key, base91 like Anki's own.  The
    hashed text is ``_digest``'s, spelled out: this runs for every card of a build."""
    text = f"{book_slug(book)}\x1f{kind}\x1f{key}"
    if note_type != "basic":
        text += f"\x1f{note_type}"
    return _base91(int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big"))


def _base91(value: int) -> str:
    """Base91 digits of a 64-bit value, most significant first: five digit pairs (91**10 >
    2**64) from a table of every pair, unrolled into four divmods (this runs for every card of a
    build).  The leading zero digits "a" are stripped: a number's own first digit is never
    zero."""
    high, low = divmod(value, _PAIR_BASE_CUBED)  # high < _PAIR_BASE**2 below 2**64
    p1, p2 = divmod(high, _PAIR_BASE)
    middle, p5 = divmod(low, _PAIR_BASE)
    p3, p4 = divmod(middle, _PAIR_BASE)
    return (_PAIRS[p1] + _PAIRS[p2] + _PAIRS[p3] + _PAIRS[p4] + _PAIRS[p5]).lstrip("a") or "a"


_PAIRS = tuple(high + low for high in _BASE91 for low in _BASE91)
_PAIR_BASE = len(_PAIRS)
_PAIR_BASE_CUBED = _PAIR_BASE**3


def stable_id(*parts: str) -> int:
    """A positive 63-bit-safe integer ID (decks) from names."""
    return 1 + int.from_bytes(_digest(*parts)[:6], "big")


@lru_cache(maxsize=256)
def book_slug(title: str) -> str:
    """A safe file name stem for a book: ASCII, lowercase, no separators or dots."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    if not text:
        text = "book-" + hashlib.sha256(title.encode()).hexdigest()[:8]
    text = text[:80].strip("-")
    if WINDOWS_RESERVED.fullmatch(text):  # "con.apkg" cannot exist on Windows
        text += "-book"
    return text


WINDOWS_RESERVED = re.compile(r"con|prn|aux|nul|com[0-9]|lpt[0-9]")


Signature = tuple[str, ...]
GroupKey = tuple[str, str, str, str]  # (book, kind, key, note_type)
SPARE_NUMBERS = 8  # numbered GUIDs looked up beyond the current clash size (removed twins)


@dataclass(frozen=True)
class History:
    """What the last build knew: each GUID's holder as a signature (features, most specific
    first), the keys that had twins, and how to take the same signature of a card now."""

    signatures: Mapping[str, Signature]
    clashed: frozenset[GroupKey]
    signature: Callable[[Card], Signature]


def assign_guids(
    cards: list[Card], history: History | None = None, settled: frozenset[str] = frozenset()
) -> tuple[list[Card], list[Warning_]]:
    """Give every card its GUID; same-key cards in one book are numbered deterministically.

    Without history the order is source path then line: the first keeps the plain key, the
    others get ``key#2``, ``key#3`` ….  With the last build's ``history``, every numbered GUID
    of a key that has or had twins first goes back to the card that matches its old holder
    best, trying the signature's features in order; the other cards take the lowest free
    numbers.  So renaming or reordering files, adding a second card with the same question or
    deleting one of two never moves review history from one card to another.

    ``settled``: books whose cards are exactly the ones a build without history numbered last
    time, each holding the GUID it got then (the build cache knows them).  A key alone in such
    a book got ``card_guid`` of itself then and would now, so it keeps its GUID without hashing
    again; twins are numbered as always.
    """
    groups: dict[GroupKey, list[Card]] = defaultdict(list)
    for card in cards:
        groups[(card.book, card.kind, card.key, card.note_type)].append(card)
    warnings: list[Warning_] = []
    by_id: dict[int, Card] = {}
    for group_key, group in groups.items():
        if len(group) > 1 or (history and group_key in history.clashed):
            group.sort(key=lambda c: (c.source, c.line))
            warnings.extend(_clash_warnings(group))
            holders = _numbered_holders(group_key, group, history).items()
        elif group[0].guid and group_key[0] in settled and not history:
            holders = ((group[0].guid, group[0]),)
        else:  # most cards: a key no other card of the book has now or had last time
            holders = ((card_guid(*group_key), group[0]),)
        for guid, card in holders:
            by_id[id(card)] = card if card.guid == guid else _with_guid(card, guid)
    return [by_id[id(card)] for card in cards], warnings


def _with_guid(card: Card, guid: str) -> Card:
    """``replace(card, guid=guid)`` at a sixth of the cost (it runs once per card): a copy of
    the instance dict.  Card is a frozen dataclass without ``__post_init__``, so the copy is
    exactly what ``replace`` would build."""
    new = object.__new__(Card)
    new.__dict__.update(card.__dict__)
    new.__dict__["guid"] = guid
    return new


def _numbered_holders(
    group_key: GroupKey, group: list[Card], history: History | None
) -> dict[str, Card]:
    """GUID → card for one key: history matches first, then source order on the free numbers."""
    book, kind, key, note_type = group_key
    spare = SPARE_NUMBERS if history and group_key in history.clashed else 0
    if len(group) == 1 and not spare:
        return {card_guid(book, kind, key, note_type): group[0]}
    numbered = [
        card_guid(book, kind, key if n == 0 else f"{key}#{n + 1}", note_type)
        for n in range(len(group) + spare)
    ]
    holders = _match_previous(group, numbered, history) if history else {}
    taken = {id(card) for card in holders.values()}
    free = (guid for guid in numbered if guid not in holders)
    for card in group:
        if id(card) not in taken:
            holders[next(free)] = card
    return holders


def _clash_warnings(group: list[Card]) -> list[Warning_]:
    """One warning per extra card: the learner should know two cards ask about one thing."""
    first = group[0]
    out = []
    for n, card in enumerate(group[1:], start=2):
        if normalise_key(card.question) == normalise_key(first.question):
            message = f"same question as {first.location} ({card.question!r}); kept both"
        else:  # told apart on the card already ("What is reliability? (Principles)")
            message = f"{card.question!r} asks about the same term as {first.location}; kept both"
        out.append(Warning_(f"{message}, numbered #{n}", card.source, card.line))
    return out


def _match_previous(group: list[Card], numbered: list[str], history: History) -> dict[str, Card]:
    """GUID → card for the GUIDs of this key that existed before, matched greedily on the
    signature features, most specific first; cards matching no old holder are left out."""
    previous = history.signatures
    known = [guid for guid in numbered if guid in previous]
    holders: dict[str, Card] = {}
    free = list(group)
    for feature in range(min((len(previous[g]) for g in known), default=0)):
        for card in list(free):
            now = history.signature(card)[feature]
            guid = next(
                (g for g in known if g not in holders and previous[g][feature] == now), None
            )
            if guid is not None:
                holders[guid] = card
                free.remove(card)
    return holders
