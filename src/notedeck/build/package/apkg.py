"""The only module that imports genanki: note types, decks, and the ``.apkg`` file.

Model IDs, field names, field order and template names are frozen forever (tests pin them):
changing any of them makes Anki import a "Name+" copy of the note type and skip every update.
Output is reproducible: note/card mod times come from the manifest, zip entries carry a fixed
date, and rows are written in a stable order, so an unchanged rebuild is byte-identical.
"""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import warnings
import zipfile
from itertools import count
from operator import attrgetter
from pathlib import Path
from typing import NamedTuple

import genanki

from notedeck.build.identity import stable_id

BASIC_MODEL_ID = 1730204701
REVERSED_MODEL_ID = 1730204702
CLOZE_MODEL_ID = 1730204703

BASIC_FIELDS = ("Front", "Back", "Context", "Source")
CLOZE_FIELDS = ("Text", "Extra", "Context", "Source")

CSS = """\
.card { font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  font-size: 20px; line-height: 1.45; text-align: left; color: #1d1d1f; background: #fff;
  max-width: 42em; margin: 0 auto; padding: 0 0.6em; }
.card.nightMode, .nightMode .card { color: #e8e8ea; background: #1e1e20; }
.nd-context { font-size: 0.62em; color: #6e6e73; letter-spacing: 0.02em; margin-bottom: 0.6em; }
.nightMode .nd-context { color: #a1a1a6; }
.nd-source { font-size: 0.55em; color: #8e8e93; margin-top: 1.4em; }
.nd-question { font-weight: 600; }
hr#answer { border: none; border-top: 1px solid #d2d2d7; margin: 0.9em 0; }
.nightMode hr#answer { border-top-color: #3a3a3c; }
table { border-collapse: collapse; margin: 0.4em 0; }
th, td { border: 1px solid #d2d2d7; padding: 0.25em 0.5em; vertical-align: top; }
.nightMode th, .nightMode td { border-color: #3a3a3c; }
code { font-family: "SF Mono", Menlo, Consolas, monospace; font-size: 0.88em;
  background: rgba(127,127,127,0.14); padding: 0.05em 0.3em; border-radius: 3px; }
pre { padding: 0.6em; border-radius: 6px; overflow-x: auto; font-size: 0.8em; }
pre code { background: none; padding: 0; }
.nightMode pre { filter: invert(0.88) hue-rotate(180deg); }
mark { background: #fff3a3; color: inherit; }
.nightMode mark { background: #6b5d00; }
img { max-width: 100%; height: auto; }
.cloze { font-weight: 700; color: #0a64d8; }
.nightMode .cloze { color: #64a8ff; }
"""

_CONTEXT = '{{#Context}}<div class="nd-context">{{Context}}</div>{{/Context}}'
_SOURCE = '{{#Source}}<div class="nd-source">{{Source}}</div>{{/Source}}'


def _basic_template(name: str, front: str, back: str) -> dict:
    return {
        "name": name,
        "qfmt": f'{_CONTEXT}<div class="nd-question">{{{{{front}}}}}</div>',
        "afmt": f'{{{{FrontSide}}}}<hr id="answer">'
        f'<div class="nd-answer">{{{{{back}}}}}</div>{_SOURCE}',
    }


BASIC_MODEL = genanki.Model(
    BASIC_MODEL_ID,
    "notedeck Basic",
    fields=[{"name": f} for f in BASIC_FIELDS],
    templates=[_basic_template("Card 1", "Front", "Back")],
    css=CSS,
)
REVERSED_MODEL = genanki.Model(
    REVERSED_MODEL_ID,
    "notedeck Basic (and reversed card)",
    fields=[{"name": f} for f in BASIC_FIELDS],
    templates=[
        _basic_template("Card 1", "Front", "Back"),
        _basic_template("Card 2", "Back", "Front"),
    ],
    css=CSS,
)
CLOZE_MODEL = genanki.Model(
    CLOZE_MODEL_ID,
    "notedeck Cloze",
    fields=[{"name": f} for f in CLOZE_FIELDS],
    templates=[
        {
            "name": "Cloze",
            "qfmt": f'{_CONTEXT}<div class="nd-question">{{{{cloze:Text}}}}</div>',
            "afmt": f'{_CONTEXT}<div class="nd-question">{{{{cloze:Text}}}}</div>'
            f'{{{{#Extra}}}}<hr id="answer">'
            f'<div class="nd-answer">{{{{Extra}}}}</div>{{{{/Extra}}}}{_SOURCE}',
        }
    ],
    css=CSS,
    model_type=genanki.Model.CLOZE,
)
MODELS = {"basic": BASIC_MODEL, "reversed": REVERSED_MODEL, "cloze": CLOZE_MODEL}


