"""Markdown → safe HTML for Anki fields.

One MarkdownIt instance renders every field: CommonMark + tables + strikethrough + ``$…$`` math
(turned into Anki's MathJax ``\\(…\\)`` / ``\\[…\\]``), Pygments-highlighted code with inline
styles (no network, no CSS classes to ship), Obsidian ``==highlights==`` and ``[[wikilinks]]``.
The result always passes through nh3, so no script, event handler or ``javascript:`` link in a
note can reach a card.  Images are resolved inside the notes root only and packed as media.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path

import nh3
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

from notedeck.build.render.fast import clean, simple_html
from notedeck.build.render.fast import (
    plain_html as _plain_html,  # tests/test_speed.py patches it here
)
from notedeck.build.render.media import MediaContext, locate, media_name
from notedeck.model import Card, Problem, RenderedCard
from notedeck.text.code import outside_code
from notedeck.text.links import LINK_SCHEMES, SourceLink
from notedeck.text.media import is_image_name, is_sound_name
from notedeck.text.patterns import HIGHLIGHT, WIKI_EMBED, WIKI_LINK
from notedeck.text.prose import join_pdf_breaks

__all__ = ["MediaContext", "breadcrumb", "markdown_to_html", "render_card", "sanitize"]

ALLOWED_TAGS = {
    "a", "b", "strong", "i", "em", "u", "s", "del", "code", "pre", "p", "br", "hr", "ul", "ol",
    "li", "table", "thead", "tbody", "tr", "th", "td", "blockquote", "span", "div", "img", "sub",
    "sup", "mark", "h1", "h2", "h3", "h4", "h5", "h6", "dl", "dt", "dd", "kbd",
}  # fmt: skip
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
STYLE_PROPERTIES = {
    "color", "background-color", "font-weight", "font-style", "text-decoration", "text-align",
}  # fmt: skip
# Tag names that are HTML: anything else in angle brackets (``List<String>``, ``<name>``) is text.
HTML_ELEMENTS = ALLOWED_TAGS | {
    "script", "style", "iframe", "object", "embed", "form", "input", "button", "textarea",
    "select", "option", "link", "meta", "base", "svg", "math", "video", "audio", "source",
    "frame", "frameset", "applet", "html", "head", "body", "title", "center", "font", "small",
    "big", "abbr", "cite", "q", "samp", "var", "ins", "figure", "figcaption", "details",
    "summary", "section", "article", "aside", "nav", "header", "footer", "main", "caption",
    "colgroup", "col", "tfoot", "label", "fieldset", "legend", "noscript", "template", "canvas",
    "picture", "wbr", "time", "dfn", "strike", "tt",
}  # fmt: skip
HTML_TAG_NAME = re.compile(r"^</?([A-Za-z][A-Za-z0-9-]*)")
CODE_STYLE = "friendly"

# Bounded spans keep a long line of unclosed "[[" or "==" linear (notedeck issue 7).
# Linear forms: a run of spaces is tried from its first space only and never given back (the
# plain ``[ \t]+(…)`` retried every later space of a long run), and a tag's scan stops at the
# next "<" (``<img\b[^>]*>`` scanned to the end of the text from every unclosed "<img").
TRAILING_SPACE = re.compile(r"(?<![ \t])[ \t]++(</p>|</li>|</td>|$)")
IMG_TAG = re.compile(r"<img\b[^<>]*+>")
IMG_SRC = re.compile(r'\bsrc="([^"]*)"')
EMBED_SIZE = re.compile(r"^\s*(\d+)(?:\s*x\s*(\d+))?\s*$")
# What text.join_pdf_breaks needs to join a word (its _PDF_BREAK: a hyphen, then a space).
MAY_JOIN = re.compile("[\u00ad\u2010-] ")


@lru_cache(maxsize=1)
def _md() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "linkify": False, "highlight": _highlight})
    md.enable(["table", "strikethrough"])
    md.use(dollarmath_plugin, allow_space=False, allow_digits=False, double_inline=True)
    md.validateLink = lambda url: True  # nh3 drops unsafe schemes; the link text stays readable
    for name, display in (("math_inline", False), ("math_inline_double", True)):
        md.add_render_rule(name, _rule(lambda content, display=display: _math(content, display)))
    for name in ("math_block", "math_block_label"):
        md.add_render_rule(name, _rule(lambda content: _math(content, True) + "\n"))
    md.add_render_rule("html_inline", _rule(_raw_html))
    md.add_render_rule("html_block", _rule(_raw_html))
    return md


def _rule(render):
    """A markdown-it render rule that only needs the token's content."""
    return lambda self, tokens, idx, options, env: render(tokens[idx].content)


