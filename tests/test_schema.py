"""The note-type schema is frozen forever.

Anki matches an imported note type by ID and compares its fields and templates: a new model ID,
a renamed, reordered or added field, or a renamed template makes Anki create a "notedeck Basic+"
copy and skip every update to existing notes. If one of these tests fails, do not update the
expected values — every learner's collection depends on them.
"""

from __future__ import annotations

import io
import json
import sqlite3
import zipfile

import pytest

from notedeck.build.package import apkg as package
from notedeck.build.package.apkg import NoteSpec, apkg_bytes

FROZEN = {
    "basic": (1730204701, "notedeck Basic", 0, ("Front", "Back", "Context", "Source"), ("Card 1",)),
    "reversed": (
        1730204702,
        "notedeck Basic (and reversed card)",
        0,
        ("Front", "Back", "Context", "Source"),
        ("Card 1", "Card 2"),
    ),
    "cloze": (1730204703, "notedeck Cloze", 1, ("Text", "Extra", "Context", "Source"), ("Cloze",)),
}


def _schema(model) -> tuple:
    return (
        model.model_id,
        model.name,
        model.model_type,
        tuple(f["name"] for f in model.fields),
        tuple(t["name"] for t in model.templates),
    )


@pytest.mark.parametrize("note_type", sorted(FROZEN))
def test_model_ids_names_fields_and_templates_are_frozen(note_type):
    assert _schema(package.MODELS[note_type]) == FROZEN[note_type]


def test_module_constants_match_the_models():
    assert package.BASIC_MODEL_ID == 1730204701
    assert package.REVERSED_MODEL_ID == 1730204702
    assert package.CLOZE_MODEL_ID == 1730204703
    assert FROZEN["basic"][3] == package.BASIC_FIELDS
    assert FROZEN["cloze"][3] == package.CLOZE_FIELDS
    assert set(package.MODELS) == set(FROZEN)


def _one_note_of_each() -> list[NoteSpec]:
    fields = {
        "basic": ("Q?", "A", "Book", "f.md:1"),
        "reversed": ("Term", "Meaning", "Book", "f.md:2"),
        "cloze": ("{{c1::Cloze}} text", "", "Book", "f.md:3"),
    }
    return [
        NoteSpec(f"guid-{kind}", "Book", kind, fields[kind], ("t",), 1_700_000_000)
        for kind in sorted(fields)
    ]


def test_written_package_carries_the_frozen_schema():
    """What Anki actually reads: the note types inside collection.anki2 of a built .apkg."""
    with zipfile.ZipFile(io.BytesIO(apkg_bytes(_one_note_of_each(), {}))) as archive:
        database = archive.read("collection.anki2")
    conn = sqlite3.connect(":memory:")
    conn.deserialize(database)
    models = json.loads(conn.execute("SELECT models FROM col").fetchone()[0])
    conn.close()
    for model_id, name, kind, fields, templates in FROZEN.values():
        model = models[str(model_id)]
        assert (model["name"], model["type"]) == (name, kind)
        assert [f["name"] for f in sorted(model["flds"], key=lambda f: f["ord"])] == list(fields)
        assert [t["name"] for t in sorted(model["tmpls"], key=lambda t: t["ord"])] == list(
            templates
        )


def test_anki_imports_the_schema_without_copies(tmp_path, anki_collection):
    """Imported twice (second time with newer note types), Anki keeps exactly one of each."""
    first, second = tmp_path / "a.apkg", tmp_path / "b.apkg"
    first.write_bytes(apkg_bytes(_one_note_of_each(), {}, model_mod=1_700_000_000))
    second.write_bytes(apkg_bytes(_one_note_of_each(), {}, model_mod=1_700_000_100))
    anki_collection.import_apkg(first)
    log = anki_collection.import_apkg(second)
    assert not log.new and not log.conflicting
    col = anki_collection.col
    names = [m.name for m in col.models.all_names_and_ids()]
    for model_id, name, _kind, fields, templates in FROZEN.values():
        assert names.count(name) == 1 and not any(n.startswith(name + "+") for n in names)
        model = col.models.get(model_id)
        assert [f["name"] for f in model["flds"]] == list(fields)
        assert [t["name"] for t in model["tmpls"]] == list(templates)


# ---------------------------------------------------------------- written bytes, spelled out

TRICKY = ("plain", 'quote " and \\ backslash', "tab\tnew\nline\x00\x1f", "ünï › — 𝄞", "")