class NoteSpec(NamedTuple):
    """One note as it goes into the package (plain data; the manifest stores the same).  A
    named tuple: one is made per card of every build, at a third of a frozen dataclass's cost."""

    guid: str
    deck: str
    note_type: str
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    mod: int


class _TimedNote(genanki.Note):
    """A genanki note that keeps its own mod time instead of the package timestamp.

    Built for every card of every build, so it skips what ``genanki.Note.__init__`` spends per
    note: it sets the same attributes directly and takes its tag list and cards from notes
    built before it (see ``_NoteParts``).
    """

    def __init__(self, spec: NoteSpec, parts: _NoteParts):
        self.model = MODELS[spec.note_type]
        self.fields = list(spec.fields)
        self._sort_field = spec.fields[0]
        self._tags, self._tag_text = parts.tags(spec.tags)
        self.due = 0
        self._guid = spec.guid
        self.mod = spec.mod
        parts.set_cards(self)

    def write_to_db(self, cursor, timestamp, deck_id, id_gen):
        super().write_to_db(cursor, self.mod, deck_id, id_gen)

    def _format_tags(self) -> str:
        return self._tag_text  # genanki's own text, made once per distinct tags (_NoteParts)

    def _check_invalid_html_tags_in_fields(self):
        """Skipped: it only warns (apkg_bytes silences warnings), and every field has already
        been through nh3, so there is nothing for it to find."""


class _NoteParts:
    """What notes of one package can share instead of each computing it again: genanki's
    validated tag list and its text in the notes table per distinct tags (a tag with a space
    still raises genanki's error), and the cards of a front/back note, which depend only on its
    note type and which of its fields are empty.  Cloze cards depend on the text, so genanki
    computes those per note."""

    def __init__(self):
        self._tags: dict[tuple[str, ...], tuple[list[str], str]] = {}
        self._cards: dict[tuple, list[genanki.Card]] = {}

    def tags(self, tags: tuple[str, ...]) -> tuple[list[str], str]:
        shared = self._tags.get(tags)
        if shared is None:
            note = genanki.Note(tags=tags)
            shared = self._tags[tags] = (note.tags, note._format_tags())
        return shared

    def set_cards(self, note: _TimedNote) -> None:
        if note.model.model_type != genanki.Model.FRONT_BACK:
            return
        key = (note.model.model_id, *map(bool, note.fields))
        shared = self._cards.get(key)
        if shared is None:
            shared = self._cards[key] = note.cards  # genanki's own computation, once
        note.cards = shared  # cached_property: an instance attribute is what it caches into


def models_fingerprint() -> str:
    """A hash of everything Anki stores about the note types (names, fields, templates, CSS).

    The build bumps the note types' mod time only when this changes: Anki's default import
    updates a note type only if the incoming one is newer, so a new CSS or template reaches the
    collection, while an unchanged build keeps the old mod time and stays byte-identical.
    """
    payload = [
        [
            m.model_id,
            m.name,
            m.model_type,
            m.css,
            [f["name"] for f in m.fields],
            [[t["name"], t["qfmt"], t["afmt"]] for t in m.templates],
        ]
        for m in MODELS.values()
    ]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


def apkg_bytes(
    notes: list[NoteSpec], media: dict[str, Path], model_mod: int | None = None
) -> bytes:
    """The ``.apkg`` as bytes: a zip of collection.anki2 + media, with fixed entry dates.

    Note and card IDs count up from the newest note's mod time (Anki shows a note's ID as its
    "added" date and re-numbers IDs that clash on import); ``model_mod`` stamps the note types
    (default: the newest note's mod time).
    """
    timestamp = max((n.mod for n in notes), default=0)
    decks: dict[str, genanki.Deck] = {}
    parts = _NoteParts()
    for spec in sorted(notes, key=attrgetter("deck", "guid")):
        deck = decks.get(spec.deck)
        if deck is None:
            deck = decks[spec.deck] = genanki.Deck(stable_id("deck", spec.deck), spec.deck)
        deck.add_note(_TimedNote(spec, parts))
    conn = sqlite3.connect(":memory:")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # The package timestamp only reaches the note types: every note carries its own mod.
        _write_decks(
            conn.cursor(),
            list(decks.values()),
            timestamp if model_mod is None else model_mod,
            count(timestamp * 1000),
        )
    conn.commit()
    database = conn.serialize()
    conn.close()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        _add(archive, "collection.anki2", database)
        names = sorted(media)
        _add(
            archive,
            "media",
            (
                "{" + ", ".join(f'"{i}": "{_json_str(n)}"' for i, n in enumerate(names)) + "}"
            ).encode(),
        )
        for i, name in enumerate(names):
            _add(archive, str(i), media[name].read_bytes())
    return buffer.getvalue()


