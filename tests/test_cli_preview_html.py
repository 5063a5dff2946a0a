"""``preview --html``: one self-contained page, checked structurally (no browser needed)."""

from __future__ import annotations

import base64
from html.parser import HTMLParser

from click.testing import CliRunner

from cli_notes import PNG, QUESTIONS, make_notes
from notedeck.commands.cli import main


class Structure(HTMLParser):
    """Collects what the tests look at: cards, their parts, sections, resources, scripts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.cards: list[dict] = []
        self.books: list[str] = []
        self.headings: list[str] = []
        self.resources: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.meta: list[dict] = []
        self.scripts = 0
        self.part: str | None = None
        self.part_depth = 0
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attr = dict(attrs)
        if tag not in ("img", "meta", "br", "hr", "input", "link"):
            self.stack.append(tag)
        for name in ("src", "href", "action", "data"):
            if name in attr and tag not in ("article",):
                self.resources.append((tag, name, attr[name] or ""))
        if tag == "link":
            self.resources.append((tag, "href", attr.get("href") or ""))
        if tag == "meta":
            self.meta.append(attr)
        if tag == "script":
            self.scripts += 1
        if tag == "section" and "book" in (attr.get("class") or ""):
            self.books.append(attr["data-book"])
        if tag == "article":
            self.cards.append({**attr, "front": "", "back": "", "imgs": []})
        if tag == "div" and self.cards and attr.get("class") in ("front", "back"):
            self.part, self.part_depth = attr["class"], len(self.stack)
        if tag == "img" and self.cards:
            self.cards[-1]["imgs"].append(attr.get("src", ""))

    def handle_endtag(self, tag):
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
        if self.part and len(self.stack) < self.part_depth:
            self.part = None  # the front/back div closed

    def handle_data(self, data):
        if self.part and self.cards:
            self.cards[-1][self.part] += data
        if self.stack and self.stack[-1] in ("h2", "h3"):
            self.headings.append(data.strip())


def render_page(tmp_path, *args):
    notes = make_notes(tmp_path)
    page = tmp_path / "out" / "cards.html"
    page.parent.mkdir()
    result = CliRunner().invoke(main, ["preview", str(notes), "--html", str(page), "-q", *args])
    assert result.exit_code == 0, result.output
    parser = Structure()
    parser.feed(page.read_text(encoding="utf-8"))
    return page, parser


def test_page_has_every_card_grouped_by_book_and_chapter(tmp_path):
    page, doc = render_page(tmp_path)
    assert len(doc.cards) == len(QUESTIONS)
    assert {c["front"].strip() for c in doc.cards} == QUESTIONS
    assert doc.books == ["Cooking Basics", "Systems Design"]
    assert {"Cooking Basics", "Systems Design", "Chapter 1", "Chapter 2"} <= set(doc.headings)
    decks = {c["data-deck"] for c in doc.cards}
    assert decks == {"Cooking Basics::Chapter 2", "Systems Design::Chapter 1"}
    for card in doc.cards:
        assert card["data-kind"] and card["data-guid"] and card["back"].strip()
        assert card["data-deck"].startswith(card["data-book"])
    list_card = next(c for c in doc.cards if c["data-kind"] == "list")
    assert "consistency" in list_card["back"] and "partition tolerance" in list_card["back"]
    assert not list(page.parent.glob(".*tmp"))  # written atomically, nothing left behind


def test_page_is_self_contained_and_offline(tmp_path):
    page, doc = render_page(tmp_path)
    text = page.read_text(encoding="utf-8")
    csp = [m for m in doc.meta if m.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0]["content"]
    for tag, name, value in doc.resources:
        assert value.startswith(("data:", "#")), (
            f"<{tag} {name}={value!r}> would need the network or a file"
        )
    assert (
        "<link" not in text
        and "http://" not in text
        and "https://" not in text
        and "//cdn" not in text
    )
    assert doc.scripts == 1 and "<script src" not in text
    image_card = next(c for c in doc.cards if c["data-kind"] == "explicit")
    (src,) = image_card["imgs"]
    assert src == "data:image/png;base64," + base64.b64encode(PNG).decode()


def test_page_respects_filters_and_escapes_text(tmp_path):
    _, doc = render_page(tmp_path, "--book", "cooking")
    assert [c["data-book"] for c in doc.cards] == ["Cooking Basics", "Cooking Basics"]
    notes = tmp_path / "notes"
    (notes / "cooking" / "knife-skills.md").write_text(
        "---\nbook: Cooking Basics\nchapter: 2\n---\n\n# Knife skills\n\n"
        "A **chiffonade** is a cut of leaves into thin ribbons "
        "<script>alert(1)</script> by rolling them.\n",
        encoding="utf-8",
    )
    page = tmp_path / "again.html"
    result = CliRunner().invoke(main, ["preview", str(notes), "--html", str(page), "-q"])
    assert result.exit_code == 0
    text = page.read_text(encoding="utf-8")
    assert "alert(1)</script>" not in text and text.count("<script>") == 1


def test_cloze_cards_hide_on_the_front_and_reveal_on_the_back():
    from notedeck.commands.preview_page import build_page
    from notedeck.model import Card, RenderedCard

    front = "Capital of Italy: {{c1::Rome::city}}."
    card = Card("cloze", front, "", "k", "Geo", None, (), "geo.md", 3, note_type="cloze", guid="g")
    page = build_page([RenderedCard(card, front, "", "Geo", "geo.md:3")], {}, lambda r: "Geo")
    doc = Structure()
    doc.feed(page)
    (parsed,) = doc.cards
    assert parsed["front"] == "Capital of Italy: [city]."
    assert parsed["back"] == "Capital of Italy: Rome."
    assert '<span class="cloze">Rome</span>' in page and "{{c1::" not in page
