"""Tables: one card per row key × column, the first column being the key.

Continuation rows — rows whose key cell is empty — belong to the key above them, as learners
write them when one role or term needs several lines; empty cells make no card.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from notedeck.extract.shapes import subject_heading
from notedeck.model import Card, ListBlock, Quote, Section, Table
from notedeck.text.keys import strip_markup


def extract(section: Section, ctx) -> Iterator[Card]:
    for block in _tables(section.blocks):
        for table in side_by_side(block):
            yield from _cards(table, section, ctx)


def side_by_side(table: Table) -> list[Table]:
    """A table that repeats its columns to save space ("Command | Shows | Command | Shows"), one
    table per repeat: its rows are pairs side by side, and read straight across every second
    cell would answer for the wrong key."""
    header = [strip_markup(h).strip().casefold() for h in table.header]
    width = len(header)
    for period in range(1, width // 2 + 1):
        if width % period or not all(header[i] == header[i % period] for i in range(width)):
            continue
        if period == 1:  # "x | x | x" (or no header): not pairs
            return [] if header[0] and width > 1 else [table]  # "保留字 | 保留字": a grid
        return [
            Table(
                table.header[start : start + period],
                tuple(row[start : start + period] for row in table.rows),
                table.line,
                table.row_lines,
            )
            for start in range(0, width, period)
        ]
    return [table]


def _tables(blocks) -> Iterator[Table]:
    """The section's tables, also those inside a list item or a quote (a Logseq outline puts
    every table under a bullet, a callout may hold one)."""
    for block in blocks:
        if isinstance(block, Table):
            yield block
        elif isinstance(block, ListBlock):
            for item in block.items:
                yield from _tables(item.children)
        elif isinstance(block, Quote):
            yield from _tables(block.blocks)


def merged_rows(table: Table) -> list[tuple[str, int, list[list[str]]]]:
    """(key, line, cells per column) with continuation rows folded into their key."""
    merged: list[tuple[str, int, list[list[str]]]] = []
    width = len(table.header)
    for n, row in enumerate(table.rows):
        cells = [c.strip() for c in row] + [""] * (width - len(row))
        line = table.row_lines[n] if n < len(table.row_lines) else table.line
        if not cells[0] and merged:
            for col in range(1, width):
                if cells[col]:
                    merged[-1][2][col].append(cells[col])
            continue
        if cells[0]:
            merged.append((cells[0], line, [[c] if c else [] for c in cells]))
    return merged


WORD = re.compile(r"[^\W\d_]{2,}")


def _exercise_data(rows) -> bool:
    """A table of exercise data or results ("a | 100r/101w | 0r/1w"): its row keys are letters,
    numbers or symbols, not names of things, so no row is a fact to learn."""
    keys = [strip_markup(key) for key, _, _ in rows]
    return bool(keys) and sum(not WORD.search(k) for k in keys) * 2 >= len(keys)


def _repeated_keys(rows) -> set[str]:
    """Row keys that recur ("`void` | `clear()` …", "`void` | `add(…)` …"; "R-type" on five
    rows of an opcode table): such a key is a category (a return type, a group), not the name
    of its row — a card for each would ask one question of different answers."""
    seen: dict[str, int] = {}
    for key, _, _ in rows:
        plain = _plain_key(key)
        seen[plain] = seen.get(plain, 0) + 1
    return {key for key, count in seen.items() if count > 1}


def _plain_key(key: str) -> str:
    return " ".join(strip_markup(key).casefold().split())


LIST_MARK = re.compile(r"^(?:[-*+•]|\d{1,2}[.)])\s")


def _list_grid(rows) -> bool:
    """ "- Unit tests | - Integration tests | - Canarying": each column is a list of its own,
    laid side by side, so a row pairs items that have nothing to do with each other."""
    keys = [key for key, _, _ in rows]
    return bool(keys) and sum(bool(LIST_MARK.match(k)) for k in keys) * 2 >= len(keys)


# Columns that show what the key looks like when rendered, not a fact about it ("Command |
# Rendering", "颜色 | 显示效果").  (An "Example" column is a fact: "Ionic bond — Example?" NaCl.)
EXAMPLE_HEADERS = re.compile(
    r"^(?:previews?|render(?:ed|ing)?|display(?:ed)?|appearance|looks like|"
    r"显示效果|效果|渲染效果|预览)$",
    re.IGNORECASE,
)
CODE_CELL = re.compile(r"`[^`]+`")


def _code_column(rows, col: int) -> bool:
    """ "`px-5` | `{padding-left: 3rem}`" row after row: a lookup of one identifier by another
    (utility classes, escapes, opcodes) — reference data no one studies row by row.  A short
    one may compare two things ("`prefix[0]` | `nums[0]` | `0`"), so only long tables count."""
    pairs = [(key, c[col][0]) for key, _, c in rows if c[col:] and c[col]]
    if len(pairs) < LONG_TABLE:
        return False
    code = sum(
        bool(CODE_CELL.fullmatch(k.strip()) and CODE_CELL.fullmatch(v.strip())) for k, v in pairs
    )
    return code * 5 >= len(pairs) * 4


def _bare(cell: str) -> str:
    return "".join(strip_markup(cell).replace("$", "").replace("`", "").split())


DEFINING_HEADERS = re.compile(
    r"^(?:definition|meaning|description|explanation|what it is|defined as)$", re.I
)


# A bare value: a number with a short unit or currency, a colour or hex code ("12", "$160",
# "200K", "#FAEBD7", "1.5 GHz", "100万 token", "1284 x 2778", "19.5:9").
VALUE = re.compile(
    r"[#$€£¥~≈<>±+-]?[\d.,]+(?:\s?[x×*:/]\s?[\d.,]+)*\s?[%\w]{0,6}|#[0-9a-fA-F]{3,8}|0x[0-9a-fA-F]+"
)
LONG_TABLE = 6


TICKS = frozenset("y n yes no ✓ ✗ ✔ ✘ ❌ ✅ x - true false sì si ja nein oui non sí ano ne".split())


def _column(rows, col: int) -> list[str]:
    """The plain text of each row's first cell in column ``col`` (rows that have one)."""
    return [" ".join(strip_markup(c[col][0]).split()) for _, _, c in rows if c[col:] and c[col]]


