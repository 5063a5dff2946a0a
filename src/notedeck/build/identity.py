"""Stable identity: GUIDs from (book, kind, key), deck IDs from names, slugs for file names.

Uses hashlib only — Python's ``hash()`` is salted per process.  A GUID never depends on the
answer, the file, the line or the order of cards, so edits update a card in Anki instead of
duplicating it, and inserting a card never shifts another card's identity.

GUIDs are numbered once per build, per book, with the last build's manifest as history
(``number_guids``): every command (build, preview, check, stats, quiz) sees the deck's GUIDs.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter

from notedeck.build.package.manifest import Entry, Manifest
from notedeck.model import Problem, RenderedCard
from notedeck.text.keys import normalise_key

_BASE91 = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<=>?@[]^_`{|}~"
)


def _digest(*parts: str) -> bytes:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()


def card_guid(book: str, kind: str, key: str, note_type: str = "basic") -> str:
    """Anki note GUID: 64 bits of sha256 over the stable key, base91 like Anki's own."""
    parts = (
        (book_slug(book), kind, key)
        if note_type == "basic"
        else (book_slug(book), kind, key, note_type)
    )
    return _base91(int.from_bytes(_digest(*parts)[:8], "big"))


def _base91(value: int) -> str:
    """Base91 digits of ``value``, most significant first (genanki's and Anki's alphabet)."""
    digits = []
    while True:
        value, digit = divmod(value, 91)
        digits.append(_BASE91[digit])
        if not value:
            return "".join(reversed(digits))


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


# ---------------------------------------------------------------- numbering same-key cards

Signature = tuple[str, ...]
GroupKey = tuple[str, str, str, str]  # (book, kind, key, note_type)
SPARE_NUMBERS = 8  # numbered GUIDs looked up beyond the current clash size (removed twins)


@dataclass(frozen=True)
class History:
    """What the last build of a book knew: each GUID's holder as a signature (features, most
    specific first) and the keys that had twins."""

    signatures: Mapping[str, Signature]
    clashed: frozenset[GroupKey]


def history_of(old: Manifest) -> History | None:
    """The history a book's manifest holds (None for a first build).

    A key counts as clashed while it has twins, and also while its one card still holds a
    numbered GUID (its twin was deleted): it keeps that GUID, so a rebuild with no change never
    moves a card to another GUID (Anki would then hold two notes for it)."""
    if not old.entries:
        return None
    counts = Counter((e.kind, e.key, e.note_type) for e in old.entries.values() if e.key)
    clashed = {(old.book, *k) for k, n in counts.items() if n > 1}
    for guid, e in old.entries.items():
        group = (old.book, e.kind, e.key, e.note_type)
        if e.key and group not in clashed and guid != card_guid(*group):
            clashed.add(group)
    return History(_OldSignatures(old.entries), frozenset(clashed))


def signature(fields: tuple[str, ...], location: str) -> Signature:
    """What identifies a card among same-question twins: content, section, answer, file (the
    features, most specific first), then its ``file:line`` (for exact matches only)."""
    front, back, context = fields[:3]
    content = "\x1f".join((front, back, context))
    return (content, context, back, location.rsplit(":", 1)[0], location)


FEATURES = 4  # the signature's features; its last item, the location, is not one


class _OldSignatures(Mapping):
    """GUID → signature of the last build's cards, worked out only for the few GUIDs a clash
    asks about (most keys never had a twin)."""

    def __init__(self, entries: dict[str, Entry]):
        self.entries = entries
        self.known: dict[str, Signature] = {}

    def __getitem__(self, guid: str) -> Signature:
        if guid not in self.known:
            entry = self.entries[guid]
            self.known[guid] = signature(entry.fields, entry.source)
        return self.known[guid]

    def __iter__(self):
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