def _math(content: str, display: bool) -> str:
    body = html.escape(content.strip(), quote=False)
    return f"\\[{body}\\]" if display else f"\\({body}\\)"


def _raw_html(content: str) -> str:
    """Real HTML tags pass on to nh3 (which keeps the safe ones); ``List<String>`` stays text."""
    match = HTML_TAG_NAME.match(content.lstrip())
    if content.lstrip().startswith("<!--") or (match and match.group(1).lower() in HTML_ELEMENTS):
        return content
    return html.escape(content, quote=False)


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
    formatter = HtmlFormatter(noclasses=True, nowrap=True, style=CODE_STYLE)
    background = formatter.style.background_color or "#f8f8f8"
    body = highlight(code, lexer, formatter)
    return f'<pre class="nd-code" style="background-color:{background}"><code>{body}</code></pre>\n'


def markdown_to_html(text: str, inline: bool = False) -> str:
    """Render and sanitize one field's markdown."""
    text = _obsidian(text)
    plain = _plain_html(text, inline)
    if plain is not None:
        return plain
    return _markup_html(text, inline)


# Fields repeat (one answer under several questions, a list asked about twice): rendering is
# pure, so the result is kept per exact text; plain prose above is cheaper than a lookup.
@lru_cache(maxsize=1 << 13)
def _markup_html(text: str, inline: bool) -> str:
    simple = simple_html(text, inline)
    return simple if simple is not None else _markdown_it_html(text, inline)


def _markdown_it_html(text: str, inline: bool) -> str:
    """The full path, which render_fast's shortcuts must agree with."""
    if inline and "\n" not in text.strip():
        rendered = _md().renderInline(text.strip())
    else:
        rendered = _md().render(text)
    return clean(rendered, text, sanitize).strip()


def sanitize(fragment: str) -> str:
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        clean_content_tags={"script", "style"},
        url_schemes=LINK_SCHEMES,  # an <img> with any but http(s) is resolved or dropped later
        filter_style_properties=STYLE_PROPERTIES,
        link_rel="noopener noreferrer",
    )


def _obsidian(text: str) -> str:
    """Obsidian syntax → CommonMark: embeds become images, wikilinks plain text, ==x== marks.
    Code is left alone: ``a[[0]]`` or ``x == y`` in code means exactly what it says."""
    # Every rewrite needs one of these markers, and pieces of ``text`` contain a marker only if
    # ``text`` does: without one, splitting out the code would hand back ``text`` unchanged.
    if "[[" not in text and "==" not in text and not MAY_JOIN.search(text):
        return text
    return outside_code(text, _obsidian_prose)


def _obsidian_prose(text: str) -> str:
    # Each rewrite runs only when its marker is present (the common case is none of them).
    text = join_pdf_breaks(text)
    if "[[" in text:
        text = WIKI_EMBED.sub(_embed, text)
        text = WIKI_LINK.sub(lambda m: m.group(3) or m.group(1) or m.group(2) or "", text)
    return HIGHLIGHT.sub(r"<mark>\1</mark>", text) if "==" in text else text


def _embed(match: re.Match) -> str:
    """``![[x.png|300]]`` → an image (300 px wide); ``![[x.mp3]]`` → Anki's ``[sound:x.mp3]``;
    ``![[Other note]]`` → its name as text."""
    target, label = match.group(1).strip(), (match.group(2) or "").strip()
    if is_sound_name(target):
        return sound_tag(target)
    if not is_image_name(target):
        return label or target
    size = EMBED_SIZE.match(label)
    if size:
        height = f' height="{size.group(2)}"' if size.group(2) else ""
        return f'<img src="{html.escape(target)}" width="{size.group(1)}"{height}>'
    return f"![{label}](<{target}>)"


def render_card(
    card: Card, media: MediaContext, link: SourceLink | None = None
) -> tuple[RenderedCard, list[Problem], dict[str, Path]]:
    """The card's fields as HTML, the media files it references, and any warnings; with a
    ``link`` template the Source field's ``file:line`` links back to the note."""
    warnings: list[Problem] = []
    files: dict[str, Path] = {}
    # Cloze markers {{c1::…::hint}} mean nothing to markdown, so they survive rendering intact
    # and may wrap formatting (``{{c1::**bold**}}``) or sit inside it (``**{{c1::x}}**``).
    front = markdown_to_html(card.question, inline=True)
    back = markdown_to_html(card.answer) if card.answer else ""
    front = _resolve_media(front, card, media, warnings, files)
    back = _resolve_media(back, card, media, warnings, files)
    context = _context_html(card.book, card.chapter, card.context)
    location = f"{_escaped(card.source)}:{card.line}"  # ":" and digits need no escaping
    if link is not None:
        location = f'<a href="{html.escape(link.url(card.source, card.line))}">{location}</a>'
    rendered = RenderedCard(card, front, back, context, location, tuple(sorted(files)))
    return rendered, warnings, files


