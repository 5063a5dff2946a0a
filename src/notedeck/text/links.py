"""Links from a card back to its note: the ``source_link`` template of ``notedeck.yaml``.

A template such as ``obsidian://open?vault={vault}&file={path}`` or
``vscode://file/{abspath}:{line}`` becomes one URL per card.  It is checked once, when the
settings are read (known placeholders only, a scheme the card sanitiser also lets through), and
every value put into it is URL-escaped for where it stands (a path keeps its ``/``, a query
value does not), so a note named ``a&b #1.md`` can neither break the link nor add to it.  The
caller HTML-escapes the finished URL.

Kept free of notedeck's other modules: the settings (``config``) check templates, the renderer
writes the links, and the sanitiser takes its link schemes from here.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePath
from urllib.parse import quote

# Schemes a link may have, in a note or in a source link: the web, mail, and the apps people
# open notes in.  nh3 drops every other scheme (javascript:, data:, file: …) from card links.
LINK_SCHEMES = frozenset(
    {"http", "https", "mailto", "obsidian", "vscode", "vscode-insiders", "vscodium", "cursor"}
)
PLACEHOLDERS = {
    "vault": "the vault's folder name (the nearest folder with .obsidian/, else the notes folder)",
    "path": "the note's path inside the vault, with / between folders",
    "abspath": "the note's absolute path, without a leading / (C:/… on Windows)",
    "line": "the line the card comes from",
}
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_UNSAFE = re.compile(r"[\s\"'<>\\`\x00-\x1f\x7f]")
OFF = ("", "none", "off", "false")


class LinkTemplateError(ValueError):
    """The template cannot make safe links; the message says why, for the settings error."""


@dataclass(frozen=True)
class SourceLink:
    """A checked template and the folders its placeholders are taken from."""

    template: str
    notes_root: Path  # absolute
    vault_root: Path  # absolute: the notes root or the nearest folder above it with .obsidian/

    def url(self, rel: str, line: int) -> str:
        """The link of the card at ``rel`` (notes-relative, / separated) line ``line``."""
        vault, path, abspath = _values(self.notes_root, self.vault_root, rel)
        values = {"vault": vault, "path": path, "abspath": abspath, "line": str(line)}
        return "".join(
            text if name is None else quote(values[name], safe=safe)
            for text, name, safe in _pieces(self.template)
        )


def check_link_template(value: object, notes_root: Path) -> SourceLink | None:
    """The ``source_link`` setting → a SourceLink, or None for plain ``file:line`` text."""
    if value is None or value is False:
        return None
    if not isinstance(value, str):
        raise LinkTemplateError("must be a link template such as obsidian://open?vault={vault}")
    template = value.strip()
    if template.lower() in OFF:
        return None
    scheme = _SCHEME.match(template)
    if scheme is None:
        raise LinkTemplateError(f"{template!r} must start with a scheme (obsidian:, vscode: …)")
    if scheme.group(1).lower() not in LINK_SCHEMES:
        allowed = ", ".join(sorted(LINK_SCHEMES))
        raise LinkTemplateError(f"scheme {scheme.group(1)!r} is not allowed (allowed: {allowed})")
    try:
        names = [name for _, name, _ in _pieces(template) if name is not None]
    except ValueError as exc:
        raise LinkTemplateError(f"{template!r}: {exc}") from None
    if not {"path", "abspath"} & set(names):
        raise LinkTemplateError("needs {path} or {abspath}, or every card links to one place")
    literal = "".join(text for text, name, _ in _pieces(template) if name is None)
    if _UNSAFE.search(literal):
        raise LinkTemplateError("may not contain spaces, quotes, <, >, \\ or control characters")
    root = notes_root.resolve()
    return SourceLink(template, root, vault_root(root))


@lru_cache(maxsize=64)
def _pieces(template: str) -> tuple[tuple[str, str | None, str], ...]:
    """(literal text, None, "") and (…, placeholder, characters kept unescaped) in order.  A
    value in the query or fragment is escaped whole; one in the path keeps its / and :."""
    out: list[tuple[str, str | None, str]] = []
    in_query = False
    for text, name, spec, conversion in string.Formatter().parse(template):
        if text:
            out.append((text, None, ""))
            in_query = in_query or "?" in text or "#" in text
        if name is None:
            continue
        if name not in PLACEHOLDERS:
            valid = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
            raise ValueError(f"unknown placeholder {{{name}}} (valid: {valid})")
        if spec or conversion:
            raise ValueError(f"write {{{name}}} without a format (no ':' or '!' inside braces)")
        out.append(("", name, "" if in_query else "/:"))
    return tuple(out)


@lru_cache(maxsize=4096)  # once per note file, not once per card
def _values(notes_root: Path, vault: Path, rel: str) -> tuple[str, str, str]:
    note = notes_root / PurePath(rel)
    try:
        in_vault = note.relative_to(vault).as_posix()
    except ValueError:
        in_vault = rel
    return vault.name, in_vault, note.as_posix().lstrip("/")


def vault_root(notes_root: Path) -> Path:
    """The Obsidian vault the notes are in: the nearest folder, the notes folder or one above
    it, that holds ``.obsidian/``; otherwise the notes folder itself."""
    for folder in (notes_root, *notes_root.parents):
        if (folder / ".obsidian").is_dir():
            return folder
    return notes_root
