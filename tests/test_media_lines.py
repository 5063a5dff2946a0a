"""Media on a line of its own reaches the card it illustrates (issue 17, point 1), through the
CLI and into the real Anki engine: diagrams under a paragraph or a heading, audio as
``[sound:…]``, and a media line that belongs to no card is a ``check`` finding."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli_notes import PNG
from conftest import write_notes
from deckcheck import anki_cards, media_map, one
from notedeck.commands.cli import main

SHIPPED = Path(__file__).resolve().parent.parent / "notes"


def _build(notes: Path, out: Path) -> None:
    result = CliRunner().invoke(main, ["build", str(notes), "-o", str(out)])
    assert result.exit_code == 0, result.output


def test_the_shipped_decks_carry_their_diagrams(tmp_path, anki_collection):
    notes = tmp_path / "notes"
    shutil.copytree(SHIPPED, notes)
    _build(notes, tmp_path / "decks")
    deck = tmp_path / "decks" / "fundamentals-of-data-engineering.apkg"
    packed = set(media_map(deck).values())
    assert {name.rsplit("-", 1)[-1] for name in packed} >= {"lambda.png", "kappa.png"}
    anki_collection.import_apkg(deck)
    cards = anki_cards(anki_collection)
    for question, image in (("What is Lambda?", "lambda.png"), ("What is Kappa?", "kappa.png")):
        back = one(cards, question).fields["Back"]
        (name,) = [n for n in packed if n.endswith(image)]
        assert f'src="{name}"' in back  # on the answer side, under its explanation
        assert (Path(anki_collection.col.media.dir()) / name).is_file()


def test_audio_under_a_card_is_a_sound_in_anki(tmp_path, anki_collection):
    notes = write_notes(
        tmp_path / "notes",
        {
            "words.md": """
                # French words

                Bonjour::hello, good day

                ![[bonjour.mp3]]

                Merci::thank you ![](merci.ogg)
                """,
        },
    )
    (notes / "bonjour.mp3").write_bytes(b"ID3 fake mp3")
    (notes / "merci.ogg").write_bytes(b"OggS fake ogg")
    _build(notes, tmp_path / "decks")
    (deck,) = (tmp_path / "decks").glob("*.apkg")
    anki_collection.import_apkg(deck)
    cards = anki_cards(anki_collection)
    for front, sound in (("Bonjour", "bonjour.mp3"), ("Merci", "merci.ogg")):
        back = one(cards, front).fields["Back"]
        assert "[sound:notedeck-" in back and back.split("[sound:")[1].split("]")[0].endswith(sound)
        assert "<img" not in back
    assert len(list(Path(anki_collection.col.media.dir()).iterdir())) == 2


def test_a_media_line_on_no_card_is_a_check_finding(tmp_path):
    notes = write_notes(
        tmp_path / "notes",
        {
            "log.md": """
                # Stream processing

                A **tumbling window** is a fixed-size window that never overlaps the next one.

                ![[windows.png]]

                ## Diary

                I drew this on the train today, it was fun.

                ![[doodle.png]]

                ![[Some other note]]
                """,
        },
    )
    (notes / "windows.png").write_bytes(PNG)
    (notes / "doodle.png").write_bytes(PNG)
    result = CliRunner().invoke(main, ["check", str(notes), "--json"])
    findings = json.loads(result.output)
    media = [f for f in findings if f["code"] == "media"]
    assert [(f["line"], f["severity"]) for f in media] == [(11, "info")]
    assert "doodle.png" in media[0]["message"]
    assert not [f for f in findings if "Some other note" in f["message"]]  # a note, not media
    result = CliRunner().invoke(main, ["check", str(notes)])
    assert "1 media line on no card" in result.output
    assert result.exit_code == 0


@pytest.mark.parametrize(
    "markdown",
    ["![[missing.mp3]]", "![](missing.wav)"],
)
def test_a_missing_sound_is_one_warning_and_no_broken_tag(tmp_path, markdown):
    notes = write_notes(tmp_path / "notes", {"w.md": f"# W\n\nHola::hello {markdown}\n"})
    result = CliRunner().invoke(main, ["build", str(notes), "-o", str(tmp_path / "decks")])
    assert result.exit_code == 0
    assert "w.md:3" in result.output and "missing." in result.output
