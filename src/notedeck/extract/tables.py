"""Tables: one card per row key × column, the first column being the key.

Continuation rows — rows whose key cell is empty — belong to the key above them, as learners
write them when one role or term needs several lines; empty cells make no card.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from notedeck.model import Card, Section, Table
from notedeck.text.keys import strip_markup


def extract(section: Section, ctx) -> Iterator[Card]:
    for block in section.blocks:
        if isinstance(block, Table):
            yield from _cards(block, section, ctx)


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


DEFINING_HEADERS = re.compile(
    r"^(?:definition|meaning|description|explanation|what it is|defined as)$", re.I
)


def _question(key: str, header: str) -> str:
    """ "Nucleus — Function?"; a glossary column ("Term | Definition") asks "What is Nucleus?"."""
    if DEFINING_HEADERS.match(header.strip()):
        return f"What is {key}?"
    return f"{key} — {header}?"


def _cards(table: Table, section: Section, ctx) -> Iterator[Card]:
    header = [strip_markup(h) for h in table.header]
    if len(header) < 2:
        return
    for key, line, columns in merged_rows(table):
        plain_key = strip_markup(key)
        if not plain_key:
            continue
        for col in range(1, len(header)):
            parts = columns[col] if col < len(columns) else []
            if not parts or not header[col]:
                continue
            answer = parts[0] if len(parts) == 1 else "\n".join(f"- {p}" for p in parts)
            question = _question(key, header[col])
            shape = "table-glossary" if question.startswith("What is ") else "table-cell"
            row_key = f"{plain_key} {header[col]}"
            yield ctx.card(section, "table", question, answer, row_key, line, shape=shape)
