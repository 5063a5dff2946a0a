"""Per-note control: front matter options, skip markers, notedeck.yaml defaults, unknown options."""

from __future__ import annotations

import subprocess
import sys

import pytest

from deckcheck import build_and_import, find, one
from notedeck.config import FILE_OPTION_KEYS, GLOBAL_KEYS, parse_file_options
from notedeck.errors import ConfigError

GREEK = """\
    ---
    book: Greek
    ---
    # Letters

    **Alpha** is the first letter of the Greek alphabet.

    <!-- notedeck: skip -->
    **Beta** is the second letter of the Greek alphabet.

    **Gamma** is the third letter of the Greek alphabet.

    ## Drafts
    <!-- notedeck: skip-section -->

    **Delta** is the fourth letter of the Greek alphabet.

    ### Deeper draft

    **Epsilon** is the fifth letter of the Greek alphabet.

    ## Kept

    **Zeta** is the sixth letter of the Greek alphabet.

    <!-- notedeck: skip -->
    ## Skipped heading

    **Eta** is the seventh letter of the Greek alphabet.

    ## Quiz

    Theta::the eighth letter
"""


def _fronts(cards) -> set[str]:
    return {c.fields.get("Front", c.fields.get("Text")) for c in cards}


def test_skip_markers_drop_a_block_a_section_and_a_heading(notes_tree, anki_collection):
    root = notes_tree({"greek.md": GREEK})
    report, cards = build_and_import(root, anki_collection)
    assert not report.errors
    fronts = _fronts(cards)
    assert fronts == {"What is Alpha?", "What is Gamma?", "What is Zeta?", "Theta"}


def test_front_matter_skip_tags_and_extractors(notes_tree, anki_collection):
    root = notes_tree(
        {
            "skipped.md": "---\nbook: Greek\nnotedeck:\n  skip: true\n---\n**Iota** is the 9th.\n",
            "short.md": "---\nbook: Greek\nnotedeck: skip\n---\n**Kappa** is the 10th letter.\n",
            "tagged.md": """\
            ---
            book: Greek
            notedeck:
              tags: [exam, week 3]
              extractors: [explicit]
            ---
            **Lambda** is the eleventh letter of the alphabet.

            Mu::the twelfth letter
        """,
            "none.md": """\
            ---
            book: Greek
            notedeck:
              extractors: []
            ---
            Nu::the thirteenth letter
        """,
        }
    )
    report, cards = build_and_import(root, anki_collection)
    assert not report.errors
    assert _fronts(cards) == {"Mu"}  # skipped files, the definition extractor off, no extractors
    assert {"exam", "week-3", "greek"} <= set(one(cards, "Mu").tags)


def test_notedeck_yaml_defaults(notes_tree, anki_collection):
    root = notes_tree(
        {
            "notedeck.yaml": """\
            extractors: [explicit, definitions, concepts]
            generic_headings: [Glossary]
            reverse_definitions: true
            tags: [greek-course]
        """,
            "greek.md": """\
            ---
            book: Greek
            ---
            ## Glossary

            Every letter of the alphabet gets a short entry below, with its name and its sound.

            ## Alphabet history

            The Greek alphabet was adapted from the Phoenician script around 800 BC.

            **Omega** is the last letter of the Greek alphabet.

            | Letter | Position |
            |---|---|
            | Psi | 23 |
        """,
        }
    )
    report, cards = build_and_import(root, anki_collection)
    assert not report.errors
    omega = find(cards, "Omega")
    assert {c.note_type for c in omega} == {"notedeck Basic (and reversed card)"}
    assert sorted(c.ord for c in omega) == [0, 1]  # definitions asked both ways
    assert "greek-course" in omega[0].tags
    assert not find(cards, "Psi") and not find(cards, "Psi", "Back")  # tables switched off
    assert not find(cards, "Glossary") and not find(cards, "glossary")  # generic heading
    assert find(cards, "lphabet history")  # not generic: still a concept card


def test_front_matter_overrides_reverse_definitions(notes_tree, anki_collection):
    root = notes_tree(
        {
            "notedeck.yaml": "reverse_definitions: true\n",
            "a.md": "---\nbook: Greek\nnotedeck:\n  reverse_definitions: false\n---\n"
            "**Sigma** is the eighteenth letter of the Greek alphabet.\n",
        }
    )
    _, cards = build_and_import(root, anki_collection)
    assert [c.note_type for c in find(cards, "Sigma")] == ["notedeck Basic"]


def test_unknown_front_matter_option_lists_the_valid_ones():
    with pytest.raises(ConfigError) as info:
        parse_file_options({"skipp": True, "tag": ["x"]}, "a.md", 3)
    message = str(info.value)
    assert message.startswith("a.md:3: unknown notedeck options 'skipp', 'tag' (valid: ")
    assert all(key in message for key in FILE_OPTION_KEYS)


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "notedeck", *args], capture_output=True, text=True, timeout=120
    )


