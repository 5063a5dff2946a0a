"""Card HTML → terminal text: what `preview` and `quiz` print must read like the card."""

from __future__ import annotations

from notedeck.build.render.card import markdown_to_html
from notedeck.commands.preview import card_text, format_card, html_to_text, indent_block
from notedeck.model import Card, RenderedCard


def test_lists_nest_and_number():
    html = markdown_to_html("- one\n- two\n  - two a\n  - two b\n- three\n\n3. third\n4. fourth\n")
    assert (
        html_to_text(html) == "• one\n• two\n  • two a\n  • two b\n• three\n\n3. third\n4. fourth"
    )


def test_tables_align_and_code_keeps_its_lines():
    html = markdown_to_html(
        "Before.\n\n| Term | Meaning |\n|---|---|\n"
        "| OLTP | transactions |\n| OLAP | analytics |\n\n"
        "```python\ndef f():\n    return 1\n```\n"
    )
    assert html_to_text(html) == (
        "Before.\n\n"
        "Term │ Meaning\n"
        "─────┼─────────────\n"
        "OLTP │ transactions\n"
        "OLAP │ analytics\n\n"
        "def f():\n    return 1"
    )


def test_inline_markup_entities_images_and_breaks():
    html = (
        '<p>A <strong>bold</strong> &amp; <em>fine</em> <img src="x.png" alt="diagram"><br>next</p>'
    )
    assert html_to_text(html) == "A bold & fine [image: diagram]\nnext"


def _card(question: str, front: str, back: str, note_type: str = "basic") -> RenderedCard:
    card = Card(
        "cloze" if note_type == "cloze" else "definition",
        question,
        "",
        "k",
        "Geo",
        "1",
        ("Capitals",),
        "geo.md",
        7,
        note_type=note_type,
        guid="g",
    )
    return RenderedCard(card, front, back, "Geo › Chapter 1 › Capitals", "geo.md:7")


def test_cloze_hides_then_reveals():
    front = "The capital of France is {{c1::Paris}} and of Italy {{c2::Rome::city}}."
    text = card_text(_card(front, front, "", note_type="cloze"))
    assert text.question == "The capital of France is […] and of Italy [city]."
    assert text.answer == "The capital of France is [Paris] and of Italy [Rome]."


def test_long_answers_wrap_under_their_label():
    back = markdown_to_html("- " + "word " * 30 + "\n- short\n")
    out = format_card(_card("What?", "What?", back), width=60)
    lines = out.splitlines()
    assert lines[0] == "[definition] Geo › Chapter 1 › Capitals"
    assert lines[1] == "Q  What?"
    assert lines[2].startswith("A  • word word") and len(lines[2]) <= 60
    assert lines[3].startswith("     word")  # hangs under the bullet text
    assert lines[-2] == "   • short" and lines[-1] == "  geo.md:7"
    assert indent_block("a\n\nb", "A  ", 40) == "A  a\n\n   b"