def _tick_column(rows, col: int) -> bool:
    """A column of ticks ("Y", "✓", "no"): a matrix read across, no fact in any one cell
    ("protected — Subclass?" → "Y")."""
    cells = [cell.strip(" `*").casefold() for cell in _column(rows, col)]
    return len(cells) >= 2 and all(cell in TICKS for cell in cells)


def _value_column(rows, col: int) -> bool:
    """A long column of values is reference data (colour codes, constants, prices, counts):
    asked one row at a time it makes cards nobody studies.  A short one ("L1 | 1 ns") may be
    a fact to learn, so only tables of ``LONG_TABLE`` rows or more count."""
    cells = _column(rows, col)
    if len(cells) < LONG_TABLE:
        return False
    return sum(bool(VALUE.fullmatch(c)) for c in cells) * 5 >= len(cells) * 4


def _question(key: str, header: str) -> str:
    """ "Nucleus — Function?"; a glossary column ("Term | Definition") asks "What is Nucleus?"."""
    if DEFINING_HEADERS.match(header.strip()):
        return f"What is {key}?"
    return f"{key} — {header}?"


# Columns that are lists of their own side by side: read across, a row pairs a pro with an
# unrelated con.  Each column is one card ("Universal basic income — Cons?").
CONTRASTED = frozenset(
    "pros cons pro con advantages disadvantages benefits drawbacks strengths weaknesses "
    "upsides downsides do don't dos don'ts vantaggi svantaggi vorteile nachteile ventajas "
    "desventajas avantages inconvénients 优点 缺点 优势 劣势".split()
)


def _contrasted(header: list[str]) -> bool:
    names = [" ".join(h.casefold().split()) for h in header]
    return len(names) >= 2 and all(n in CONTRASTED for n in names)


def _column_cards(table: Table, header: list[str], section: Section, ctx) -> Iterator[Card]:
    subject = subject_heading(section, ctx)
    if not subject:
        return
    for col, name in enumerate(header):
        cells = [row[col].strip() for row in table.rows if col < len(row) and row[col].strip()]
        if cells:
            question = f"{subject} — {name.strip()}?"
            answer = "\n".join(f"- {cell}" for cell in cells)
            yield ctx.card(section, "table", question, answer, f"{subject} {name}", table.line)


