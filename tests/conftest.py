"""Shared fixtures: a temporary notes tree, building it, and the real Anki engine."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

import hypothesis_profiles  # noqa: F401  (registers and loads the bounded/long profiles)
from notedeck.config import load_config
from notedeck.pipeline import build

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_NOTES = ROOT / "notes"


def write_notes(root: Path, files: dict[str, str]) -> Path:
    """Create a notes tree from {relative path: text} (text is dedented)."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def notes_tree(tmp_path):
    def make(files: dict[str, str]) -> Path:
        return write_notes(tmp_path / "notes", files)

    return make


@pytest.fixture
def shipped_notes(tmp_path) -> Path:
    """A copy of the shipped notes, so tests never touch the real ones."""
    target = tmp_path / "notes"
    shutil.copytree(SHIPPED_NOTES, target)
    return target


def build_notes(notes_dir: Path, out_dir: Path | None = None, **overrides):
    out_dir = out_dir or notes_dir.parent / "decks"
    return build(load_config(notes_dir, out_dir, **overrides))


class AnkiCollection:
    """A fresh collection of the real Anki engine, with import helpers."""

    def __init__(self, path: Path):
        import anki.lang
        from anki.collection import Collection

        anki.lang.set_lang("en")
        self.col = Collection(str(path))

    def import_apkg(self, apkg: Path):
        from anki.collection import ImportAnkiPackageRequest

        options = self.col._backend.get_import_anki_package_presets()
        result = self.col.import_anki_package(
            ImportAnkiPackageRequest(package_path=str(apkg), options=options)
        )
        self.col.models._clear_cache()
        return result.log

    def rendered(self):
        """(deck name, question text, answer text, question html) for every card."""
        from anki.utils import strip_html

        out = []
        for cid in self.col.find_cards(""):
            card = self.col.get_card(cid)
            render = card.render_output()
            deck = self.col.decks.name(card.did)
            out.append(
                (
                    deck,
                    strip_html(render.question_text),
                    strip_html(render.answer_text),
                    render.question_text,
                )
            )
        return out

    def close(self):
        self.col.close()


@pytest.fixture
def anki_collection(tmp_path):
    pytest.importorskip("anki")
    col = AnkiCollection(tmp_path / "collection.anki2")
    yield col
    col.close()
