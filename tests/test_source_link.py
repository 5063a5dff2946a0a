"""``source_link``: the card's Source field links back to the note — checked templates, escaped
values, real Anki showing the link, a changed template refreshing the cards, and the removed-card
search still finding cards whose Source is a link."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import build_notes, write_notes
from notedeck.build.render.card import MediaContext, markdown_to_html, render_card
from notedeck.commands.cli import main
from notedeck.config import load_config
from notedeck.model import Card
from notedeck.pipeline import removed_search
from notedeck.text.links import LinkTemplateError, check_link_template

OBSIDIAN = "obsidian://open?vault={vault}&file={path}"
VSCODE = "vscode://file/{abspath}:{line}"


def vault(tmp_path: Path, template: str | None, files: dict[str, str] | None = None) -> Path:
    notes = tmp_path / "My Vault"
    (notes / ".obsidian").mkdir(parents=True)
    config = f"source_link: '{template}'\n" if template is not None else ""
    return write_notes(
        notes,
        {
            "notedeck.yaml": config,
            "Books/a&b #1.md": "---\nbook: Greek\n---\n\nAlpha::the first letter\n\nBeta::second\n",
            **(files or {}),
        },
    )


def fields_in_anki(anki_collection, deck: Path) -> dict[str, str]:
    anki_collection.import_apkg(deck)
    col = anki_collection.col
    return {col.get_note(n)["Front"]: col.get_note(n)["Source"] for n in col.find_notes("")}


def test_obsidian_links_reach_anki_escaped(tmp_path, anki_collection):
    notes = vault(tmp_path, OBSIDIAN)
    report = build_notes(notes, tmp_path / "decks")
    (book,) = report.books
    sources = fields_in_anki(anki_collection, book.deck_path)
    assert sources["Alpha"] == (
        '<a href="obsidian://open?vault=My%20Vault&amp;file=Books%2Fa%26b%20%231.md">'
        "Books/a&amp;b #1.md:5</a>"
    )
    card = anki_collection.col.get_card(anki_collection.col.find_cards("Alpha")[0])
    assert 'href="obsidian://open?vault=My%20Vault&amp;file=' in card.render_output().answer_text


def test_vscode_links_take_the_absolute_path_and_line(tmp_path):
    notes = vault(tmp_path, VSCODE)
    config = load_config(notes, tmp_path / "decks")
    url = config.source_link.url("Books/a&b #1.md", 7)
    absolute = (notes / "Books" / "a&b #1.md").resolve().as_posix().lstrip("/")
    assert (
        url
        == "vscode://file/"
        + absolute.replace(" ", "%20").replace("&", "%26").replace("#", "%23")
        + ":7"
    )


def test_the_vault_is_the_nearest_folder_with_dot_obsidian(tmp_path):
    notes = vault(tmp_path, None)
    sub = notes / "Books"
    link = check_link_template(OBSIDIAN, sub)
    assert link.vault_root == notes.resolve()
    assert link.url("a.md", 1) == "obsidian://open?vault=My%20Vault&file=Books%2Fa.md"
    plain = tmp_path / "plain"
    plain.mkdir()
    if not any((p / ".obsidian").is_dir() for p in plain.resolve().parents):
        assert check_link_template(OBSIDIAN, plain).vault_root == plain.resolve()


def test_no_template_is_plain_text(tmp_path):
    notes = vault(tmp_path, None)
    (book,) = build_notes(notes, tmp_path / "decks").books
    assert {r.source for r in book.cards} == {"Books/a&amp;b #1.md:5", "Books/a&amp;b #1.md:7"}
    for off in ("none", "", "off"):
        assert check_link_template(off, notes) is None


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("javascript:alert({path})", "scheme 'javascript' is not allowed (allowed: cursor, http,"),
        ("obsidian://open?file={file}", "unknown placeholder {file} (valid: {vault}, {path}, "),
        ("obsidian://open?vault={vault}", "needs {path} or {abspath}"),
        ("vscode://file/{abspath:>10}", "without a format"),
        ("{path}", "must start with a scheme"),
        ('vscode://file/{abspath}" onclick="x', "may not contain spaces, quotes"),
        ("obsidian://open?file={path", "expected '}'"),
    ],
)
def test_bad_templates_are_one_clear_line(tmp_path, template, message):
    with pytest.raises(LinkTemplateError, match=None) as caught:
        check_link_template(template, tmp_path)
    assert message in str(caught.value)


def test_a_bad_template_stops_the_build_with_one_line(tmp_path):
    notes = vault(tmp_path, "javascript:alert({path})")
    result = subprocess.run(
        [sys.executable, "-m", "notedeck", "build", str(notes), "-o", str(tmp_path / "d")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: ") and "notedeck.yaml: source_link scheme 'javascript'" in line
    assert not (tmp_path / "d").exists()


def test_a_new_template_refreshes_every_card_in_anki(tmp_path, anki_collection):
    notes = vault(tmp_path, None)
    decks = tmp_path / "decks"
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(notes), "-o", str(decks), "-q"]).exit_code == 0
    deck = decks / "greek.apkg"
    anki_collection.import_apkg(deck)
    (notes / "notedeck.yaml").write_text(f"source_link: '{VSCODE}'\n", encoding="utf-8")
    rebuilt = runner.invoke(main, ["build", str(notes), "-o", str(decks)])
    assert rebuilt.exit_code == 0
    assert "+0 new  ~0 changed  −0 removed" in rebuilt.output  # nothing the learner reads
    log = anki_collection.import_apkg(deck)
    assert len(log.updated) == 2  # … yet the Source field reaches Anki
    col = anki_collection.col
    sources = [col.get_note(n)["Source"] for n in col.find_notes("")]
    assert all(s.startswith('<a href="vscode://file/') for s in sources)


def test_removed_cards_are_still_found_when_the_source_is_a_link(tmp_path, anki_collection):
    notes = vault(tmp_path, OBSIDIAN)
    decks = tmp_path / "decks"
    (book,) = build_notes(notes, decks).books
    anki_collection.import_apkg(book.deck_path)
    note = notes / "Books" / "a&b #1.md"
    note.write_text(note.read_text(encoding="utf-8").replace("Beta::second\n", ""), "utf-8")
    (book,) = build_notes(notes, decks).books
    assert [c.question for c in book.removed] == ["Beta"]
    found = anki_collection.col.find_notes(removed_search(book.removed))
    assert [anki_collection.col.get_note(n)["Front"] for n in found] == ["Beta"]


def test_links_in_notes_keep_app_schemes_and_lose_dangerous_ones(tmp_path):
    html = markdown_to_html(
        "See [the note](obsidian://open?vault=v&file=a) and [x](javascript:f())"
    )
    assert 'href="obsidian://open?vault=v&amp;file=a"' in html
    assert "javascript" not in html
    # an image is only ever a packed file or an http(s) URL: app schemes are for links
    card = Card(
        "explicit", "Q", "![pic](obsidian://open?file=x.png) **b**", "q", "B", None, (), "a.md", 1
    )
    rendered, warnings, files = render_card(card, MediaContext(tmp_path, tmp_path))
    assert "<img" not in rendered.back and "obsidian" not in rendered.back and not files
    assert [w.code for w in warnings] == ["image"]