def test_cli_unknown_front_matter_option_is_one_line_exit_1(notes_tree, tmp_path):
    root = notes_tree(
        {
            "bad.md": "---\nbook: Greek\nnotedeck:\n  extractor: [explicit]\n---\nPi::16th\n",
            "good.md": "---\nbook: Greek\n---\nRho::the 17th letter\n",
        }
    )
    result = _cli("build", str(root), "-o", str(tmp_path / "decks"))
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        "error: bad.md:3: unknown notedeck option 'extractor' "
        "(valid: extractors, reverse_definitions, skip, tags)"
    ]
    assert "Traceback" not in result.stderr
    assert (tmp_path / "decks" / "greek.apkg").exists()  # the other note still builds


def test_cli_unknown_notedeck_yaml_key_is_one_line_exit_1(notes_tree, tmp_path):
    root = notes_tree({"notedeck.yaml": "extractor: [explicit]\nreverse: true\n", "a.md": "x\n"})
    result = _cli("build", str(root), "-o", str(tmp_path / "decks"))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert "notedeck.yaml: unknown keys 'extractor', 'reverse' (valid: " in lines[0]
    assert all(key in lines[0] for key in GLOBAL_KEYS)
    assert not (tmp_path / "decks").exists()


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"notedeck.yaml": "extractors: [explicit, concept]\n", "a.md": "x\n"},
            "unknown extractor 'concept' (valid: explicit, definitions, lists, tables, concepts)",
        ),
        (
            {"a.md": "---\nbook: B\n---\n<!-- notedeck: skp -->\nOmicron::15th\n"},
            "a.md:4: unknown notedeck marker 'skp' (valid: skip, skip-section, keep)",
        ),
        (
            {"a.md": "---\nbook: B\nnotedeck: [skip]\n---\nx\n"},
            "a.md:3: 'notedeck:' must be 'skip' or a mapping of options (valid: ",
        ),
    ],
)
def test_cli_other_option_errors_name_the_valid_values(notes_tree, tmp_path, files, expected):
    root = notes_tree(files)
    result = _cli("build", str(root), "-o", str(tmp_path / "decks"))
    assert result.returncode == 1
    assert expected in result.stderr and "Traceback" not in result.stderr
    assert len([line for line in result.stderr.splitlines() if expected in line]) == 1


def test_reversed_definitions_never_show_the_term_they_ask_for(notes_tree, anki_collection):
    root = notes_tree(
        {
            "greek.md": """\
            ---
            book: Greek
            notedeck:
              reverse_definitions: true
            ---
            ## Letters

            **Omega** is the last letter of the Greek alphabet.
        """,
        }
    )
    report, cards = build_and_import(root, anki_collection)
    assert not report.errors
    omega = find(cards, "Omega")
    reverse = next(c for c in anki_collection_cards(anki_collection) if c[1] == 1)
    assert "omega" not in reverse[0].lower()  # card 2 asks from the definition alone
    assert "last letter of the Greek alphabet" in reverse[0]
    assert omega and "…" in omega[0].fields["Back"]


def anki_collection_cards(anki):
    """(question text, template ord) for every card in the collection."""
    from anki.utils import strip_html

    out = []
    for cid in anki.col.find_cards(""):
        card = anki.col.get_card(cid)
        question = card.render_output().question_text
        out.append((strip_html(question.split('class="nd-question">', 1)[-1]), card.ord))
    return out


def test_front_matter_switches_single_extractors_on_and_off(notes_tree, anki_collection):
    root = notes_tree(
        {
            "notedeck.yaml": "extractors: [explicit, definitions, lists, concepts]\n",
            "mix.md": """\
            ---
            book: Mix
            notedeck:
              extractors: {concepts: off, tables: on}
            ---
            ## Lambda architecture

            The Lambda architecture runs a batch layer and a speed layer side by side.

            | Engine | Model |
            |---|---|
            | Spark | batch |

            **Kappa**: one streaming layer for everything.
        """,
        }
    )
    report, cards = build_and_import(root, anki_collection)
    assert not report.errors
    kinds = sorted(r.card.kind for book in report.books for r in book.cards)
    assert kinds == ["definition", "table"]  # concepts off, tables on against notedeck.yaml


def test_extractor_switch_must_be_on_or_off(notes_tree):
    root = notes_tree(
        {"a.md": "---\nbook: B\nnotedeck:\n  extractors: {concepts: maybe}\n---\nx\n"}
    )
    result = _cli("build", str(root), "-o", str(root.parent / "d"))
    assert result.returncode == 1
    assert "error: a.md:3: extractor 'concepts' must be on or off" in result.stderr
