"""Explicit card syntax → the right note type and fields, checked in the real Anki engine."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from deckcheck import build_and_import, find, one
from hypothesis_profiles import DEADLINE
from notedeck.config import load_config
from notedeck.pipeline import collect

BASIC, REVERSED, CLOZE = "notedeck Basic", "notedeck Basic (and reversed card)", "notedeck Cloze"

CARDS = """\
    ---
    book: Syntax Book
    ---
    # Vocabulary

    Bonjour::Hello
    Merci:::Thank you
    Status:: reading
    Up:: [[Index]]
    Use `std::vector` for growable arrays.

    What are the pillars of the framework?
    ?
    - reliability, with **two** parts:
      - recovery
      - testing
    - cost

    Term that
    spans two lines
    ??
    A definition asked both ways.

    How do you write a generator?
    ?
    ```python
    def gen():
        yield 1

        yield 2
    ```

    Q: What does ACID stand for
    in databases?
    A: Atomicity, consistency,
    isolation, durability.
    Q: What does BASE stand for?
    A: Basically available, soft state, eventual consistency.

    Q: Which question has its answer after a blank line?

    A: This one.

    - list front:: list back
    - Paris is the capital of {{c1::France::country}}.

    {{c1::Spanning **bold
    across** lines}} works and {{c2::`code`}} too.

    A paragraph with ==a highlight== stays a highlight here.
