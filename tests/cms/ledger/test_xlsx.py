"""The ledger's own XLSX writer against xlsxwriter: the same sheet, read back cell by cell.

cms/ledger/xlsx.py replaced xlsxwriter for speed; what a reader of the file
sees must not change.  The reference below writes a frame the way the
ledger did with xlsxwriter (typed writes, the same styles, widths, row
heights and print setup), and openpyxl reads both files.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

import openpyxl
import pandas as pd
import pytest
import xlsxwriter

from cms.ledger import xlsx
from cms.ledger.tables import (
    _LINE_HEIGHT,
    _NOT_PRINTED,
    _WRAP_COLUMNS,
    _cell_value,
    _column_plan,
    _column_width,
    _neutralised,
    _row_heights,
    build_ledger,
    build_unit_items_ledger,
    build_unit_ledger,
    neutralise,
    write_xlsx,
)
from tests.spreadsheets import FORMULA_PAYLOADS, LOOKALIKES

# Text Excel stores escaped or with preserved spaces: XML specials, control characters, a literal
# _xHHHH_ (Excel's own escape), edge whitespace, non-characters, line breaks.
AWKWARD = ['a & <b> "c"', "\x01控制\x1f", "_x0041_字面", " 前后空格 ", "\t制表", "一\n二\r\n三", "\ufffe"]


def _tasks() -> list[dict[str, Any]]:
    texts = [*FORMULA_PAYLOADS, *LOOKALIKES, *AWKWARD, "督促辖区企业开展隐患排查整治，建立台账并闭环管理。" * 12]
    tasks = []
    for number, text in enumerate(texts):
        tasks.append(
            {
                "row_id": f"r{number}",
                "year": None if number % 5 == 0 else 2020 + number % 4,
                "doc_number": f"石安〔2024〕{number}号",
                "doc_title": "关于印发安全生产专项整治三年行动实施方案的通知",
                "task": text,
                "detail": text * (number % 3 + 1),
                "topic": "" if number % 2 else text,
                "deadline_text": ["2021年底前", "每季度", "持续推进", "2020年6月15日前"][number % 4],
                "target_value": [None, 1.5, 75, 1e20, -0.1][number % 5],
                "lead_units": ["东石镇", text][: number % 3],
                "support_units": ["消防救援大队"] if number % 2 else [],
                "progress_status": "推进中" if number % 3 else "",
                "progress_note": text if number % 4 else "",
                "progress_date": [date(2021, 3, 15), None, date(1900, 1, 15), date(1900, 3, 1)][number % 4],
                "checkpoints": ["2024-03-31", "2099-12-31"],
                "url": f"https://example.gov.cn/t/{number}",
                "unit_links": [{"unit": 1, "name": "东石镇", "role": "lead", "source": text}],
            }
        )
    return tasks


def _reference(frame: pd.DataFrame, sheet_name: str = "台账") -> bytes:
    """The workbook as xlsxwriter wrote it before cms/ledger/xlsx.py (same formats and settings)."""
    safe = _neutralised(frame)
    plan = _column_plan(safe)
    widths = [_column_width(name, values, kind) for name, kind, values in plan]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"created": datetime(2000, 1, 1), "title": sheet_name})
    sheet = book.add_worksheet(sheet_name)
    header = book.add_format(
        {"bold": True, "text_wrap": True, "valign": "vcenter", "align": "center", "bg_color": "#DDEBF7", "border": 1}
    )
    dated = book.add_format({"num_format": "yyyy-mm-dd", "valign": "top"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    plain = book.add_format({"valign": "top"})
    for col, (name, kind, _) in enumerate(plan):
        sheet.set_column(col, col, widths[col], dated if kind == "date" else wrap if name in _WRAP_COLUMNS else plain)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, len(frame), len(plan) - 1)
    sheet.set_paper(9)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.set_footer("&C第 &P 页，共 &N 页")
    printed = [col for col, (name, _, _) in enumerate(plan) if name not in _NOT_PRINTED]
    if len(frame):
        sheet.print_area(0, 0, len(frame), max(printed))
    for row, height in enumerate(_row_heights(plan, widths, len(frame)), start=1):
        if height > _LINE_HEIGHT:
            sheet.set_row(row, height)
    for col, (name, _, _) in enumerate(plan):
        sheet.write_string(0, col, neutralise(name), header)
    for col, (_, kind, values) in enumerate(plan):
        series = safe.iloc[:, col]
        for row in range(len(frame)):
            if kind == "date":
                if not pd.isna(series.iloc[row]):
                    sheet.write_datetime(row + 1, col, series.iloc[row].to_pydatetime(), dated)
            elif kind == "number":
                value = _cell_value(series.iloc[row])
                if value is not None:
                    sheet.write_number(row + 1, col, value)
            elif values[row]:
                sheet.write_string(row + 1, col, values[row])
    book.close()
    return buffer.getvalue()


def _ours(frame: pd.DataFrame, sheet_name: str = "台账") -> bytes:
    buffer = io.BytesIO()
    write_xlsx(frame, buffer, sheet_name=sheet_name)
    return buffer.getvalue()


def _style(cell: Any) -> tuple[Any, ...]:
    return (
        cell.number_format,
        cell.alignment.wrap_text,
        cell.alignment.vertical,
        cell.alignment.horizontal,
        cell.font.b,
        cell.font.sz,
        cell.fill.fgColor.rgb if cell.fill.fill_type else None,
        cell.border.left.style,
        cell.border.bottom.style,
    )


def _seen(data: bytes) -> dict[str, Any]:
    """Everything a reader of the sheet gets: cells with type and style, layout, filter and print setup."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.active
    setup = sheet.page_setup
    return {
        "sheets": book.sheetnames,
        "cells": [[(cell.value, cell.data_type, _style(cell)) for cell in row] for row in sheet.iter_rows()],
        # Per column: a writer may store equal neighbours as one range.
        "widths": {
            col: (round(dim.width, 4), dim.style)
            for dim in sheet.column_dimensions.values()
            for col in range(dim.min, dim.max + 1)
        },
        "heights": {key: dim.height for key, dim in sheet.row_dimensions.items() if dim.height},
        "freeze": sheet.freeze_panes,
        "filter": sheet.auto_filter.ref,
        "print": (setup.orientation, setup.paperSize, setup.fitToHeight, setup.fitToWidth in (None, 1)),
        "fit": sheet.sheet_properties.pageSetUpPr.fitToPage,
        "titles": sheet.print_title_rows,
        "area": sheet.print_area,
        "margins": (sheet.page_margins.left, sheet.page_margins.right, sheet.page_margins.top),
        "footer": sheet.oddFooter.center.text,
        "title": book.properties.title,
        "created": book.properties.created,
    }