def _write_decks(cursor, decks: list[genanki.Deck], timestamp: int, id_gen) -> None:
    """What ``genanki.Package.write_to_db`` writes, byte for byte, in time linear in the decks:
    genanki's ``Deck.write_to_db`` reads, updates and writes back the collection's whole decks
    and models JSON once per deck, quadratic in the subdecks (a book of 8,334 chapters did not
    finish in 20 minutes).  Here the decks are read once, updated in memory in the same order
    and written once, and so are the note types."""
    from genanki.apkg_col import APKG_COL
    from genanki.apkg_schema import APKG_SCHEMA

    cursor.executescript(APKG_SCHEMA)
    cursor.executescript(APKG_COL)
    decks_json = json.loads(cursor.execute("SELECT decks FROM col").fetchone()[0])
    models_text = cursor.execute("SELECT models FROM col").fetchone()[0]
    for deck in decks:
        if not isinstance(deck.deck_id, int) or not isinstance(deck.name, str):
            raise TypeError(f"bad deck id or name: {deck.deck_id!r}, {deck.name!r}")
        decks_json[str(deck.deck_id)] = deck.to_json()
        for note in deck.notes:
            deck.add_model(note.model)
        # genanki's own steps for the note types (a few, so cheap), kept as they are: its text
        # holds each note type's id twice, as a string and as an integer key.
        models = json.loads(models_text)
        models.update(
            {m.model_id: m.to_json(timestamp, deck.deck_id) for m in deck.models.values()}
        )
        models_text = json.dumps(models)
    cursor.execute("UPDATE col SET decks = ?", (json.dumps(decks_json),))
    cursor.execute("UPDATE col SET models = ?", (models_text,))
    for deck in decks:
        for note in deck.notes:
            note.write_to_db(cursor, timestamp, deck.deck_id, id_gen)


def _json_str(text: str) -> str:
    return json.dumps(text)[1:-1]


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    """Deflate at level 1: a third of level 6's time (the collection is compressed in every
    build that writes the deck) for a deck about 14% bigger (10,000 cards: 1.06 MB, not 0.94)."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data, compresslevel=1)


def note_mods(path: Path) -> tuple[dict[str, int], int]:
    """(GUID → mod time of every note, the newest note or note-type mod time) in an ``.apkg``
    (empty and 0 if unreadable): for a deck its manifest does not describe."""
    try:
        with zipfile.ZipFile(path) as archive:
            database = archive.read("collection.anki2")
        conn = sqlite3.connect(":memory:")
        try:
            conn.deserialize(database)
            mods = {str(g): int(m) for g, m in conn.execute("SELECT guid, mod FROM notes")}
            models = json.loads(conn.execute("SELECT models FROM col").fetchone()[0] or "{}")
        finally:
            conn.close()
        newest = max([0, *mods.values(), *(int(m.get("mod", 0)) for m in models.values())])
        return mods, newest
    except (OSError, KeyError, ValueError, TypeError, zipfile.BadZipFile, sqlite3.Error):
        return {}, 0


def note_search(note_type: str, fields: tuple[str, ...]) -> str:
    """An Anki search for the note with these fields: its first field and its Source field.

    Anki has no search by GUID, so a removed card is found by its fields, matched as raw HTML
    exactly as written.  Inside a quoted field search ``\\``, ``"``, ``*`` and ``_`` are
    special and are escaped here.
    """
    first, last = _SEARCH_FIELDS[note_type]
    return f'("{first}:{_search_escape(fields[0])}" "{last}:{_search_escape(fields[-1])}")'


def _search_escape(value: str) -> str:
    """Backslash first, so the backslashes added after it are not escaped again (a chain of
    ``replace`` is ten times faster than ``translate`` with a dict, on every card's diff line)."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("*", "\\*").replace("_", "\\_")


_SEARCH_FIELDS = {t: (m.fields[0]["name"], m.fields[-1]["name"]) for t, m in MODELS.items()}
