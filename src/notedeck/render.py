"""Markdown → safe HTML for Anki fields.

One MarkdownIt instance renders every field: CommonMark + tables + strikethrough + ``$…$`` math
(turned into Anki's MathJax ``\\(…\\)`` / ``\\[…\\]``), Pygments-highlighted code with inline
styles (no network, no CSS classes to ship), Obsidian ``==highlights==`` and ``[[wikilinks]]``.
The result always passes through nh3, so no script, event handler or ``javascript:`` link in a
note can reach a card.  Images are resolved inside the notes root only and packed as media.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import nh3
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

from .model import Card, RenderedCard, Warning_

ALLOWED_TAGS = {
    "a", "b", "strong", "i", "em", "u", "s", "del", "code", "pre", "p", "br", "hr", "ul", "ol", "li",
    "table", "thead", "tbody", "tr", "th", "td", "blockquote", "span", "div", "img", "sub", "sup",
    "mark", "h1", "h2", "h3", "h4", "h5", "h6", "dl", "dt", "dd", "kbd",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "span": {"style", "class"},
    "pre": {"style", "class"},
    "div": {"style", "class"},
    "code": {"class"},
    "ol": {"start"},
    "td": {"style"},
    "th": {"style"},
}
STYLE_PROPERTIES = {"color", "background-color", "font-weight", "font-style", "text-decoration", "text-align"}

WIKI_EMBED = re.compile(r"!\[\[([^\]|#]+)(?:#[^\]|]*)?(?:\|([^\]]*))?\]\]")
WIKI_LINK = re.compile(r"(?<!!)\[\[([^\]|#]*)(?:#([^\]|]*))?(?:\|([^\]]*))?\]\]")
HIGHLIGHT = re.compile(r"==(?=\S)(.+?)(?<=\S)==")
IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]*)(")')
CLOZE = re.compile(r"\{\{c\d+::.*?\}\}", re.DOTALL)
PDF_BREAK = re.compile(r"(\w)[\u00ad\u2010-] +(?=[a-z])")


@dataclass(frozen=True)
class MediaContext:
    """Where a card's images may come from: the notes root and the note's own folder."""

    notes_dir: Path
    note_dir: Path


@lru_cache(maxsize=1)
def _md() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "highlight": _highlight})
    md.enable(["table", "strikethrough"])
    md.use(dollarmath_plugin, allow_space=False, allow_digits=False, double_inline=True)
    md.add_render_rule("math_inline", lambda self, tokens, idx, options, env: _math(tokens[idx].content, False))
    md.add_render_rule("math_inline_double", lambda self, tokens, idx, options, env: _math(tokens[idx].content, True))
    md.add_render_rule("math_block", lambda self, tokens, idx, options, env: _math(tokens[idx].content, True) + "\n")
    md.add_render_rule("math_block_label", lambda self, tokens, idx, options, env: _math(tokens[idx].content, True) + "\n")
    return md


def _math(content: str, display: bool) -> str:
    body = html.escape(content.strip(), quote=False)
    return f"\\[{body}\\]" if display else f"\\({body}\\)"


def _highlight(code: str, lang: str, attrs: str) -> str:
    """Pygments with inline styles, so the card needs no stylesheet and works offline."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import TextLexer, get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        lexer = get_lexer_by_name(lang) if lang else TextLexer()
    except ClassNotFound:
        lexer = TextLexer()
    return highlight(code, lexer, HtmlFormatter(noclasses=True, nowrap=False, style="friendly"))


def markdown_to_html(text: str, inline: bool = False) -> str:
    """Render and sanitize one field's markdown."""
    text = _obsidian(text)
    plain = _plain_html(text, inline)
    if plain is not None:
        return plain
    if inline and "\n" not in text.strip():
        rendered = _md().renderInline(text.strip())
    else:
        rendered = _md().render(text)
    rendered = rendered.replace("&lt;mark&gt;", "<mark>").replace("&lt;/mark&gt;", "</mark>")
    return sanitize(rendered).strip()


# Fast path (most questions and many answers are plain prose): text without any character that
# markdown, HTML, entities, math or line structure react to — nor U+00A0, which nh3 writes as
# &nbsp; — renders to itself, or to one <p>.  Skipping markdown-it and nh3 for it halves render
# time; tests/test_speed.py checks it against the full path.
_NOT_PLAIN = re.compile(r"[\\`*_\[\]!<>&$=~|#{}^@\"\x00-\x1f\x7f\x85\xa0\u2028\u2029]")