@pytest.mark.parametrize(
    "build",
    [build_ledger, build_unit_ledger, lambda tasks: build_unit_items_ledger(tasks, 1)],
    ids=["ledger", "unit_ledger", "unit_items"],
)
def test_write_xlsx__reads_back_as_the_xlsxwriter_workbook(build) -> None:
    frame = build(_tasks())
    ours, reference = _seen(_ours(frame)), _seen(_reference(frame))
    assert len(ours["cells"]) == len(frame) + 1
    for row, (mine, theirs) in enumerate(zip(ours["cells"], reference["cells"], strict=True)):
        assert mine == theirs, row
    assert ours == reference


def test_write_xlsx__empty_frame_and_quoted_sheet_name_as_xlsxwriter_wrote() -> None:
    frame = build_ledger([])
    assert _seen(_ours(frame, "单位'台账")) == _seen(_reference(frame, "单位'台账"))


@pytest.mark.parametrize(
    "moment",
    [date(1900, 1, 1), date(1900, 2, 28), date(1900, 3, 1), date(2024, 2, 29), datetime(2021, 3, 15, 6, 30, 15)],
)
def test_excel_serial__as_xlsxwriter_counts_days_and_the_vectorised_column_agrees(moment: date) -> None:
    from xlsxwriter.utility import _datetime_to_excel_datetime

    reference = _datetime_to_excel_datetime(moment, False, False)
    assert xlsx.excel_serial(moment) == reference
    frame = pd.DataFrame({"日期": pd.to_datetime(pd.Series([moment, None], dtype=object))})
    assert _column_plan(frame)[0][2] == [pytest.approx(reference, abs=1e-9), None]


def test_shared_strings__each_distinct_text_once_cells_point_at_it() -> None:
    strings = xlsx.SharedStrings()
    first = strings.cells(["乙", "", "甲", "乙", None], xlsx.STYLE_PLAIN)
    second = strings.cells(["甲"], xlsx.STYLE_WRAP)
    assert list(strings.index) == ["乙", "甲"] and strings.count == 4
    assert first[0] == first[3] and first[1] is None and first[4] is None
    assert "<v>1</v>" in first[2] and "<v>1</v>" in second[0] and 's="2"' in second[0]


def test_column_letter__past_z_and_past_zz() -> None:
    assert [xlsx.column_letter(n) for n in (0, 25, 26, 51, 701, 702)] == ["A", "Z", "AA", "AZ", "ZZ", "AAA"]


def test_write_xlsx__sheet_longer_than_a_piece_reads_back_as_the_xlsxwriter_workbook() -> None:
    """Rows and shared texts are written in pieces of 2,000: the pieces must join into the same sheet."""
    tasks = _tasks()
    frame = build_ledger([{**tasks[n % len(tasks)], "row_id": f"r{n}", "task": f"任务{n}"} for n in range(4_100)])
    ours, reference = _seen(_ours(frame)), _seen(_reference(frame))
    assert len(ours["cells"]) == 4_101 and ours["cells"][-1][0][0] == 4_100
    assert ours == reference
