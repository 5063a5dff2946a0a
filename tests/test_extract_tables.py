"""Tables extractor: row key × column cards, continuation rows, empty cells, escaped pipes."""

from __future__ import annotations

from _extract import cards, qa

ROLES = """
    | Role | Role in the life cycle | Requirements |
    |------|------------------------|--------------|
    | **Data scientists** | Build models | Automated packaging |
    | | Assess model quality | Visibility into models |
    | Auditors | Minimize risk | |
    | | Check compliance | |
    | Gates | maps \\|0⟩ to \\|1⟩ | `X` gate |
"""


def test_one_card_per_row_key_and_column():
    got = qa(ROLES, "table")
    assert set(got) == {
        "**Data scientists** — Role in the life cycle?",
        "**Data scientists** — Requirements?",
        "Auditors — Role in the life cycle?",
        "Gates — Role in the life cycle?",
        "Gates — Requirements?",
    }


def test_continuation_rows_are_merged_and_empty_cells_skipped():
    got = qa(ROLES, "table")
    assert (
        got["**Data scientists** — Role in the life cycle?"]
        == "- Build models\n- Assess model quality"
    )
    assert got["Auditors — Role in the life cycle?"] == "- Minimize risk\n- Check compliance"
    assert "Auditors — Requirements?" not in got  # every cell empty: no card


def test_escaped_pipes_survive():
    assert qa(ROLES, "table")["Gates — Role in the life cycle?"] == "maps |0⟩ to |1⟩"


def test_keys_are_plain_text_and_stable():
    keys = {c.key for c in cards(ROLES, "table")}
    assert "data scientists role in the life cycle" in keys


def test_single_column_table_makes_nothing():
    assert cards("| Only |\n|---|\n| one |\n", "table") == []


def test_glossary_table_asks_what_is():
    got = qa(
        """
        | Term | Definition |
        |------|------------|
        | Idempotence | applying an operation twice has the same effect as once |
    """,
        "table",
    )
    assert got == {
        "What is Idempotence?": "applying an operation twice has the same effect as once"
    }
