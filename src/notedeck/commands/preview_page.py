"""``notedeck preview --html FILE``: one self-contained page to flip through the cards.

No CDN, no external file: the CSS and a small script are inline, images are embedded as
``data:`` URIs, math is MathML (``mathml.py``: browsers draw it themselves), and a
Content-Security-Policy forbids any network access, so the page works from ``file://`` and
offline.  Progressive enhancement: without JavaScript it is a plain list (answers shown) with a
table of contents that works as links, and no control that would do nothing; the script adds the
menus (book, chapter, kind, search — applied to the list and to the one-card-at-a-time view
alike) and keeps them in the address's ``#fragment``, so a filtered page can be bookmarked.

Card fields are the same nh3-sanitized HTML that goes into the deck.
"""

from __future__ import annotations

import base64
import html
import mimetypes
import re
from collections.abc import Callable
from pathlib import Path

from notedeck.commands.mathml import render_math
from notedeck.commands.preview import CLOZE
from notedeck.commands.preview_assets import SCRIPT, STYLE
from notedeck.model import RenderedCard

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
# The scan of a tag stops at the next "<" (``[^>]*?`` ran to the end from every unclosed "<img").
IMG_SRC = re.compile(r'(<img\b[^<>]*?\bsrc=")([^"]*)(")')


def build_page(
    cards: list[RenderedCard],
    media: dict[str, Path],
    deck_name: Callable[[RenderedCard], str],
    title: str = "notedeck preview",
) -> str:
    """The whole page as one string: books and their chapters in natural order (Chapter 2
    before Chapter 10), each chapter's cards in note order."""
    groups: dict[str, dict[str, list[RenderedCard]]] = {}
    for rendered in cards:
        groups.setdefault(rendered.card.book, {}).setdefault(deck_name(rendered), []).append(
            rendered
        )
    embed = _embedder(media)
    body, toc = [], []
    for n, book in enumerate(sorted(groups, key=natural_key)):
        anchor = f"b{n + 1}"
        links = [f'<a href="#{anchor}">{html.escape(book)}</a>']
        body.append(
            f'<section class="book" id="{anchor}" data-book="{_attr(book)}">'
            f"<h2>{html.escape(book)}</h2>"
        )
        for m, deck in enumerate(sorted(groups[book], key=natural_key)):
            chapter = deck.split("::", 1)[1] if "::" in deck else ""
            body.append(
                f'<section class="chapter" id="{anchor}c{m + 1}" data-deck="{_attr(deck)}">'
            )
            if chapter:
                body.append(f"<h3>{html.escape(chapter)}</h3>")
                links.append(f'<a href="#{anchor}c{m + 1}">{html.escape(chapter)}</a>')
            body.extend(_card(r, deck, chapter, embed) for r in groups[book][deck])
            body.append("</section>")
        body.append("</section>")
        toc.append(f"<li>{' · '.join(links)}</li>")
    books = "".join(
        f'<option value="{_attr(b)}">{html.escape(b)}</option>'
        for b in sorted(groups, key=natural_key)
    )
    kinds = "".join(
        f'<option value="{_attr(k)}">{html.escape(k)}</option>'
        for k in sorted({r.card.kind for r in cards})
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
<ul class="toc">{"".join(toc)}</ul>
<form id="filters" role="search" hidden>
<select id="book" aria-label="Book"><option value="">All books</option>{books}</select>
<select id="chapter" aria-label="Chapter"><option value="">All chapters</option></select>
<select id="kind" aria-label="Kind"><option value="">All kinds</option>{kinds}</select>
<input id="search" type="search" placeholder="Search" aria-label="Search the cards">
<button id="prev" class="flip-only" type="button">← Prev</button>
<button id="flipbtn" class="flip-only" type="button">Flip (Space)</button>
<button id="next" class="flip-only" type="button">Next →</button>
<button id="list" type="button">List / cards</button>
<span id="counter" aria-live="polite"></span>
</form>
<p class="hint" id="hint" hidden>Space or a click flips a card, ← → move; the menus and the search
choose the cards in both views.</p>
</header>
<main>
{chr(10).join(body)}
<p id="empty" hidden>No cards match.</p>
</main>
<script>{SCRIPT}</script>
</body>
</html>
"""


def natural_key(text: str) -> tuple:
    """Sort key reading runs of digits as numbers: "Chapter 2" before "Chapter 10"."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
        for part in re.split(r"(\d+)", text)
        if part
    )


def _card(rendered: RenderedCard, deck: str, chapter: str, embed: Callable[[str], str]) -> str:
    card = rendered.card
    front, back = render_math(rendered.front), render_math(rendered.back)
    if card.note_type == "cloze":
        hidden = CLOZE.sub(lambda m: f'<span class="cloze">[{m.group(3) or "…"}]</span>', front)
        filled = CLOZE.sub(lambda m: f'<span class="cloze">{m.group(2)}</span>', front)
        front = hidden
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
