"""Admin ledger export (cms/ledger/exports.py): hostile text from editors and units never becomes a formula.

The admin export reads the database (task rows and progress), not the public
snapshot, so it is its own path to Excel: every payload goes into every text
an editor or a unit writes, and both formats are read back cell by cell.
"""

from __future__ import annotations

import pytest

from tests.spreadsheets import FORMULA_PAYLOADS, LOOKALIKES, check_ledger, csv_rows, hostile_corpus, xlsx_rows

HOSTILE = FORMULA_PAYLOADS + LOOKALIKES


@pytest.fixture
def hostile(notice_index) -> None:
    hostile_corpus(notice_index, HOSTILE)


@pytest.mark.parametrize(("fmt", "read"), [("csv", csv_rows), ("xlsx", xlsx_rows)])
def test_ledger_response__no_cell_starts_a_formula_and_text_is_kept(admin_client, hostile, fmt, read) -> None:
    response = admin_client.get("/admin/ledger/task/", {"export": fmt})
    assert response.status_code == 200
    rows = read(b"".join(response.streaming_content))
    assert len(rows) == len(HOSTILE)
    check_ledger(rows, HOSTILE)