def number_guids(
    cards: list[RenderedCard], history: History | None = None
) -> tuple[list[RenderedCard | None], list[Problem]]:
    """Give every card of one book its GUID; same-key cards are numbered deterministically.
    The result is aligned with ``cards``: None where a card was merged into an exact twin (the
    same question and answer elsewhere: a README copying a chapter makes one card, not two).

    Without history the order is source path then line: the first keeps the plain key, the
    others get ``key#2``, ``key#3`` ….  With the last build's ``history``, every numbered GUID
    of a key that has or had twins first goes back to the card that matches its old holder
    best, trying the signature's features in order; the other cards take the lowest free
    numbers.  So renaming or reordering files, adding a second card with the same question or
    deleting one of two never moves review history from one card to another.
    """
    groups: dict[GroupKey, list[RenderedCard]] = defaultdict(list)
    for r in cards:
        c = r.card
        groups[(c.book, c.kind, c.key, c.note_type)].append(r)
    warnings: list[Problem] = []
    guids: dict[int, str] = {}
    for group_key, group in groups.items():
        if len(group) > 1:
            group.sort(key=lambda r: (r.card.source, r.card.line))
            group = _merge_exact_twins(group, warnings)
        if len(group) > 1 or (history and group_key in history.clashed):
            warnings.extend(_clash_warnings(group))
            for guid, r in _numbered_holders(group_key, group, history).items():
                guids[id(r)] = guid
        else:  # most cards: a key no other card of the book has now or had last time
            guids[id(group[0])] = card_guid(*group_key)
    return [r.with_guid(guids[id(r)]) if id(r) in guids else None for r in cards], warnings


def _merge_exact_twins(group: list[RenderedCard], warnings: list[Problem]) -> list[RenderedCard]:
    """The group without cards that repeat an earlier one's question and answer exactly."""
    kept: dict[tuple[str, str], RenderedCard] = {}
    for r in group:
        first = kept.setdefault((r.front, r.back), r)
        if first is not r:
            message = f"same card as {first.card.location} (question and answer); kept one"
            warnings.append(Problem.warning("merged", message, r.card.source, r.card.line))
    return list(kept.values())


def _numbered_holders(
    group_key: GroupKey, group: list[RenderedCard], history: History | None
) -> dict[str, RenderedCard]:
    """GUID → card for one key: history matches first, then source order on the free numbers."""
    book, kind, key, note_type = group_key
    spare = SPARE_NUMBERS if history and group_key in history.clashed else 0
    numbered = [
        card_guid(book, kind, key if n == 0 else f"{key}#{n + 1}", note_type)
        for n in range(len(group) + spare)
    ]
    holders = _match_previous(group, numbered, history) if history else {}
    taken = {id(r) for r in holders.values()}
    free = (guid for guid in numbered if guid not in holders)
    for r in group:
        if id(r) not in taken:
            holders[next(free)] = r
    return holders


def _clash_warnings(group: list[RenderedCard]) -> list[Problem]:
    """One warning per extra card: the learner should know two cards ask about one thing, and
    whether anything on the cards tells them apart."""
    first = group[0]
    out = []
    for r in group[1:]:
        card = r.card
        if normalise_key(card.question) == normalise_key(first.card.question):
            code = "duplicate"
            message = (
                f"{card.question!r} is asked twice in this book (also at {first.card.location})"
            )
            apart = r.context != first.context
            message += (
                "; both cards kept, told apart by their breadcrumbs"
                if apart
                else "; both cards kept with the same breadcrumb: reword one question"
            )
        else:  # told apart on the card already ("What is reliability? (Principles)")
            code = "same-term"
            message = f"{card.question!r} asks about the same term as {first.card.location}"
            message += "; both cards kept"
        out.append(Problem.warning(code, message, card.source, card.line))
    return out


def _match_previous(
    group: list[RenderedCard], numbered: list[str], history: History
) -> dict[str, RenderedCard]:
    """GUID → card for the GUIDs of this key that existed before; cards matching no old holder
    are left out.  A card exactly as its holder was (same fields, same place) takes that GUID
    first, so a rebuild with nothing changed keeps every GUID; then cards are matched greedily
    on one feature at a time, most specific first."""
    previous = history.signatures
    known = [guid for guid in numbered if guid in previous]
    holders: dict[str, RenderedCard] = {}
    free = list(group)
    now = {id(r): signature((r.front, r.back, r.context), r.card.location) for r in group}

    def match(part) -> None:
        """Each free card, in order, takes the first untaken GUID whose old holder has the same
        ``part``: looked up in an index of the known GUIDs by that part (scanning every GUID
        for every card was quadratic in a big twin group: 8,000 definitions of one term)."""
        by_part: dict = {}
        for g in known:
            if g not in holders:
                by_part.setdefault(part(previous[g]), []).append(g)
        queues = {key: iter(guids) for key, guids in by_part.items()}
        still = []
        for r in free:
            queue = queues.get(part(now[id(r)]))
            guid = next(queue, None) if queue is not None else None
            if guid is None:
                still.append(r)
            else:
                holders[guid] = r
        free[:] = still

    match(lambda sig: sig)
    for feature in range(FEATURES):
        match(itemgetter(feature))
    return holders
