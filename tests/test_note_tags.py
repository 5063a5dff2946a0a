"""Tags from the notes (issue 17, point 2): inline ``#tag`` and ``#nested/tag``, front-matter
``tags`` and the folder path become Anki tags, and the tags leave the visible text."""

from __future__ import annotations

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from conftest import write_notes
from deckcheck import anki_cards, one
from notedeck.commands.cli import main
from notedeck.text.tags import split_tags


def test_tags_reach_anki_and_leave_the_text(tmp_path, anki_collection):
    notes = write_notes(
        tmp_path / "notes",
        {
            "School/Networks/tcp.md": """
                ---
                tags: [exam, Protocols/Transport]
                ---
                #networking #lang/english

                # TCP

                A **three-way handshake** is how TCP opens a connection: SYN, SYN-ACK, ACK. #exam

                ## Flow control #deep-dive

                The **receive window** is how many bytes the receiver can buffer, and we use #tcp
                to mean the protocol here.

                ```
                #include <sys/socket.h>
                ```
                """,
        },
    )
    result = CliRunner().invoke(main, ["build", str(notes), "-o", str(tmp_path / "decks")])
    assert result.exit_code == 0, result.output
    (deck,) = (tmp_path / "decks").glob("*.apkg")
    anki_collection.import_apkg(deck)
    cards = anki_cards(anki_collection)
    handshake = one(cards, "three-way handshake")
    window = one(cards, "receive window")
    for card in (handshake, window):
        assert {
            "exam",
            "Protocols::Transport",
            "networking",
            "lang::english",
            "deep-dive",
            "tcp",
            "school::networks",  # Anki gives a tag its parent's case ("school" is the book's)
        } <= {tag.casefold() if tag.startswith("school") else tag for tag in card.tags}
        assert "#" not in card.fields["Back"] and "#" not in card.fields["Front"]
    assert "we use tcp\nto mean" in window.fields["Back"]  # a tag used as a word keeps it
    assert "Flow control" in window.fields["Context"] and "deep" not in window.fields["Context"]


def test_what_is_no_tag():
    text = "C# and F#, page#part, (#anchor), [[#Heading]], &#39; #1 #2024 and `#code`"
    assert split_tags(text) == (text, ())
    assert split_tags("#flashcards\nQ::A") == ("#flashcards\nQ::A", ())
    assert split_tags("    #include <stdio.h>") == ("    #include <stdio.h>", ())
    assert split_tags("## Kafka #streaming") == ("## Kafka", ("streaming",))
    assert split_tags("- #todo buy milk") == ("- buy milk", ("todo",))
    assert split_tags("see #a/b/c, then") == ("see a b c, then", ("a::b::c",))
    colours = "| Snow | #FFFAFA |\n| Coral | #ff7f50 |"  # a colour code is the fact, not a tag
    assert split_tags(colours) == (colours, ())
    assert split_tags("see #bad habits") == ("see bad habits", ("bad",))  # lower case: a tag


@given(st.text(alphabet=st.sampled_from("#ab1/ -_\n`.,>*"), max_size=200))
def test_tags_never_move_a_line(text):
    stripped, tags = split_tags(text)
    assert stripped.count("\n") == text.count("\n")
    assert all(tag and " " not in tag for tag in tags)
    assert split_tags(stripped)[0] == stripped or "#" in stripped  # idempotent on tag-free text