# Every card of a section has the same breadcrumb, every card of a file the same source.
@lru_cache(maxsize=1 << 12)
def _context_html(book: str, chapter: str | None, context: tuple[str, ...]) -> str:
    return html.escape(_breadcrumb(book, chapter, context))


@lru_cache(maxsize=1 << 10)
def _escaped(text: str) -> str:
    return html.escape(text)


def breadcrumb(card: Card) -> str:
    """Book › Chapter N › Section › Subsection; headings repeating the book or chapter dropped."""
    return _breadcrumb(card.book, card.chapter, card.context)


def _breadcrumb(book: str, chapter: str | None, context: tuple[str, ...]) -> str:
    chapter = _chapter(chapter)
    parts = [book, chapter]
    for heading in context:
        folded = heading.casefold()
        if (
            heading
            and book.casefold() not in folded
            and not (chapter and chapter.casefold() in folded)
        ):
            parts.append(heading)
    return " › ".join(p for p in parts if p)


def _chapter(chapter: str | None) -> str:
    if not chapter:
        return ""
    return f"Chapter {chapter}" if chapter[:1].isdigit() else chapter


def sound_tag(target: str) -> str:
    """Anki's ``[sound:name]`` as markdown source: the name's markdown punctuation escaped, so
    ``[sound:my_clip*2.mp3]`` reaches the HTML as written."""
    return "[sound:" + MARKDOWN_PUNCTUATION.sub(r"\\\g<0>", target) + "]"


MARKDOWN_PUNCTUATION = re.compile(r"[\\`*_\[\]<>&!]")
SOUND = re.compile(r"\[sound:([^\[\]\n<>]{1,2000})\]")
REMOTE = re.compile(r"^(?:https?:)?//", re.IGNORECASE)


def _resolve_media(
    fragment: str, card: Card, media: MediaContext, warnings: list[Problem], files: dict[str, Path]
) -> str:
    """Point every local ``<img>`` and ``[sound:…]`` at its packed media name; drop (and warn
    about) the rest.  ``![](clip.mp3)`` becomes a sound too."""

    def packed(src: str) -> str | None:
        found = locate(src, media) if src else None
        if found is None or found.path is None:
            problem = (
                found.problem if found else "image dropped (only files and http(s) links are kept)"
            )
            line = _line_of(src, card, media)
            warnings.append(Problem.warning("image", problem, card.source, line))
            return None
        name = media_name(found.path)
        files[name] = found.path
        return name

    def image(match: re.Match) -> str:
        tag = match.group(0)
        src_match = IMG_SRC.search(tag)
        src = html.unescape(src_match.group(1)) if src_match else ""
        if REMOTE.match(src):
            return tag  # remote image: Anki fetches it itself
        name = packed(src)
        if name is None:
            return ""
        if is_sound_name(src):
            return f"[sound:{html.escape(name)}]"
        return tag[: src_match.start(1)] + html.escape(name) + tag[src_match.end(1) :]

    def sound(match: re.Match) -> str:
        src = html.unescape(match.group(1))
        if REMOTE.match(src):  # Anki plays files only: a link the learner can open
            return f'<a href="{html.escape(src)}">{html.escape(src)}</a>'
        name = packed(src)
        return "" if name is None else f"[sound:{html.escape(name)}]"

    out = SOUND.sub(sound, fragment) if "[sound:" in fragment else fragment
    out = IMG_TAG.sub(image, out) if "<img" in out else out  # after: it may write [sound:…]
    # Only a space or tab before "</" or at the end (``$`` also matches before a final
    # newline) can match: most fields have neither, and skip the substitution.
    if " </" in out or "\t</" in out or out.endswith((" ", "\t", " \n", "\t\n")):
        out = TRAILING_SPACE.sub(r"\1", out)
    return out


def _line_of(src: str, card: Card, media: MediaContext) -> int:
    """The line of the note that mentions ``src`` (at or after the card's line), for warnings."""
    lines = _note_lines(media.notes_dir / card.source)
    needle = Path(src).name if src else ""
    for number in range(max(card.line, 1), len(lines) + 1):
        if needle and needle in lines[number - 1]:
            return number
    return card.line


@lru_cache(maxsize=32)
def _note_lines(path: Path) -> tuple[str, ...]:
    try:
        return tuple(path.read_text(encoding="utf-8-sig", errors="replace").splitlines())
    except OSError:
        return ()


def find_media(src: str, media: MediaContext) -> Path | None:
    """A file under the notes root: relative to the note, the root, or (Obsidian) by name."""
    return locate(src, media).path
