"""Every deck built from the shipped notes imports cleanly into the real Anki engine."""

from __future__ import annotations

from conftest import build_notes


def test_shipped_notes_import_into_anki(shipped_notes, anki_collection):
    report = build_notes(shipped_notes)
    assert not report.errors
    titles = {book.title for book in report.books}
    assert titles == {"Fundamentals of Data Engineering", "Introducing MLOps"}
    expected_notes = 0
    for book in report.books:
        assert book.deck_path.exists()
        log = anki_collection.import_apkg(book.deck_path)
        assert len(log.new) == len(book.cards)
        assert not log.duplicate
        expected_notes += len(book.cards)
    col = anki_collection.col
    assert col.note_count() == expected_notes
    names = {d.name for d in col.decks.all_names_and_ids()}
    assert "Fundamentals of Data Engineering::Chapter 3" in names
    assert {
        "Introducing MLOps::Chapter 1",
        "Introducing MLOps::Chapter 2",
        "Introducing MLOps::Chapter 3",
    } <= names
    for deck, question, answer, question_html in anki_collection.rendered():
        assert question.strip(), f"empty front in {deck}"
        assert "error" not in question_html.lower() or "template" not in question_html.lower()
        assert answer.strip() != question.strip()
