"""Build a notes tree and look at the result the way Anki shows it (shared by the card tests)."""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from conftest import build_notes


@dataclass(frozen=True)
class AnkiCard:
    """One card as the real Anki engine renders it after importing the deck."""

    note_type: str
    ord: int
    fields: dict[str, str]
    question: str  # rendered question HTML
    answer: str  # rendered answer HTML
    tags: tuple[str, ...]
    deck: str


def build_and_import(notes_dir: Path, anki, **overrides):
    """Build every book, import every deck; return (report, cards in Anki)."""
    report = build_notes(notes_dir, **overrides)
    for book in report.books:
        anki.import_apkg(book.deck_path)
    return report, anki_cards(anki)


def anki_cards(anki) -> list[AnkiCard]:
    col = anki.col
    out = []
    for cid in sorted(col.find_cards("")):
        card = col.get_card(cid)
        note = card.note()
        model = note.note_type()
        render = card.render_output()
        fields = {f["name"]: note.fields[f["ord"]] for f in model["flds"]}
        out.append(
            AnkiCard(
                model["name"],
                card.ord,
                fields,
                render.question_text,
                render.answer_text,
                tuple(note.tags),
                col.decks.name(card.did),
            )
        )
    return out


def find(cards: list[AnkiCard], text: str, field: str | None = None) -> list[AnkiCard]:
    """Cards whose field (default: Front or Text) contains ``text``."""
    out = []
    for card in cards:
        value = (
            card.fields.get(field) if field else card.fields.get("Front", card.fields.get("Text"))
        )
        if value is not None and text in value:
            out.append(card)
    return out


def one(cards: list[AnkiCard], text: str, field: str | None = None) -> AnkiCard:
    found = find(cards, text, field)
    assert len(found) == 1, f"expected one card with {text!r}, got {[c.fields for c in found]}"
    return found[0]


def media_map(apkg: Path) -> dict[str, str]:
    """The package's media map: zip entry name → media file name."""
    with zipfile.ZipFile(apkg) as archive:
        return json.loads(archive.read("media"))


def all_html(cards: list[AnkiCard]) -> str:
    return "\n".join(c.question + "\n" + c.answer for c in cards)
