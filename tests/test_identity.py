"""Identity: a card's GUID comes from (book, kind, normalised key) and nothing else.

Not from the answer, the file, the line, the breadcrumb, the order of files or cards inserted
elsewhere — so an edit updates the card in Anki and an insertion never shifts another card.
"""

from __future__ import annotations

import random
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import write_notes
from hypothesis_profiles import DEADLINE
from notedeck.build.identity import (
    _BASE91,
    History,
    _base91,
    book_slug,
    card_guid,
    number_guids,
    signature,
)
from notedeck.config import load_config
from notedeck.model import Card, RenderedCard
from notedeck.pipeline import collect

TERMS = (
    "Idempotency", "Backpressure", "Sharding", "Replication", "Checkpointing", "Denormalisation",
    "Orchestration", "Lineage", "Throughput", "Serialisation", "Vectorisation", "Quantisation",
)  # fmt: skip
OTHER_TERMS = ("Tokenisation", "Embedding", "Regularisation", "Calibration")
ROWS = ("Kafka", "Pulsar", "Kinesis", "RabbitMQ", "Redpanda")
UNRELATED = (
    "Today I finally got through the first half of the chapter.",
    "![diagram](missing.png)",
    "## A new section\n\nSome prose that defines nothing in particular here.",
    "```python\nprint('code never becomes a card')\n```",
    "> A quotation about data that is not a definition.",
)
FAST = settings(max_examples=20, deadline=DEADLINE)


def _card(key: str = "term", **changes) -> Card:
    base = Card(
        "definition", "What is term?", "an answer", key, "Book", "1", ("Book", "Ch"), "a.md", 3
    )
    return replace(base, **changes)


def _rendered(card: Card) -> RenderedCard:
    """A card as rendering would give it: the question and answer as its fields."""
    return RenderedCard(card, card.question, card.answer, " › ".join(card.context), card.location)


def assign_guids(cards: list[Card], history: History | None = None):
    """number_guids on plain cards: (the cards with their GUIDs, the warnings)."""
    numbered, warnings = number_guids([_rendered(c) for c in cards], history)
    return [r.card for r in numbered], warnings


def _guid(card: Card) -> str:
    return assign_guids([card])[0][0].guid


def test_guid_is_a_function_of_book_kind_and_key_only():
    plain = _guid(_card())
    assert plain == card_guid("Book", "definition", "term")
    for change in (
        {"answer": "a completely different answer"},
        {"line": 999},
        {"source": "elsewhere/other.md"},
        {"context": ("Book", "Renamed section", "Deeper")},
        {"chapter": "7"},
        {"question": "What is a term?"},
        {"tags": ("x", "y")},
    ):
        assert _guid(_card(**change)) == plain, change
    assert _guid(_card(book="Other Book")) != plain
    assert _guid(_card(kind="table")) != plain
    assert _guid(_card(key="other term")) != plain
    assert _guid(_card(note_type="reversed")) != plain


def test_guid_shape_is_anki_like():
    guid = card_guid("Book", "definition", "term")
    assert 1 <= len(guid) <= 10 and set(guid) <= set(_BASE91)
    assert card_guid("Book", "definition", "term") == guid  # hashlib, not the salted hash()


def _base91_one_digit_at_a_time(value: int) -> str:
    out = []
    while value:
        value, rem = divmod(value, len(_BASE91))
        out.append(_BASE91[rem])
    return "".join(reversed(out)) or "a"


@FAST
@given(st.integers(0, 2**64 - 1))
def test_base91_is_base91_digit_by_digit(value):
    assert _base91(value) == _base91_one_digit_at_a_time(value)


def test_base91_edges():
    for value in (0, 1, 90, 91, 92, 91**2 - 1, 91**2, 91**2 + 1, 91**3, 2**64 - 1):
        assert _base91(value) == _base91_one_digit_at_a_time(value), value


def test_a_card_given_its_guid_is_what_replace_would_build():
    """with_guid copies the instance dicts for speed: only right while neither class has a
    __post_init__ and both keep their fields in __dict__."""
    assert not hasattr(Card, "__post_init__") and not hasattr(RenderedCard, "__post_init__")
    rendered = _rendered(_card())
    assert (
        rendered.with_guid("g").__dict__
        == replace(rendered, card=replace(rendered.card, guid="g")).__dict__
    )
    assert rendered.with_guid("g") == replace(rendered, card=replace(rendered.card, guid="g"))
    assert rendered.with_guid("") is rendered


@FAST
@given(st.permutations(range(4)))
def test_same_key_clash_is_numbered_deterministically_whatever_the_input_order(order):
    cards = [  # twins: one question, different answers (exact copies are merged)
        _card(source=f"{name}.md", line=line, answer=f"answer {name}{line}")
        for name, line in (("b", 9), ("a", 5), ("a", 2), ("c", 1))
    ]
    expected = {(c.source, c.line): c.guid for c in assign_guids(cards)[0]}
    shuffled = [cards[i] for i in order]
    result, warnings = assign_guids(shuffled)
    assert {(c.source, c.line): c.guid for c in result} == expected
    assert len(set(expected.values())) == 4
    assert expected[("a.md", 2)] == card_guid("Book", "definition", "term")  # first in source order
    assert len(warnings) == 3
    assert all("a.md:2" in w.message for w in warnings)  # each warning names both places
    assert {f"{w.source}:{w.line}" for w in warnings} == {"a.md:5", "b.md:9", "c.md:1"}


