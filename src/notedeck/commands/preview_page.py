"""``notedeck preview --html FILE``: one self-contained page to flip through the cards.

No CDN, no external file: the CSS and a small script are inline, images are embedded as
``data:`` URIs, and a Content-Security-Policy forbids any network access, so the page works from
``file://`` and offline.  Without JavaScript it is a plain list (answers shown); with it, one card
at a time, flipped with Space or a click, chosen by book and chapter.

Card fields are the same nh3-sanitized HTML that goes into the deck.
"""

from __future__ import annotations

import base64
import html
import mimetypes
import re
from collections.abc import Callable
from pathlib import Path

from notedeck.commands.preview import CLOZE
from notedeck.model import RenderedCard

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
# The scan of a tag stops at the next "<" (``[^>]*?`` ran to the end from every unclosed "<img").
IMG_SRC = re.compile(r'(<img\b[^<>]*?\bsrc=")([^"]*)(")')

STYLE = """
:root { --fg:#1d2330; --muted:#667085; --line:#d0d5dd; --accent:#2f6feb; --card:#fff; --bg:#f3f4f6; }
* { box-sizing: border-box; }
body { margin:0; font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; color:var(--fg); background:var(--bg); }
header { position:sticky; top:0; background:#fff; border-bottom:1px solid var(--line); padding:.6rem 1rem; z-index:1; }
header h1 { font-size:1.05rem; margin:0 0 .4rem; }
nav { display:flex; flex-wrap:wrap; gap:.5rem; align-items:center; }
nav select, nav button { font:inherit; padding:.25rem .6rem; border:1px solid var(--line); border-radius:6px; background:#fff; }
nav button:hover { border-color:var(--accent); }
#counter { color:var(--muted); margin-left:auto; }
main { max-width:52rem; margin:1rem auto; padding:0 1rem; }
h2 { margin:1.6rem 0 .4rem; } h3 { margin:1.2rem 0 .4rem; color:var(--muted); font-size:1rem; }
.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:1rem 1.2rem; margin:.8rem 0; }
.meta { font-size:.8rem; color:var(--muted); display:flex; gap:.6rem; flex-wrap:wrap; }
.kind { text-transform:uppercase; letter-spacing:.04em; color:var(--accent); }
.front { font-size:1.15rem; font-weight:600; margin:.5rem 0; }
.back { border-top:1px dashed var(--line); padding-top:.5rem; }
.cloze { color:var(--accent); font-weight:700; }
table { border-collapse:collapse; } th, td { border:1px solid var(--line); padding:.2rem .5rem; vertical-align:top; }
img { max-width:100%; }
pre { overflow:auto; background:#f6f8fa; padding:.5rem; border-radius:6px; }
.flip .card { display:none; min-height:14rem; cursor:pointer; }
.flip .card.current { display:block; }
.flip .card:not(.shown) .back { display:none; }
.flip h2, .flip h3 { display:none; }
.hint { color:var(--muted); font-size:.85rem; }
@media (prefers-color-scheme: dark) {
  :root { --fg:#e6e6e6; --muted:#9aa4b2; --line:#3a3f4b; --card:#1f232b; --bg:#15181e; }
  header, nav select, nav button { background:#1f232b; color:var(--fg); } pre { background:#111; }
}
"""  # noqa: E501

SCRIPT = """
(function () {
  var root = document.documentElement, cards = [].slice.call(document.querySelectorAll('.card'));
  var bookSel = document.getElementById('book'), chapterSel = document.getElementById('chapter');
  var counter = document.getElementById('counter'), visible = cards, pos = 0;
  root.classList.add('flip');
  function chapters() {
    var seen = {}, book = bookSel.value;
    chapterSel.length = 1;
    cards.forEach(function (c) {
      if ((book === '' || c.dataset.book === book) && !seen[c.dataset.deck]) {
        seen[c.dataset.deck] = true;
        chapterSel.add(new Option(c.dataset.chapter || c.dataset.book, c.dataset.deck));
      }
    });
  }
  function select() {
    var book = bookSel.value, deck = chapterSel.value;
    visible = cards.filter(function (c) {
      return (book === '' || c.dataset.book === book) && (deck === '' || c.dataset.deck === deck);
    });
    pos = 0; show();
  }
  function show() {
    cards.forEach(function (c) { c.classList.remove('current', 'shown'); });
    if (visible.length) { visible[pos].classList.add('current'); }
    counter.textContent = visible.length ? (pos + 1) + ' / ' + visible.length : 'no cards';
  }
  function move(step) { if (visible.length) { pos = (pos + step + visible.length) % visible.length; show(); } }
  function flip() { if (visible.length) { visible[pos].classList.toggle('shown'); } }
  bookSel.addEventListener('change', function () { chapters(); select(); });
  chapterSel.addEventListener('change', select);
  document.getElementById('prev').addEventListener('click', function () { move(-1); });
  document.getElementById('next').addEventListener('click', function () { move(1); });
  document.getElementById('flipbtn').addEventListener('click', flip);
  document.getElementById('list').addEventListener('click', function () { root.classList.toggle('flip'); });
  cards.forEach(function (c) { c.addEventListener('click', function (e) { if (!e.target.closest('a')) flip(); }); });
  document.addEventListener('keydown', function (e) {
    if (e.target.tagName === 'SELECT') return;
    if (e.key === ' ' || e.key === 'Enter') { e.preventDefault(); flip(); }
    else if (e.key === 'ArrowRight' || e.key === 'j') { move(1); }
    else if (e.key === 'ArrowLeft' || e.key === 'k') { move(-1); }
  });
  chapters(); select();
})();
"""  # noqa: E501


