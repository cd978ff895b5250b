"""The public ledgers open in LibreOffice (the free stand-in here for Excel/WPS).

A real ``soffice --headless --convert-to`` round trip over ledgers built from
the imported seed 003 plus one hostile cell.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.utils.escape import unescape

from cms.importer.service import import_documents
from cms.ledger.tables import LEDGER_COLUMNS, build_ledger, write_csv, write_xlsx
from export.downloads import ledger_files, ledgers
from export.site import Site
from export.snapshot import take_snapshot
from tests.factories import UnitFactory, make_attachment, make_notice, task_list
from tests.spreadsheets import FORMULA_PAYLOADS, FORMULA_PREFIXES, LOOKALIKES

SEED = next((Path(__file__).resolve().parents[2] / "content" / "seeds").glob("003_*.txt"))
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def downloads(notice_index, tmp_path) -> Path:
    import_documents([(SEED.name, SEED.read_bytes())], publish=True, disclosure="主动公开")
    notice = make_notice(notice_index, title="注入测试通知")
    unit = UnitFactory(name="乡安办")
    make_attachment(notice, body=[task_list([{"task": "=1+1", "deadline": "2021年底前", "units": [(unit, "lead")]}])])
    out = tmp_path / "downloads"
    for relative, data in ledger_files(ledgers(Site.from_snapshot(take_snapshot()))):
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return out


def convert(source: Path, target_format: str, outdir: Path, infilter: str | None = None) -> Path:
    assert SOFFICE, "LibreOffice (soffice) is not installed: scripts/test.sh installs libreoffice-calc-nogui"
    profile = outdir / "lo-profile"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            *([f"--infilter={infilter}"] if infilter else []),
            "--convert-to",
            target_format,
            "--outdir",
            str(outdir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return outdir / f"{source.stem}.{target_format.split(':')[0]}"


def test_libreoffice__xlsx_opens_with_chinese_tasks_units_and_dates(downloads, tmp_path):
    # 44,34,76 = comma, double quote, UTF-8: read back what LibreOffice saw in each cell.
    result = convert(downloads / "tasks.xlsx", "csv:Text - txt - csv (StarCalc):44,34,76", tmp_path / "out")
    rows = list(csv.DictReader(io.StringIO(result.read_text(encoding="utf-8"))))
    tasks = {r["工作任务"] for r in rows}
    seed_text = SEED.read_text(encoding="utf-8")
    assert len([t for t in tasks if t and t in seed_text.replace("\t", "")]) >= 20
    # The seed lists 乡消安委 beside others without saying who leads: it is under 责任单位, not guessed.
    unit_columns = ("牵头单位", "配合单位", "责任单位（未分牵头配合）")
    assert any("消安委" in r[column] for r in rows for column in unit_columns)
    hostile = next(r for r in rows if "1+1" in r["工作任务"])
    assert hostile["工作任务"] in ("'=1+1", "=1+1") and hostile["工作任务"] != "2"
    assert hostile["截止日期"].startswith("2021-12-31")


def test_libreoffice__bom_csv_reads_as_chinese_and_formula_stays_text(downloads, tmp_path):
    # Headless LibreOffice does not sniff encodings as Excel and WPS do, so
    # it is told UTF-8; the BOM must then be consumed, not become part of 序号.
    result = convert(downloads / "tasks.csv", "xlsx", tmp_path / "out", infilter="Text - txt - csv (StarCalc):44,34,76")
    sheet = openpyxl.load_workbook(result).active
    assert sheet.cell(1, 1).value == "序号"
    values = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "工作任务" in values and "完成时限" in values
    hostile = [v for v in values if isinstance(v, str) and "1+1" in v]
    assert hostile == ["'=1+1"]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_libreoffice__no_payload_becomes_a_formula_in_csv_or_xlsx(tmp_path):
    """Every formula payload and whitespace look-alike, written by the ledger writers, opens as text."""
    texts = FORMULA_PAYLOADS + LOOKALIKES
    frame = build_ledger(
        [{"task": text, "detail": text, "units_text": text, "row_id": str(n)} for n, text in enumerate(texts)]
    )
    write_csv(frame, tmp_path / "hostile.csv")
    write_xlsx(frame, tmp_path / "hostile.xlsx")
    from_csv = convert(
        tmp_path / "hostile.csv", "xlsx", tmp_path / "csv", infilter="Text - txt - csv (StarCalc):44,34,76"
    )
    from_xlsx = convert(tmp_path / "hostile.xlsx", "xlsx", tmp_path / "xlsx")
    for result in (from_csv, from_xlsx):
        sheet = openpyxl.load_workbook(result).active
        assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"], result
        # LibreOffice reads a CR inside a quoted CSV cell as a line feed: text all the same.
        column = get_column_letter(LEDGER_COLUMNS.index("工作任务") + 1)
        tasks = [unescape(c.value).replace("\r", "\n") for c in sheet[column][1:]]
        shown = [t[1:] if t.startswith("'") and t[1:].startswith((*FORMULA_PREFIXES, "\n")) else t for t in tasks]
        assert shown == [text.replace("\r", "\n") for text in texts], result