def _plain_html(text: str, inline: bool) -> str | None:
    if not text or text != text.strip() or _NOT_PLAIN.search(text):
        return None
    if inline:
        return text
    return None if text[0] in "-+0123456789" else f"<p>{text}</p>"


def sanitize(fragment: str) -> str:
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        clean_content_tags={"script", "style"},
        url_schemes={"http", "https", "mailto"},
        filter_style_properties=STYLE_PROPERTIES,
        link_rel="noopener noreferrer",
    )


def _obsidian(text: str) -> str:
    """Obsidian syntax → CommonMark: embeds become images, wikilinks plain text, ==x== marks."""
    text = PDF_BREAK.sub(r"\1", text)
    text = WIKI_EMBED.sub(lambda m: f"![{m.group(2) or ''}](<{m.group(1).strip()}>)", text)
    text = WIKI_LINK.sub(lambda m: m.group(3) or m.group(1) or m.group(2) or "", text)
    return HIGHLIGHT.sub(r"<mark>\1</mark>", text)


def render_card(card: Card, media: MediaContext) -> tuple[RenderedCard, list[Warning_], dict[str, Path]]:
    """The card's fields as HTML, the media files it references, and any warnings."""
    warnings: list[Warning_] = []
    files: dict[str, Path] = {}
    if card.note_type == "cloze":
        front = _render_cloze(card.question)
        back = markdown_to_html(card.answer) if card.answer else ""
    else:
        front = markdown_to_html(card.question, inline=True)
        back = markdown_to_html(card.answer)
    front = _resolve_images(front, card, media, warnings, files)
    back = _resolve_images(back, card, media, warnings, files)
    context = html.escape(breadcrumb(card))
    rendered = RenderedCard(card, front, back, context, html.escape(card.location), tuple(sorted(files)))
    return rendered, warnings, files


def breadcrumb(card: Card) -> str:
    """Book › Chapter N › Section › Subsection — headings that repeat the book or chapter dropped."""
    chapter = _chapter(card)
    parts = [card.book, chapter]
    for heading in card.context:
        folded = heading.casefold()
        if heading and card.book.casefold() not in folded and not (chapter and chapter.casefold() in folded):
            parts.append(heading)
    return " › ".join(p for p in parts if p)


def _chapter(card: Card) -> str:
    if not card.chapter:
        return ""
    return f"Chapter {card.chapter}" if card.chapter[:1].isdigit() else card.chapter


def _render_cloze(text: str) -> str:
    """Protect ``{{cN::…}}`` markers from markdown, render, then restore them."""
    markers: list[str] = []

    def keep(match: re.Match) -> str:
        markers.append(match.group(0))
        return f"\x00{len(markers) - 1}\x00"

    rendered = markdown_to_html(CLOZE.sub(keep, text), inline=True)
    return re.sub(r"\x00(\d+)\x00", lambda m: html.escape(markers[int(m.group(1))], quote=False), rendered)


def _resolve_images(fragment: str, card: Card, media: MediaContext, warnings: list[Warning_],
                    files: dict[str, Path]) -> str:
    def replace(match: re.Match) -> str:
        src = html.unescape(match.group(2))
        if re.match(r"^[a-z]+:", src, re.IGNORECASE):
            return match.group(0)  # remote image: Anki fetches it itself
        path = find_media(src, media)
        if path is None:
            warnings.append(Warning_(f"image not found or outside the notes folder: {src}", card.source, card.line))
            return match.group(1) + match.group(3)
        name = media_name(path)
        files[name] = path
        return match.group(1) + html.escape(name) + match.group(3)

    out = IMG_SRC.sub(replace, fragment)
    return re.sub(r'<img\b[^>]*\bsrc=""[^>]*>', "", out)


def find_media(src: str, media: MediaContext) -> Path | None:
    """A file under the notes root: relative to the note, the root, or (Obsidian) by name."""
    src = src.strip().strip("<>")
    if not src or src.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", src):
        return None
    root = media.notes_dir.resolve()
    for base in (media.note_dir, media.notes_dir):
        candidate = (base / src).resolve()
        if candidate.is_file() and root in candidate.parents:
            return candidate
    if "/" not in src:
        for candidate in sorted(root.rglob(src)):
            if candidate.is_file():
                return candidate
    return None


def media_name(path: Path) -> str:
    """Unique, stable media file name: two different images never share a name in Anki."""
    digest = hashlib.sha1(path.read_bytes()).hexdigest()[:8]
    return f"notedeck-{digest}-{path.name}"