def build_page(
    cards: list[RenderedCard],
    media: dict[str, Path],
    deck_name: Callable[[RenderedCard], str],
    title: str = "notedeck preview",
) -> str:
    """The whole page as one string."""
    groups: dict[str, dict[str, list[RenderedCard]]] = {}
    for rendered in cards:
        groups.setdefault(rendered.card.book, {}).setdefault(deck_name(rendered), []).append(
            rendered
        )
    embed = _embedder(media)
    body = []
    for book in sorted(groups):
        body.append(f'<section class="book" data-book="{_attr(book)}"><h2>{html.escape(book)}</h2>')
        for deck, in_deck in groups[book].items():
            chapter = deck.split("::", 1)[1] if "::" in deck else ""
            if chapter:
                body.append(f"<h3>{html.escape(chapter)}</h3>")
            body.extend(_card(r, deck, chapter, embed) for r in in_deck)
        body.append("</section>")
    options = "".join(
        f'<option value="{_attr(b)}">{html.escape(b)}</option>' for b in sorted(groups)
    )
    count = f"{len(cards)} card{'s' if len(cards) != 1 else ''}"
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="notedeck">
<title>{html.escape(title)} — {count}</title>
<style>{STYLE}</style>
</head>
<body>
<header>
<h1>{html.escape(title)} — {count}</h1>
<nav>
<select id="book" aria-label="Book"><option value="">All books</option>{options}</select>
<select id="chapter" aria-label="Chapter"><option value="">All chapters</option></select>
<button id="prev" type="button">← Prev</button>
<button id="flipbtn" type="button">Flip (Space)</button>
<button id="next" type="button">Next →</button>
<button id="list" type="button">List / cards</button>
<span id="counter"></span>
</nav>
<p class="hint">Space or click flips a card, ← → move, the menus choose a book and chapter.</p>
</header>
<main>
{chr(10).join(body)}
</main>
<script>{SCRIPT}</script>
</body>
</html>
"""


def _card(rendered: RenderedCard, deck: str, chapter: str, embed: Callable[[str], str]) -> str:
    card = rendered.card
    front, back = rendered.front, rendered.back
    if card.note_type == "cloze":
        front = CLOZE.sub(
            lambda m: f'<span class="cloze">[{m.group(3) or "…"}]</span>', rendered.front
        )
        filled = CLOZE.sub(lambda m: f'<span class="cloze">{m.group(2)}</span>', rendered.front)
        back = filled + (f"<hr>{back}" if back else "")
    return (
        f'<article class="card" data-book="{_attr(card.book)}" data-deck="{_attr(deck)}" '
        f'data-chapter="{_attr(chapter)}" data-kind="{_attr(card.kind)}" '
        f'data-guid="{_attr(card.guid)}">'
        f'<div class="meta"><span class="kind">{html.escape(card.kind)}</span>'
        f'<span class="crumb">{rendered.context}</span>'
        f'<span class="src">{rendered.source}</span></div>'
        f'<div class="front">{embed(front)}</div><div class="back">{embed(back)}</div></article>'
    )


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def _embedder(media: dict[str, Path]) -> Callable[[str], str]:
    """Replace packed media names in ``<img src>`` with data: URIs (each file read once)."""
    cache: dict[str, str] = {}

    def data_uri(name: str) -> str:
        if name not in cache:
            path = media.get(html.unescape(name))
            if path is None:
                cache[name] = ""
            else:
                mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                cache[name] = f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode()}"
        return cache[name]

    def embed(fragment: str) -> str:
        return IMG_SRC.sub(lambda m: m.group(1) + data_uri(m.group(2)) + m.group(3), fragment)

    return embed