"""


@pytest.fixture
def cards(notes_tree, anki_collection):
    root = notes_tree({"cards.md": CARDS})
    report, cards = build_and_import(root, anki_collection)
    assert not report.errors
    return cards


def test_double_colon_is_basic_and_triple_colon_is_reversed(cards):
    hello = one(cards, "Bonjour")
    assert hello.note_type == BASIC
    assert (hello.fields["Front"], hello.fields["Back"]) == ("Bonjour", "<p>Hello</p>")
    merci = find(cards, "Merci")
    assert {c.note_type for c in merci} == {REVERSED}
    assert sorted(c.ord for c in merci) == [0, 1]  # one note, two cards: each side asks the other
    second = next(c for c in merci if c.ord == 1)
    assert "Thank you" in second.question.split("nd-question")[1] and "Merci" in second.answer


def test_metadata_fields_and_code_are_not_cards(cards):
    fronts = " ".join(c.fields.get("Front", "") for c in cards)
    assert "Status" not in fronts and "Up" not in fronts.split() and "std" not in fronts


def test_question_mark_block_takes_a_nested_list(cards):
    card = one(cards, "pillars")
    assert card.note_type == BASIC
    nested = "<li>reliability, with <strong>two</strong> parts:\n<ul>\n<li>recovery</li>"
    assert nested in card.fields["Back"]
    assert "<li>cost</li>" in card.fields["Back"]


def test_double_question_mark_block_is_reversed_with_a_multi_line_front(cards):
    found = find(cards, "spans two lines")
    assert {c.note_type for c in found} == {REVERSED} and sorted(c.ord for c in found) == [0, 1]
    assert "Term that\nspans two lines" in found[0].fields["Front"]
    assert found[0].fields["Back"] == "<p>A definition asked both ways.</p>"


def test_question_mark_block_takes_code_with_blank_lines(cards):
    back = one(cards, "generator").fields["Back"]
    assert back.startswith('<pre class="nd-code"') and back.count("yield") == 2


def test_q_and_a_pairs_span_lines_and_paragraphs(cards):
    acid = one(cards, "ACID")
    assert acid.note_type == BASIC
    assert "What does ACID stand for\nin databases?" in acid.fields["Front"]
    assert "Atomicity, consistency,\nisolation, durability." in acid.fields["Back"]
    base = one(cards, "BASE")
    assert base.fields["Front"] == "What does BASE stand for?"
    assert "Atomicity" not in base.fields["Back"]
    blank = one(cards, "blank line")
    assert blank.fields["Back"] == "<p>This one.</p>"


def test_cloze_with_hint_and_cloze_spanning_markdown(cards):
    paris = find(cards, "Paris", "Text")
    assert [c.note_type for c in paris] == [CLOZE]
    assert paris[0].fields["Text"] == "Paris is the capital of {{c1::France::country}}."
    assert "[country]" in paris[0].question and "France" in paris[0].answer
    assert paris[0].question.startswith('<div class="nd-context">Syntax Book › Vocabulary</div>')
    spanning = sorted(find(cards, "Spanning", "Text"), key=lambda c: c.ord)
    assert [c.ord for c in spanning] == [0, 1]  # c1 and c2: two cards from one note
    assert "{{c1::Spanning <strong>bold\nacross</strong> lines}}" in spanning[0].fields["Text"]
    assert "{{c2::<code>code</code>}}" in spanning[0].fields["Text"]
    assert "[...]" in spanning[0].question and "<strong>bold" not in spanning[0].question
    assert "<strong>bold\nacross</strong> lines" in spanning[0].answer


def test_list_items_use_the_one_line_syntax(cards):
    assert one(cards, "list front").fields["Back"] == "<p>list back</p>"


def test_highlight_is_not_a_cloze_outside_flashcard_files(cards):
    assert not find(cards, "highlight", "Text")
    assert not find(cards, "highlight")


def test_highlights_are_clozes_in_files_tagged_flashcards(notes_tree, anki_collection):
    root = notes_tree(
        {
            "tagged.md": """\
            ---
            book: Syntax Book
            ---
            #flashcards/spanish

            The ==mitochondria== is the ==powerhouse== of the cell.
        """,
            "front-matter.md": """\
            ---
            book: Syntax Book
            tags: [flashcards]
            ---
            Water boils at ==100 °C== at sea level.
        """,
        }
    )
    _, cards = build_and_import(root, anki_collection)
    cell = sorted(find(cards, "mitochondria", "Text"), key=lambda c: c.ord)
    text = "The {{c1::mitochondria}} is the {{c2::powerhouse}} of the cell."
    assert cell[0].fields["Text"] == text
    assert [c.note_type for c in cell] == [CLOZE, CLOZE]
    boils = one(cards, "boils", "Text")
    assert boils.fields["Text"] == "Water boils at {{c1::100 °C}} at sea level."
    assert not find(cards, "flashcards")  # the tag line itself is never a card


def test_explicit_and_automatic_cards_coexist_without_duplicates(notes_tree, anki_collection):
    root = notes_tree(
        {
            "mix.md": """\
            ---
            book: Mix Book
            ---
            # Storage

            **Columnar storage** is a layout that stores each column contiguously on disk.

            **Row storage**:: a layout that stores each record contiguously.

            Which formats are row or columnar?
            ?
            | Format | Layout |
            |---|---|
            | Parquet | columnar |
            | Avro | row |

            ## Formats

            | Format | Layout |
            |---|---|
            | ORC | columnar |
            | JSON | row |
        """,
        }
    )
    report, cards = build_and_import(root, anki_collection)
    kinds = sorted(r.card.kind for book in report.books for r in book.cards)
    assert "definition" in kinds and "explicit" in kinds and "table" in kinds
    assert len(find(cards, "olumnar storage")) == 1
    assert len(find(cards, "Row storage")) == 1
    assert one(cards, "Row storage").fields["Front"] == "<strong>Row storage</strong>"
    assert not find(cards, "Parquet")  # the table in the explicit answer makes no table card
    assert find(cards, "ORC") or find(cards, "ORC", "Back")  # the other table still does


def test_q_and_a_answers_may_be_a_list_or_code(notes_tree, anki_collection):
    root = notes_tree(
        {
            "qa.md": """\
            ---
            book: QA Book
            ---
            Q: What are the three Vs of big data?
            A:
            - volume
            - velocity
            - variety

            Q: How do you print in Python?

            A: Call `print`:
            ```python
            print("$5")
            ```
        """,
        }
    )
    report, cards = build_and_import(root, anki_collection)
    assert len(cards) == 2, [c.fields for c in cards]
    vs = one(cards, "three Vs").fields["Back"]
    assert vs.startswith("<ul>") and vs.count("<li>") == 3
    printing = one(cards, "print in Python").fields["Back"]
    assert "<p>Call <code>print</code>:</p>" in printing and '<pre class="nd-code"' in printing
    assert [r.card.line for r in report.books[0].cards] == [4, 10]


def test_an_explicit_card_replaces_the_automatic_card_for_the_same_term(
    notes_tree, anki_collection
):
    root = notes_tree(
        {
            "terms.md": """\
            ---
            book: Terms Book
            ---
            **Latency** is the time one request takes from start to finish.

            **Throughput** is the number of requests served per second.

            Latency::the delay a single request sees
        """,
        }
    )
    report, cards = build_and_import(root, anki_collection)
    kinds = {r.card.question: r.card.kind for r in report.books[0].cards}
    assert kinds == {"Latency": "explicit", "What is Throughput?": "definition"}
    assert len(cards) == 2


def test_spaced_repetition_plugin_schedule_comments_change_nothing(notes_tree, anki_collection):
    note = """\
        ---
        book: SR Book
        ---
        #flashcards

        Capital of Peru::Lima <!--SR:!2024-01-05,3,250-->

        Multi-line question
        ?
        Multi-line answer
        <!--SR:!2024-01-05,3,250-->

        The ==mitochondria== is the powerhouse of the cell. <!--SR:!2024-01-05,3,250-->
    """
    root = notes_tree({"sr.md": note})
    first, cards = build_and_import(root, anki_collection)
    assert len(first.books[0].added) == 3
    assert "SR:" not in "".join(str(c.fields) for c in cards)
    assert one(cards, "mitochondria", "Text").fields["Text"].endswith("of the cell.")
    (root / "sr.md").write_text(
        (root / "sr.md").read_text().replace("2024-01-05,3,250", "2024-02-11,9,270"),
        encoding="utf-8",
    )
    second, _ = build_and_import(root, anki_collection)
    assert (second.books[0].added, second.books[0].changed) == ((), ())


LINES = [
    "Front::Back", "Both:::Ways", "Question", "?", "??", "Answer", "- item", "  - nested",
    "Q: asked", "A: answered", "", "```", "code $x$ ==y==", "{{c1::cloze}}", "{{c2::a::hint}}",
    "==mark==", "#flashcards", "<!--SR:!2024-01-05,3,250-->", "<!-- notedeck: skip -->",
    "| a | b |", "|---|---|", "| 1 | 2 |", "# Heading", "![[img.png]]", "Status:: done",
    "`std::vector`", "$$", "x^2", "**Term** is a word that means something.",
]  # fmt: skip


@settings(
    max_examples=60, deadline=DEADLINE, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(LINES), min_size=1, max_size=25))
@example(lines=["Front::Back", "?", "```", "<!--SR:!2024-01-05,3,250-->"])  # a crasher found once
def test_any_mix_of_syntax_builds_cards_with_a_front(tmp_path_factory, lines):
    root = tmp_path_factory.mktemp("notes")
    (root / "mix.md").write_text(
        "---\nbook: Fuzz\n---\n" + "\n".join(lines) + "\n", encoding="utf-8"
    )
    collected = collect(load_config(root, root / "decks"))
    assert not collected.errors
    for rendered in collected.cards:
        card = rendered.card
        assert card.question.strip() and rendered.front.strip()
        assert card.note_type in ("basic", "reversed", "cloze")
        if card.note_type == "cloze":
            assert re.search(r"\{\{c\d+::", rendered.front)
        else:
            assert rendered.back.strip()
        assert "SR:" not in rendered.front + rendered.back


def test_a_list_mixing_explicit_and_automatic_items_keeps_both(notes_tree, anki_collection):
    root = notes_tree(
        {
            "list.md": """\
            ---
            book: List Book
            ---
            - Hola::Hello
            - **Latency**: the time a single request takes from start to finish
            - Adios::Goodbye
        """,
        }
    )
    report, cards = build_and_import(root, anki_collection)
    questions = sorted(r.card.question for r in report.books[0].cards)
    assert questions == ["Adios", "Hola", "What is latency?"]
