"""Ledgers for printing: landscape, one page wide, header row on every printed page; file names say what they hold."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from cms.documents.models import Disclosure
from cms.ledger.tables import build_ledger, build_unit_ledger, ledger_file_name, write_xlsx
from export.downloads import download_links, ledgers
from export.site import Site
from export.snapshot import take_snapshot
from tests.export.test_libreoffice import convert
from tests.factories import UnitFactory, make_attachment, make_notice, paragraph, task_list

PDFTOTEXT = shutil.which("pdftotext")


def _unit_tasks(count: int) -> list[dict]:
    return [
        {
            "row_id": f"r{n}",
            "year": 2024,
            "doc_number": "石安〔2024〕3号",
            "doc_title": "关于下达2024年度安全生产和消防工作目标责任的通知",
            "task": f"第{n}项工作任务",
            "detail": "督促辖区企业开展隐患排查整治，建立台账并闭环管理，" * 3,
            "deadline_text": "每季度末24日前",
            "due_date": "2024-12-31",
            "checkpoints": ["2024-03-24", "2024-06-24", "2024-09-24", "2024-12-24"],
            "lead_units": ["东石镇"],
        }
        for n in range(count)
    ]


def _xlsx(tasks: list[dict]) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(build_unit_ledger(tasks), buffer)
    return buffer.getvalue()


def test_write_xlsx__print_settings_landscape_fit_width_header_repeated() -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(_xlsx(_unit_tasks(3)))).active
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    # fitToWidth is left out when it is 1, the OOXML default; height 0 = as many pages as needed.
    assert sheet.page_setup.fitToWidth in (None, 1)
    assert sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_rows == "$1:$1"
    header = [cell.value for cell in sheet[1]]
    detail = sheet.cell(row=2, column=header.index("工作内容") + 1)
    assert detail.alignment.wrap_text is True
    # Tall enough for every wrapped line (LibreOffice would print one line otherwise).
    assert sheet.row_dimensions[2].height > 15
    # The link and the stable id are for machines: left off the printed page.
    last_printed = get_column_letter(header.index("链接"))
    assert sheet.print_area == f"'台账'!$A$1:${last_printed}$4"


def test_ledger_file_name__unit_and_year_and_no_unsafe_characters() -> None:
    assert ledger_file_name(["2024年", "东石镇"], "xlsx") == "2024年-东石镇-任务台账.xlsx"
    assert ledger_file_name(["2024年", "a/b:c"], "csv") == "2024年-a_b_c-任务台账.csv"


@pytest.mark.django_db
def test_download_links__unit_ledger_saved_as_year_and_unit(notice_index) -> None:
    town = UnitFactory(name="东石镇")
    notice = make_notice(notice_index, title="关于下达2024年度目标责任的通知", year=2024)
    make_attachment(notice, body=[task_list([{"task": "建设消防站", "units": [(town, "lead")]}])])
    unit_ledger = next(item for item in ledgers(Site.from_snapshot(take_snapshot())) if item.title == "东石镇任务台账")
    assert unit_ledger.file_label == "2024年-东石镇-任务台账"
    links = download_links("units/x.md", unit_ledger.name, unit_ledger.file_label)
    assert 'download="2024年-东石镇-任务台账.xlsx"' in links
    # The link names the unit and year, and goes to the file under that name (percent-encoded).
    assert f'href="../downloads/{unit_ledger.name}/{quote("2024年-东石镇-任务台账.xlsx")}"' in links
    assert ">2024年东石镇任务台账（XLSX<span data-gk-size=" in links


@pytest.mark.slow
def test_libreoffice__unit_ledger_pdf_has_the_header_on_every_page(tmp_path: Path) -> None:
    assert PDFTOTEXT, "pdftotext (poppler-utils) is not installed"
    source = tmp_path / "2024年-东石镇-任务台账.xlsx"
    source.write_bytes(_xlsx(_unit_tasks(400)))
    pdf = convert(source, "pdf", tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))
    assert pages >= 2, "the test needs a ledger longer than one page"
    for page in range(1, pages + 1):
        text = subprocess.run(
            [PDFTOTEXT, "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for name in ("序号", "责任单位", "工作内容", "截止日期", "下次节点"):
            assert name in text, (page, name)


@pytest.mark.django_db
def test_public_ledger__targets_dated_with_year_and_title_for_missing_number_and_no_leak(notice_index) -> None:
    public = make_notice(notice_index, title="2024年度安全生产目标责任", doc_number="", year=None)
    make_attachment(public, title="2024年度目标责任", body=[paragraph("火灾防控目标。不发生较大火灾。", level=1)])
    hidden = make_notice(notice_index, title="2024年度保密目标责任", disclosure=Disclosure.ON_REQUEST)
    make_attachment(hidden, title="目标责任", body=[paragraph("不该出现的目标。", level=1)])
    every = next(item for item in ledgers(Site.from_snapshot(take_snapshot())) if item.name == "tasks")
    assert [task["detail"] for task in every.tasks] == ["不发生较大火灾。"]
    row = build_ledger(every.tasks).iloc[0]
    assert (row["类型"], row["年度"], row["发文字号"]) == ("共性目标", 2024, "2024年度安全生产目标责任")
    assert str(row["截止日期"])[:10] == "2024-12-31"


@pytest.mark.django_db
def test_admin_export__file_name_reflects_the_filter(admin_client, notice_index) -> None:
    town = UnitFactory(name="东石镇")
    notice = make_notice(notice_index, year=2024)
    make_attachment(notice, body=[task_list([{"task": "建设消防站", "units": [(town, "lead")]}])])
    response = admin_client.get("/admin/ledger/task/", {"export": "xlsx", "year": "2024", "unit": str(town.pk)})
    assert response.status_code == 200
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert quote("2024年-东石镇-任务台账.xlsx") in response["Content-Disposition"]