def test_manifest_card_lines_are_what_json_writes():
    """save_manifest spells each card line out for speed: it must stay json's exact text, for
    every Entry field (a new field must reach the line) and for odd hand-edited values."""
    from notedeck.build.package.manifest import Entry, _card_line, _dumps, _entry_dict

    entries = [Entry(s, 7, s, s, s, "basic", (s, s, s, s), (s, "t"), s, (s,), s, s) for s in TRICKY]
    entries.append(Entry("h", "7", "q", "s", "d", "basic", ("a", 1), (), media=("m",)))
    entries.append(Entry("h", True, "q", "s", "d", "basic", (), (), key=None))
    for entry in entries:
        assert (
            _card_line("g\\", entry) == f"  {_dumps('g' + chr(92))}: {_dumps(_entry_dict(entry))}"
        )


def test_manifest_hashes_are_hashes_of_json():
    from notedeck.build.package.deck import _hash, _hashes

    for s in TRICKY:
        fields, tags = (s, "b", s, f"{s}.md:1"), (s, "t")
        assert _hashes(s, "basic", fields, tags)[:2] == (
            _hash(s, "basic", fields, tags),
            _hash(s, "basic", fields[:3], tags),
        )
    for fields in (("a", 1, "c", "s"), ("only",), ()):
        assert _hashes("d", "basic", fields, ()) == (
            _hash("d", "basic", fields, ()),
            _hash("d", "basic", fields[:-1], ()),
            None,
        )


def test_manifest_lines_from_the_hashed_text_are_the_same(tmp_path):
    """books.py hands save_manifest the text it escaped for its hashes: same bytes."""
    from notedeck.build.package.deck import _hashes
    from notedeck.build.package.manifest import Entry, Manifest, save_manifest

    entries, texts = {}, {}
    for n, s in enumerate(TRICKY):
        fields, tags = (s, "b", s, f"{s}.md:1"), (s, "t")
        digest, content, texts[f"g{n}"] = _hashes(s, "cloze", fields, tags)
        entries[f"g{n}"] = Entry(digest, n, s, s, s, "cloze", fields, tags, s, (s,), content, s)
    manifest = Manifest("Book", 9, entries, "m", 3, "sha")
    save_manifest(tmp_path / "a.json", manifest, texts)
    save_manifest(tmp_path / "b.json", manifest)
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_notes_sharing_tags_and_cards_get_their_own_cards():
    """apkg_bytes shares genanki's cards between front/back notes whose fields are empty in the
    same places; a reversed note with an empty back has no second card, cloze counts its own."""
    specs = [
        NoteSpec("r-full", "Book", "reversed", ("T", "M", "", "f.md:1"), ("t",), 1),
        NoteSpec("r-half", "Book", "reversed", ("T", "", "", "f.md:2"), ("t",), 1),
        NoteSpec("r-full2", "Book", "reversed", ("U", "N", "C", "f.md:3"), ("t",), 1),
        NoteSpec("c-two", "Book", "cloze", ("{{c1::a}} {{c2::b}}", "", "", "f.md:4"), ("t",), 1),
        NoteSpec("c-one", "Book", "cloze", ("{{c1::a}}", "", "", "f.md:5"), ("u",), 1),
    ]
    with zipfile.ZipFile(io.BytesIO(apkg_bytes(specs, {}))) as archive:
        database = archive.read("collection.anki2")
    conn = sqlite3.connect(":memory:")
    conn.deserialize(database)
    rows = conn.execute(
        "SELECT n.guid, n.tags, group_concat(c.ord) FROM notes n JOIN cards c ON c.nid = n.id"
        " GROUP BY n.id ORDER BY n.guid"
    ).fetchall()
    conn.close()
    assert rows == [
        ("c-one", " u ", "0"),
        ("c-two", " t ", "0,1"),
        ("r-full", " t ", "0,1"),
        ("r-full2", " t ", "0,1"),
        ("r-half", " t ", "0"),
    ]


def test_a_tag_with_a_space_is_still_refused():
    with pytest.raises(ValueError, match="contains a space"):
        apkg_bytes([NoteSpec("g", "Book", "basic", ("Q", "A", "", "f.md:1"), ("a b",), 1)], {})


def test_removed_card_search_escapes_like_a_translate_table():
    table = str.maketrans({c: "\\" + c for c in '\\"*_'})
    for s in (*TRICKY, 'a\\"b*_c\\\\', "\\*", '__**\\\\""'):
        assert package._search_escape(s) == s.translate(table)
    assert package.note_search("cloze", ('x_"', "", "", "f.md:1")) == (
        '("Text:x\\_\\"" "Source:f.md:1")'
    )