def test_clash_guids_follow_their_cards_when_files_are_renamed():
    """With the last build's signatures, a twin keeps its GUID although its file now sorts later."""
    before = [_card(source="01-a.md", answer="first"), _card(source="02-b.md", answer="second")]
    old = {c.guid: (c.answer, c.source) for c in assign_guids(before)[0]}
    signatures = {
        g: signature((c.question, a, " › ".join(c.context)), f"{s}:{c.line}")
        for g, (a, s), c in zip(old, old.values(), before, strict=True)
    }
    after = [_card(source="02-a.md", answer="first"), _card(source="01-b.md", answer="second")]
    plain = assign_guids(after)[0]
    assert {c.answer: c.guid for c in plain} != {
        a: g for g, (a, _) in old.items()
    }  # naive: swapped
    history = History(signatures, frozenset({("Book", "definition", "term", "basic")}))
    settled = assign_guids(after, history)[0]
    assert {c.answer: c.guid for c in settled} == {a: g for g, (a, _) in old.items()}


def _book(definitions: list[str], rows: list[str], extra: dict[int, str], heading: str) -> str:
    """A note with a definition list, a list with a lead-in and a table; ``extra`` inserts
    unrelated blocks before the given block positions."""
    blocks = [
        f"## {heading}",
        "The glossary covers these terms:\n\n"
        + "\n".join(
            f"- **{term}**: the {term.lower()} idea explained in a few words"
            for term in definitions
        ),
        "The pipeline has three stages:\n\n"
        "- Ingest the data\n- Transform the data\n- Serve the data",
        "| Broker | Ordering |\n|---|---|\n"
        + "\n".join(f"| {row} | per partition |" for row in rows),
    ]
    out = ["# Chapter 1: Streams"]
    for n, block in enumerate(blocks):
        if n in extra:
            out.append(extra[n])
        out.append(block)
    return "\n\n".join(out) + "\n"


def _guids(text: str, name: str = "notes.md") -> dict[tuple[str, str], str]:
    """{(kind, key): GUID} of every card the real pipeline makes from one note file."""
    with tempfile.TemporaryDirectory() as tmp:
        notes = write_notes(
            Path(tmp) / "notes", {"book/book.yaml": "title: Stream Book\n", f"book/{name}": text}
        )
        collected = collect(load_config(notes, Path(tmp) / "decks"))
    return {(r.card.kind, r.card.key): r.card.guid for r in collected.cards}


@FAST
@given(
    definitions=st.lists(st.sampled_from(TERMS), min_size=2, max_size=5, unique=True),
    rows=st.lists(st.sampled_from(ROWS), min_size=1, max_size=4, unique=True),
    data=st.data(),
)
def test_inserting_unrelated_text_or_cards_elsewhere_keeps_every_guid(definitions, rows, data):
    before = _guids(_book(definitions, rows, {}, "Basics"))
    assert _guids(_book(definitions, rows, {}, "Basics")) == before  # same input, same GUIDs
    spots = data.draw(
        st.lists(st.integers(0, 3), min_size=1, max_size=3, unique=True), label="spots"
    )
    extra = {spot: data.draw(st.sampled_from(UNRELATED), label="text") for spot in spots}
    new_term = data.draw(st.sampled_from(OTHER_TERMS), label="new term")
    new_row = data.draw(
        st.sampled_from([r for r in ("Pravega", "NATS") if r not in rows]), label="row"
    )
    position = data.draw(st.integers(0, len(definitions)), label="position")
    grown = [*definitions[:position], new_term, *definitions[position:]]
    text = _book(grown, [new_row, *rows], extra, "Foundations")  # heading renamed too
    after = _guids(text, name=data.draw(st.sampled_from(["notes.md", "renamed.md"]), label="file"))
    assert {"definition", "list", "table"} <= {kind for kind, _ in before}
    for card, guid in before.items():
        assert after.get(card) == guid, card
    assert len(after) >= len(before) + 2  # the new definition and the new table row


@FAST
@given(st.randoms(use_true_random=False))
def test_guids_do_not_depend_on_the_order_of_cards(rnd: random.Random):
    cards = [_card(key=k, source=f"{k}.md") for k in ("alpha", "beta", "gamma", "delta")]
    cards += [_card(key="alpha", source="z.md", line=1, answer="another answer")]  # and a clash
    expected = {(c.key, c.source): c.guid for c in assign_guids(cards)[0]}
    rnd.shuffle(cards)
    assert {(c.key, c.source): c.guid for c in assign_guids(cards)[0]} == expected


@pytest.mark.parametrize(
    ("title", "slug"),
    [("CON", "con-book"), ("Nul", "nul-book"), ("COM1", "com1-book"), ("Console", "console")],
)
def test_book_slugs_are_valid_file_names_on_windows_too(title, slug):
    assert book_slug(title) == slug