# Columns that give an instance of the key in code ("mvn | move negative | mvn r0,r0"): usage,
# not a fact about it.  (Prose examples stay: "Ionic bond — Example?" NaCl.)
# "Example", "Example value", "Esempio positivo", "Usage", "Syntax": the header opens with one.
USAGE_HEADERS = re.compile(
    r"^(?:(?:examples?|samples?|esempi[oe]?|beispiele?|ejemplos?|exemples?)(?:\s[\w ]{1,20})?|"
    r"usage|syntax|e\.g\.?|[\w ]{1,20} syntax|例子|示例|用法|语法)$",
    re.IGNORECASE,
)
# Code, or a literal value: a number ("27 + 1", "1234567890"; not "H<sub>2</sub>O"), an
# address or path ("staff@…", "/invoices"), an operator.
CODE_LIKE = re.compile(r"`|[#=;{}\[\]@|&]|(?<!\w)/\w|\w,\w|(?<![^\W\d_])\d")
KEY_HEAD = re.compile(r"[^\s(]+")
HTML_TAG = re.compile(r"</?[a-z]{1,10}>")


def _usage(key: str, cell: str) -> bool:
    """The cell shows the key in use — code ("lsr r0,#2"), a literal ("3.14 * 5.01e23"), or
    the key's own word with its arguments ("dec(decrement) | dec eax") — rather than naming
    an instance of it ("non-replicating | trojans, spam e-mail")."""
    if CODE_LIKE.search(HTML_TAG.sub("", strip_markup(cell))) or "`" in cell:
        return True
    head = KEY_HEAD.match(key.strip())
    words = strip_markup(cell).lstrip("-•* ").casefold().split()
    return bool(head) and len(words) > 1 and words[0] == head.group().casefold()


def _usage_column(rows, col: int, header: str) -> bool:
    """An example column where a third of the cells show code or literal values is a column
    of usage: its other cells ("givenName | Mark", "staffdept | Information Security") are
    sample data of the same kind, however plain they read."""
    if not USAGE_HEADERS.match(header.strip()):
        return False
    pairs = [(strip_markup(key), c[col][0]) for key, _, c in rows if c[col:] and c[col]]
    return sum(_usage(key, cell) for key, cell in pairs) * 3 >= len(pairs)


def _cards(table: Table, section: Section, ctx) -> Iterator[Card]:
    header = [strip_markup(h) for h in table.header]
    rows = merged_rows(table)
    if len(header) < 2 or _exercise_data(rows) or _list_grid(rows):
        return
    if _contrasted(header):
        yield from _column_cards(table, header, section, ctx)
        return
    values = {
        col
        for col in range(1, len(header))
        if _value_column(rows, col) or _tick_column(rows, col) or _code_column(rows, col)
    }
    repeated = _repeated_keys(rows)
    usage = {col for col in range(1, len(header)) if _usage_column(rows, col, header[col])}
    headerless = header[0].strip().endswith(":")  # "Text Type: | str": the header is a row
    for key, line, columns in rows:
        plain_key = strip_markup(key)
        if not WORD.search(plain_key):  # "—", "3", "x": not a row anyone asks about
            continue
        label = plain_key.strip().endswith(":")  # "**Scopo principale:** | … | …"
        if label and headerless:
            continue  # a list of "label: values" laid out as a table, no column names
        if _plain_key(key) in repeated:
            continue
        for col in range(1, len(header)):
            parts = columns[col] if col < len(columns) else []
            if (
                not parts
                or col in usage
                or not WORD.search(header[col])
                or EXAMPLE_HEADERS.match(header[col].strip())
            ):
                continue
            answer = parts[0] if len(parts) == 1 else "\n".join(f"- {p}" for p in parts)
            if _bare(answer) == _bare(key):  # "$a+b$ | $a+b$": the source beside its rendering
                continue
            if USAGE_HEADERS.match(header[col].strip()) and _usage(plain_key, answer):
                continue
            if label:  # a table laid on its side: the columns are the things compared
                question = f"{header[col].strip()} — {plain_key.strip().rstrip(':').strip()}?"
            else:
                question = _question(key, header[col])
            shape = "table-glossary" if question.startswith("What is ") else "table-cell"
            shape = "table-values" if col in values else shape
            row_key = f"{plain_key} {header[col]}"
            yield ctx.card(section, "table", question, answer, row_key, line, shape=shape)
