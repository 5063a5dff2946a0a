"""Outliner block properties (Logseq's ``logseq.order-list-type:: number``) are editor settings:
never a card, never in an answer, and line numbers stay true.  One Logseq graph gave 317
"logseq.order-list-type → number" cards before this."""

from __future__ import annotations

from pathlib import Path

from notedeck import collect, load_config
from notedeck.text.properties import drop_properties

GRAPH_PAGE = (
    "- Definition: **Expected value**\n"
    "\t- the probability-weighted mean of a random variable\n"
    "\t  logseq.order-list-type:: number\n"
    "\t- logseq.order-list-type:: number\n"
    "\t  exists when the sum converges absolutely\n"
    "- card-last-interval:: 4\n"
    "- Latency:: the time a request waits before it is handled\n"
    "- ```\n"
    "  logseq.order-list-type:: number\n"
    "  ```\n"
)


def test_property_lines_are_emptied_and_lines_kept():
    out = drop_properties(GRAPH_PAGE)
    assert out.count("\n") == GRAPH_PAGE.count("\n")
    assert "order-list-type:: number\n  ```" in out  # code is never touched
    assert "card-last-interval" not in out
    assert "Latency:: the time a request waits" in out  # a flashcard's front is a word
    assert out.split("\n")[3] == "\t-"  # the item's marker stays, so the outline keeps its shape


def test_no_card_or_answer_holds_a_property(tmp_path: Path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "Expected value.md").write_text(GRAPH_PAGE, encoding="utf-8")
    cards = [r.card for r in collect(load_config(notes, tmp_path / "decks")).cards]
    texts = [f"{c.question}\n{c.answer}" for c in cards]
    assert not any("logseq." in t or "card-last-interval" in t for t in texts)
    latency = [c for c in cards if c.question == "Latency"]
    assert latency and latency[0].line == 7


def test_text_without_properties_is_returned_as_is():
    text = "Status:: reading\nA **log** is an append-only file.\n"
    assert drop_properties(text) is text
