"""Which files under the notes folder are notes: a walk with the rules a real vault needs.

A vault holds more than notes: ``.obsidian/`` settings, ``.trash/``, ``.git/``, Excalidraw
drawings saved as ``*.excalidraw.md``, template folders full of ``{{date}}`` placeholders,
``node_modules/`` of a publishing setup.  Each is skipped by a named rule (``check`` prints one
line per rule with a count), and a ``.notedeckignore`` at the notes root (gitignore syntax)
skips the rest.  The walk never leaves the notes folder: a symbolic link whose target lies
outside it is refused with a warning, a link loop is walked once, and only regular files are
read (a FIFO or a device named ``x.md`` would block the build or never end).
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from notedeck.config import read_settings_text
from notedeck.errors import ConfigError, NoteError
from notedeck.model import Problem, Skipped
from notedeck.text.media import is_media_name

NOTE_SUFFIXES = (".md", ".markdown")
IGNORE_FILE = ".notedeckignore"
TOOL_FOLDERS = frozenset({"node_modules", "__pycache__", "site-packages"})
# Copies an app keeps of the notes (Logseq's backups and page versions): every card twice.
BACKUP_FOLDERS = frozenset({"logseq/bak", "logseq/version-files"})
TEMPLATE_FOLDERS = frozenset({"templates", "template", "_templates", "templater"})
EXCALIDRAW_SUFFIXES = (".excalidraw.md",)
# Folders of pictures: a markdown file in one is a caption, an alt text or the prompt that made
# an image (owlman's img/prompts/*.md), not a note.
# ("media" and "figures" are left out: a course folder may be named so.)
MEDIA_FOLDERS = frozenset(
    "img imgs image images assets attachments attachment pics pictures screenshots".split()
)

# Rule → how check words it ("skipped 3 files: Excalidraw drawings").
SKIP_RULES = {
    "hidden": "hidden folders and files (.obsidian, .trash, .git …)",
    "tool-folder": "tool folders (node_modules …)",
    "backup": "backup copies an app keeps (logseq/bak, logseq/version-files)",
    "excalidraw": "Excalidraw drawings",
    "template": "templates ({{date}}-style placeholders, template folders)",
    "media-folder": "folders of pictures (img, assets, attachments …)",
    "ignored": f"matched by {IGNORE_FILE}",
    "outside": "symbolic links leading out of the notes folder",
    "not-a-file": "not regular files (FIFOs, devices)",
}


@dataclass
class Found:
    """The notes to read (sorted by notes-relative path) and everything passed over."""

    paths: list[Path] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # folders that could not be opened
    failed: list[str] = field(default_factory=list)  # those folders (their cards are kept)
    media: list[str] = field(default_factory=list)  # media files seen (images, sounds)


def find_notes(notes_dir: Path, exclude: tuple[Path, ...] = ()) -> Found:
    """Every note under ``notes_dir``; a file reachable twice is listed once, under its first
    path (preferring one through no link), so its cards are not built twice."""
    if not notes_dir.exists():
        raise ConfigError("notes folder does not exist", notes_dir)
    if not notes_dir.is_dir():
        raise ConfigError("notes path is not a folder", notes_dir)
    root = Path(os.path.realpath(notes_dir))
    excluded = {p.resolve() for p in exclude if p.exists()} - {root}
    ignore = _ignore_spec(notes_dir)
    templates = _template_folders(notes_dir)
    found, seen = Found(), set()
    candidates: dict[str, tuple[Path, str, bool]] = {}  # rel → (path, real path, through a link)

    def unreadable(exc: OSError) -> None:
        if isinstance(exc, FileNotFoundError):
            return
        folder = _relative(Path(exc.filename or notes_dir), notes_dir)
        message = f"cannot open folder ({exc.strerror or exc})"
        found.problems.append(NoteError(folder, message).problem)
        found.failed.append(folder)

    for top, dirs, files in os.walk(notes_dir, onerror=unreadable, followlinks=True):
        here = Path(top)
        real = _real_folder(here, root, excluded, seen)
        rel_here = _relative(here, notes_dir)
        if real is None:
            dirs[:] = []
            if rel_here != "." and _leaves(here, root):
                found.skipped.append(Skipped(rel_here, "outside"))
            continue
        dirs[:] = sorted(_keep_folders(dirs, rel_here, ignore, templates, found))
        linked = str(real) != os.path.abspath(top)  # reached through a symbolic link
        # A folder of pictures is walked for its media (the listing of the vault's images), but
        # its markdown is no note.
        pictures = any(part.casefold() in MEDIA_FOLDERS for part in rel_here.split("/"))
        for name in sorted(files):
            rel = name if rel_here == "." else f"{rel_here}/{name}"
            rule, is_link = _file_rule(os.path.join(top, name), name, rel, root, ignore)
            if rule == "note" and pictures:
                rule = "media-folder"
            if rule == "note":
                # A plain file's real path is its real folder's plus its name: realpath (an
                # lstat per path component) only for links.
                path = here / name
                real_path = os.path.realpath(path) if is_link else os.path.join(real, name)
                candidates[rel] = (path, real_path, linked or is_link)
            elif rule:
                found.skipped.append(Skipped(rel, rule))
            elif is_media_name(name):
                found.media.append(rel)
    found.paths = _read_once(candidates, notes_dir)
    return found


def _real_folder(here: Path, root: Path, excluded: set[Path], seen: set) -> Path | None:
    """The folder's real path if it is to be walked: inside the notes folder, not the output
    folder, not walked already (symlink loops)."""
    try:
        st = here.stat()
    except OSError:
        return None
    real = Path(os.path.realpath(here))  # realpath, unlike resolve(), never raises on a loop
    if real != root and root not in real.parents:
        return None
    if (st.st_dev, st.st_ino) in seen or real in excluded:
        return None
    seen.add((st.st_dev, st.st_ino))
    return real


def _leaves(path: Path, root: Path) -> bool:
    real = Path(os.path.realpath(path))
    return real != root and root not in real.parents


def _keep_folders(dirs, rel_here, ignore, templates, found: Found):
    for name in dirs:
        rel = name if rel_here == "." else f"{rel_here}/{name}"
        rule = None
        if name.startswith("."):
            rule = "hidden"
        elif name in TOOL_FOLDERS:
            rule = "tool-folder"
        elif "/".join(rel.split("/")[-2:]) in BACKUP_FOLDERS:
            rule = "backup"
        elif name.casefold() in TEMPLATE_FOLDERS or rel.casefold() in templates:
            rule = "template"
        elif ignore is not None and ignore.match_file(rel + "/"):
            rule = "ignored"
        if rule:
            found.skipped.append(Skipped(rel + "/", rule))
        else:
            yield name


def _file_rule(path: str, name: str, rel: str, root: Path, ignore) -> tuple[str | None, bool]:
    """("note", a skip rule, or None: not markdown — images, PDFs … pass silently; whether the
    path is a symbolic link)."""
    if not name.lower().endswith(NOTE_SUFFIXES):
        return None, False
    if name.startswith("."):
        return "hidden", False
    if name.lower().endswith(EXCALIDRAW_SUFFIXES):
        return "excalidraw", False
    if ignore is not None and ignore.match_file(rel):
        return "ignored", False
    is_link = False
    try:
        mode = os.lstat(path).st_mode
        if stat.S_ISLNK(mode):
            is_link = True
            if _leaves(Path(path), root) and os.path.exists(path):
                return "outside", True
            mode = os.stat(path).st_mode
    except OSError:
        return "note", True  # a broken link or a file deleted meanwhile: reading it says which
    return ("note" if stat.S_ISREG(mode) else "not-a-file"), is_link


def _read_once(found: dict[str, tuple[Path, str, bool]], notes_dir: Path) -> list[Path]:
    """One path per real file, preferring a path that goes through no symlink (dangling or
    looping links resolve to themselves and stay, so reading them can report them)."""
    if not any(linked for _, _, linked in found.values()):
        return [found[rel][0] for rel in sorted(found)]  # no link: every real path is distinct
    unique: dict[str, tuple[str, Path]] = {}
    for rel in sorted(found, key=lambda r: (found[r][2], r)):
        path, real, _ = found[rel]
        unique.setdefault(real, (rel, path))
    return [path for _, path in sorted(unique.values(), key=lambda item: item[0])]


def _ignore_spec(notes_dir: Path):
    """The root ``.notedeckignore`` as a gitignore matcher (pathspec), or None."""
    path = notes_dir / IGNORE_FILE
    try:
        lines = read_settings_text(path).splitlines()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read ({getattr(exc, 'strerror', None) or exc})", path) from None
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(lines)


def _template_folders(notes_dir: Path) -> frozenset[str]:
    """Template folders an Obsidian vault names in its settings (core Templates, Templater)."""
    folders = set()
    for settings, key in (
        (".obsidian/templates.json", "folder"),
        (".obsidian/plugins/templater-obsidian/data.json", "templates_folder"),
    ):
        try:
            value = json.loads((notes_dir / settings).read_text(encoding="utf-8")).get(key)
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(value, str) and value.strip("/ "):
            folders.add(value.strip("/ ").casefold())
    return frozenset(folders)


def _relative(path: Path, root: Path) -> str:
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
    return rel or "."
