"""The per-book build manifest ``<slug>.notedeck.json`` kept next to each deck.

It remembers, per GUID, a hash of what was written and the mod time it was written with, so a
rebuild can (a) stamp changed cards newer than anything Anki has seen — Anki only applies an
update whose mod time is newer — while unchanged cards keep theirs, (b) print the diff, and
(c) carry a broken file's previous cards over instead of reporting them removed.  It also keeps
the note types' fingerprint and mod time (so a CSS/template change reaches Anki while unchanged
builds stay byte-identical) and the SHA-256 of the deck it describes (so a deleted, replaced or
never-renamed deck is rewritten even when no card changed).

The pipeline writes the deck *before* the manifest, so a manifest never describes a deck that
is not on disk: after a crash between the two renames the manifest is the last finished build's,
and the next build sees that the deck's SHA-256 is not the one recorded, rewrites the deck, diffs
against that finished build and stamps changes newer than the mod times inside the unknown deck
(``deck.read_deck_state``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from notedeck.runtime.atomic import atomic_write_bytes

MANIFEST_VERSION = 1


@dataclass(frozen=True)
class Entry:
    hash: str
    mod: int
    question: str
    source: str
    deck: str
    note_type: str
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    kind: str = ""
    media: tuple[str, ...] = ()
    content: str = ""  # hash of what the learner sees (no source line): drives the "~changed" diff
    key: str = ""  # the card's normalised identity key (lets the next build settle clashes)


@dataclass(frozen=True)
class Manifest:
    book: str
    last_mod: int = 0
    entries: dict[str, Entry] = field(default_factory=dict)
    model_hash: str = ""
    model_mod: int = 0
    deck_sha256: str = ""

    def by_source_file(self, rel: str) -> dict[str, Entry]:
        return {g: e for g, e in self.entries.items() if e.source.rsplit(":", 1)[0] == rel}


def manifest_path(out_dir: Path, slug: str) -> Path:
    return out_dir / f"{slug}.notedeck.json"


def load_manifest(path: Path, book: str) -> Manifest:
    """The previous manifest, or an empty one if missing or unreadable (never fatal)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = {guid: _loaded_entry(e) for guid, e in data["cards"].items()}
        return Manifest(
            data.get("book", book),
            int(data.get("last_mod", 0)),
            entries,
            str(data.get("model_hash", "")),
            int(data.get("model_mod", 0)),
            str(data.get("deck_sha256", "")),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return Manifest(book)


def _loaded_entry(e: dict) -> Entry:
    """An entry as parsed: its lists become tuples in place (the dict is json's, fresh)."""
    e["fields"], e["tags"] = tuple(e["fields"]), tuple(e["tags"])
    e["media"] = tuple(e.get("media", ()))
    return Entry(**e)


def save_manifest(
    path: Path, manifest: Manifest, texts: Mapping[str, str | None] | None = None
) -> None:
    atomic_write_bytes(path, manifest_bytes(manifest, texts))


def manifest_bytes(manifest: Manifest, texts: Mapping[str, str | None] | None = None) -> bytes:
    """JSON with one card per line: readable and diffable, and written by json's C encoder
    (``indent`` switches json to its pure-Python encoder, the cost of a 10k-card book).
    ``texts``: GUID → ``entry_text`` of that card, when the caller has already escaped it."""
    head = {
        "notedeck_manifest": MANIFEST_VERSION,
        "book": manifest.book,
        "last_mod": manifest.last_mod,
        "model_hash": manifest.model_hash,
        "model_mod": manifest.model_mod,
        "deck_sha256": manifest.deck_sha256,
    }
    lines = [f" {_dumps(k)}: {_dumps(v)}," for k, v in head.items()]
    known = texts or {}
    cards = [_card_line(g, entry, known.get(g)) for g, entry in sorted(manifest.entries.items())]
    body = ",\n".join(cards)
    text = "{\n" + "\n".join(lines) + '\n "cards": {' + (f"\n{body}\n }}" if cards else "}")
    return (text + "\n}\n").encode("utf-8")


def _dumps(value) -> str:
    return _JSON.encode(value)


_JSON = json.JSONEncoder(ensure_ascii=False)  # json.dumps would build one per call
json_str = json.encoder.encode_basestring  # what _JSON writes for a str, quotes included


def _card_line(guid: str, entry: Entry, text: str | None = None) -> str:
    """``  "guid": {entry as JSON}``, the text ``_dumps`` writes, spelled out: this runs once per
    card, and the encoder's setup and type checks cost more than the escaping of each string.
    ``text`` is the entry's ``entry_text`` if known.  Values of other types than Entry declares
    (a hand-edited manifest) go through ``_dumps``."""
    try:
        if type(entry.mod) is not int:
            raise TypeError(entry.mod)
        if text is None:
            fields = ", ".join(map(json_str, entry.fields))
            tags = ", ".join(map(json_str, entry.tags))
            text = entry_text(json_str(entry.deck), json_str(entry.note_type), fields, tags)
        return (
            f"  {json_str(guid)}: "
            f'{{"hash": {json_str(entry.hash)}, "mod": {entry.mod}, '
            f'"question": {json_str(entry.question)}, "source": {json_str(entry.source)}, '
            f'{text}, "kind": {json_str(entry.kind)}, '
            f'"media": [{", ".join(map(json_str, entry.media))}], '
            f'"content": {json_str(entry.content)}, "key": {json_str(entry.key)}}}'
        )
    except TypeError:
        return f"  {_dumps(guid)}: {_dumps(_entry_dict(entry))}"


def entry_text(deck: str, note_type: str, fields: str, tags: str) -> str:
    """The deck, note type, fields and tags of a manifest card line, from their JSON text
    (``fields`` and ``tags``: each item's JSON, joined by ", "), so that books.py, which
    escapes the same strings for its hashes, escapes them only once."""
    return f'"deck": {deck}, "note_type": {note_type}, "fields": [{fields}], "tags": [{tags}]'


def json_list(items: tuple[str, ...]) -> str:
    """``_dumps(items)`` for a tuple of str (raises TypeError for anything else in it)."""
    return f"[{', '.join(map(json_str, items))}]"


def _entry_dict(entry: Entry) -> dict:
    """``dataclasses.asdict`` without its deep copy (every value is a str, int or str tuple)."""
    return {name: getattr(entry, name) for name in _ENTRY_FIELDS}


_ENTRY_FIELDS = tuple(f.name for f in fields(Entry))
