"""Ledgers as Excel/WPS users and machines receive them."""

from __future__ import annotations

import io
import json
import unicodedata
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter
from openpyxl.utils.escape import unescape

from cms.ledger.tables import (
    LEDGER_COLUMNS,
    ROW_ID_COLUMN,
    UNIT_LEDGER_COLUMNS,
    _display_width,
    build_ledger,
    build_unit_ledger,
    ledger_writers,
    neutralise,
    write_csv,
    write_json,
    write_xlsx,
)
from cms.ledger.tables import _neutralised as neutralised_frame
from tests.spreadsheets import (
    FORMULA_PAYLOADS,
    LOOKALIKES,
    assert_no_cell_starts_a_formula,
    csv_rows,
    protected,
    xlsx_rows,
)

DANGEROUS = ["=1+1", "@SUM(A1)", "+1", "-1", "\t=x", "\r=x", "-5"]


def _task(**overrides: Any) -> dict[str, Any]:
    task: dict[str, Any] = {
        "year": 2020,
        "doc_number": "晋政文〔2022〕201号",
        "doc_title": "百崎回族乡安全生产专项整治三年行动实施方案",
        "attachment": "附件2",
        "topic": "学习宣贯专题",
        "task": "1.组织集中观看学习“生命重于泰山”电视专题片。",
        "detail": "配合区级宣传部门要安排播放专题公开版。",
        "deadline_text": "2021年底前",
        "lead_units": ["乡安办"],
        "support_units": ["乡安委会各成员单位", "各村"],
        "units_text": "乡安办，乡安委会各成员单位；各村",
        "progress_status": "推进中",
        "progress_note": "已组织两次集中观看",
        "progress_date": date(2021, 3, 15),
        "url": "https://example.gov.cn/mubiao/2020/baiqi/#t1",
        "row_id": "2020-baiqi-a2-001",
    }
    task.update(overrides)
    return task


@pytest.fixture
def tasks() -> list[dict[str, Any]]:
    return [
        _task(),
        _task(
            row_id="2020-baiqi-a2-002",
            task="2.对安全隐患大排查大整治进展情况进行督查。",
            deadline_text="2020-2022年",
            lead_units=["区规划建设与交通运输局（住建、交通）", "公安分局"],
            support_units=["公安分局", "消防救援大队"],
            units_text="区规划建设与交通运输局（住建、交通）、公安分局、消防救援大队",
            progress_date=None,
        ),
        _task(
            row_id="2020-baiqi-a2-003",
            deadline_text="每季度",
            topic="=1+1",
            detail="@SUM(A1)",
            progress_note="-5",
            lead_units=[],
            support_units=[],
            year=None,
        ),
    ]


@pytest.fixture
def dangerous_frame() -> pd.DataFrame:
    return build_ledger([_task(row_id=f"r{i}", detail=text, progress_note=text) for i, text in enumerate(DANGEROUS)])


# --- building ---------------------------------------------------------------------


def test_build_ledger__columns_in_order_with_row_id_last(tasks: list[dict[str, Any]]) -> None:
    frame = build_ledger(tasks)
    assert list(frame.columns) == [*LEDGER_COLUMNS, ROW_ID_COLUMN]
    assert LEDGER_COLUMNS[:4] == ("序号", "年度", "发文字号", "文件标题")
    assert ROW_ID_COLUMN == "任务编号"
    assert frame["序号"].tolist() == [1, 2, 3]
    assert frame[ROW_ID_COLUMN].tolist() == [
        "2020-baiqi-a2-001",
        "2020-baiqi-a2-002",
        "2020-baiqi-a2-003",
    ]


def test_build_ledger__deadline_parsed_beside_text(tasks: list[dict[str, Any]]) -> None:
    frame = build_ledger(tasks)
    assert frame["完成时限"].tolist() == ["2021年底前", "2020-2022年", "每季度"]
    assert frame["截止日期"].iloc[0] == pd.Timestamp("2021-12-31")
    assert frame["截止日期"].iloc[1] == pd.Timestamp("2022-12-31")
    assert pd.isna(frame["截止日期"].iloc[2])
    assert frame["时限类型"].tolist() == ["限期", "时段", "周期性"]


def test_build_ledger__units_joined_and_lead_wins(tasks: list[dict[str, Any]]) -> None:
    frame = build_ledger(tasks)
    assert frame["牵头单位"].tolist() == [
        "乡安办",
        "区规划建设与交通运输局（住建、交通）、公安分局",
        "",
    ]
    assert frame["配合单位"].tolist() == ["乡安委会各成员单位、各村", "消防救援大队", ""]
    assert frame["责任单位（原文）"].iloc[0] == "乡安办，乡安委会各成员单位；各村"


def test_build_ledger__missing_values_are_empty(tasks: list[dict[str, Any]]) -> None:
    frame = build_ledger([{"deadline_text": None}])
    assert frame["工作内容"].iloc[0] == ""
    assert pd.isna(frame["年度"].iloc[0])
    assert frame["时限类型"].iloc[0] == "未识别"
    assert build_ledger([]).columns.tolist() == [*LEDGER_COLUMNS, ROW_ID_COLUMN]


def test_build_unit_ledger__one_row_per_task_and_unit(tasks: list[dict[str, Any]]) -> None:
    frame = build_unit_ledger(tasks)
    assert list(frame.columns) == [*UNIT_LEDGER_COLUMNS, ROW_ID_COLUMN]
    assert list(frame.columns[:3]) == ["序号", "责任单位", "角色"]
    pairs = list(zip(frame[ROW_ID_COLUMN], frame["责任单位"], frame["角色"], strict=True))
    assert pairs == [
        ("2020-baiqi-a2-001", "乡安办", "牵头"),
        ("2020-baiqi-a2-001", "乡安委会各成员单位", "配合"),
        ("2020-baiqi-a2-001", "各村", "配合"),
        ("2020-baiqi-a2-002", "区规划建设与交通运输局（住建、交通）", "牵头"),
        ("2020-baiqi-a2-002", "公安分局", "牵头"),
        ("2020-baiqi-a2-002", "消防救援大队", "配合"),
        ("2020-baiqi-a2-003", "", ""),
    ]
    assert frame["序号"].tolist() == list(range(1, 8))
    assert frame["截止日期"].iloc[5] == pd.Timestamp("2022-12-31")


# --- neutralise -------------------------------------------------------------------


@pytest.mark.parametrize("text", DANGEROUS)
def test_neutralise__formula_prefixes_get_apostrophe(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["2021年底前", "", "'=1+1", "乡安办", " =1", "1-1", "（一）"])
def test_neutralise__plain_text_unchanged(text: str) -> None:
    assert neutralise(text) == text


# --- CSV --------------------------------------------------------------------------


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    write_csv(frame, buffer)
    return buffer.getvalue()


def test_write_csv__bom_crlf_and_chinese_round_trip(tasks: list[dict[str, Any]]) -> None:
    frame = build_ledger(tasks)
    data = _csv_bytes(frame)
    assert data[:3] == b"\xef\xbb\xbf"
    assert data.split(b"\r\n")[0].decode("utf-8-sig").split(",")[:3] == ["序号", "年度", "发文字号"]
    assert b"\n" not in data.replace(b"\r\n", b"")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(back.columns) == [*LEDGER_COLUMNS, ROW_ID_COLUMN]
    assert back["文件标题"].iloc[0] == "百崎回族乡安全生产专项整治三年行动实施方案"
    assert back["牵头单位"].iloc[1] == "区规划建设与交通运输局（住建、交通）、公安分局"
    assert back["截止日期"].tolist() == ["2021-12-31", "2022-12-31", ""]
    assert back["更新日期"].tolist() == ["2021-03-15", "", "2021-03-15"]


def test_write_csv__formula_stays_text(tasks: list[dict[str, Any]]) -> None:
    data = _csv_bytes(build_ledger(tasks))
    assert b",'=1+1," in data
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert back["专题/项目"].iloc[2] == "'=1+1"
    assert back["工作内容"].iloc[2] == "'@SUM(A1)"
    assert back["进展说明"].iloc[2] == "'-5"


def test_write_csv__every_dangerous_prefix_neutralised(dangerous_frame: pd.DataFrame) -> None:
    back = pd.read_csv(
        io.BytesIO(_csv_bytes(dangerous_frame)),
        encoding="utf-8-sig",
        dtype=str,
        keep_default_na=False,
    )
    assert back["工作内容"].tolist() == ["'" + text for text in DANGEROUS]


def test_write_csv__input_frame_untouched(tasks: list[dict[str, Any]]) -> None:
    frame = build_ledger(tasks)
    _csv_bytes(frame)
    assert frame["专题/项目"].iloc[2] == "=1+1"


def test_write_csv__deterministic_and_path_equals_buffer(tasks: list[dict[str, Any]], tmp_path: Path) -> None:
    frame = build_ledger(tasks)
    write_csv(frame, tmp_path / "a.csv")
    write_csv(build_ledger(tasks), tmp_path / "b.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes() == _csv_bytes(frame)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.csv"], "temporary files left behind"


# --- XLSX -------------------------------------------------------------------------


def _xlsx_bytes(frame: pd.DataFrame, **kwargs: Any) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(frame, buffer, **kwargs)
    return buffer.getvalue()


def _letter(name: str) -> str:
    """The XLSX column letter of a ledger header (columns move as the ledger grows)."""
    return get_column_letter([*LEDGER_COLUMNS, ROW_ID_COLUMN].index(name) + 1)


def _open(data: bytes) -> openpyxl.worksheet.worksheet.Worksheet:
    return openpyxl.load_workbook(io.BytesIO(data)).active


def test_write_xlsx__frozen_header_filter_and_headers(tasks: list[dict[str, Any]]) -> None:
    sheet = _open(_xlsx_bytes(build_ledger(tasks)))
    assert sheet.title == "台账"
    assert sheet.freeze_panes == "A2"
    assert (
        sheet.auto_filter.ref == "A1:W4"
    )  # 23 columns: 类型, 指标值, 下次节点 (issue 14), 责任单位（未分牵头配合） (issue 13)
    assert [cell.value for cell in sheet[1]] == [*LEDGER_COLUMNS, ROW_ID_COLUMN]
    assert sheet.max_row == 4


def test_write_xlsx__dates_are_real_dates(tasks: list[dict[str, Any]]) -> None:
    sheet = _open(_xlsx_bytes(build_ledger(tasks)))
    due = list(sheet[_letter("截止日期")])[1:]
    assert [cell.value for cell in due] == [datetime(2021, 12, 31), datetime(2022, 12, 31), None]
    assert isinstance(due[0].value, datetime)
    assert due[0].number_format == "yyyy-mm-dd"
    assert sheet[f"{_letter('更新日期')}2"].value == datetime(2021, 3, 15)
    assert sheet["A2"].value == 1 and sheet["B2"].value == 2020


def test_write_xlsx__formula_is_a_string_not_a_formula(tasks: list[dict[str, Any]]) -> None:
    sheet = _open(_xlsx_bytes(build_ledger(tasks)))
    cell = sheet[f"{_letter('专题/项目')}4"]
    assert cell.value == "'=1+1"
    assert cell.data_type != "f"
    assert isinstance(cell.value, str)


def test_write_xlsx__every_dangerous_prefix_neutralised(dangerous_frame: pd.DataFrame) -> None:
    sheet = _open(_xlsx_bytes(dangerous_frame))
    for column in (_letter("工作内容"), _letter("进展说明")):
        cells = list(sheet[column])[1:]
        assert [unescape(cell.value) for cell in cells] == ["'" + text for text in DANGEROUS]
        assert all(cell.data_type == "s" for cell in cells)


def test_write_xlsx__long_text_wrapped_and_widths_capped(tasks: list[dict[str, Any]]) -> None:
    long_detail = "督促辖区内危险化学品企业全面完成安全风险隐患自查工作并制定整改方案。" * 10
    sheet = _open(_xlsx_bytes(build_ledger([_task(detail=long_detail)])))
    assert sheet[f"{_letter('工作内容')}2"].alignment.wrap_text is True
    widths = {key: dim.width for key, dim in sheet.column_dimensions.items()}
    assert 0 < widths[_letter("工作内容")] <= 61
    assert all(width <= 61 for width in widths.values())
    assert widths["A"] >= 6


def test_write_xlsx__sheet_name_and_path(tasks: list[dict[str, Any]], tmp_path: Path) -> None:
    write_xlsx(build_ledger(tasks), tmp_path / "ledger.xlsx", sheet_name="百崎台账")
    assert openpyxl.load_workbook(tmp_path / "ledger.xlsx").sheetnames == ["百崎台账"]
    assert [p.name for p in tmp_path.iterdir()] == ["ledger.xlsx"]


def test_write_xlsx__deterministic(tasks: list[dict[str, Any]], tmp_path: Path) -> None:
    first = _xlsx_bytes(build_ledger(tasks))
    second = _xlsx_bytes(build_ledger(tasks))
    assert first == second
    write_xlsx(build_ledger(tasks), tmp_path / "a.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == first


def test_write_xlsx__unit_ledger_and_empty_frame(tasks: list[dict[str, Any]]) -> None:
    sheet = _open(_xlsx_bytes(build_unit_ledger(tasks)))
    assert [cell.value for cell in sheet[1]][:3] == ["序号", "责任单位", "角色"]
    assert sheet["B3"].value == "乡安委会各成员单位"
    empty = _open(_xlsx_bytes(build_ledger([])))
    assert [cell.value for cell in empty[1]] == [*LEDGER_COLUMNS, ROW_ID_COLUMN]


# --- JSON -------------------------------------------------------------------------


def _json_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    write_json(frame, buffer)
    return buffer.getvalue()


def test_write_json__records_with_chinese_keys_iso_dates_not_neutralised(
    tasks: list[dict[str, Any]],
) -> None:
    data = _json_bytes(build_ledger(tasks))
    assert not data.startswith(b"\xef\xbb\xbf")
    assert "百崎回族乡".encode() in data
    records = json.loads(data.decode("utf-8"))
    assert list(records[0]) == [*LEDGER_COLUMNS, ROW_ID_COLUMN]
    assert records[0]["截止日期"] == "2021-12-31"
    assert records[0]["更新日期"] == "2021-03-15"
    assert records[1]["更新日期"] is None
    assert records[2]["年度"] is None and records[0]["年度"] == 2020
    assert records[2]["专题/项目"] == "=1+1"
    assert [record["序号"] for record in records] == [1, 2, 3]


def test_write_json__deterministic(tasks: list[dict[str, Any]], tmp_path: Path) -> None:
    write_json(build_ledger(tasks), tmp_path / "a.json")
    assert (tmp_path / "a.json").read_bytes() == _json_bytes(build_ledger(tasks)) == _json_bytes(build_ledger(tasks))
    assert json.loads(_json_bytes(build_ledger([]))) == []


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_neutralise__result_never_starts_like_a_formula(text: str) -> None:
    result = neutralise(text)
    assert not result.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert result in (text, "'" + text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(), st.sampled_from(DANGEROUS), st.none()), max_size=30))
def test_neutralise__frame_matches_cell_by_cell(values: list[str | None]) -> None:
    frame = pd.DataFrame({"text": pd.array(values, dtype="str"), "object": pd.Series(values, dtype=object)})
    result = neutralised_frame(frame)
    for column in ("text", "object"):
        expected = [None if pd.isna(value) else neutralise(value) for value in frame[column]]
        got = [None if pd.isna(value) else value for value in result[column]]
        assert got == expected
    assert frame["text"].tolist() == pd.array(values, dtype="str").tolist()


def test_write_csv__new_file_readable_by_web_server(tasks: list[dict[str, Any]], tmp_path: Path) -> None:
    write_csv(build_ledger(tasks), tmp_path / "ledger.csv")
    assert (tmp_path / "ledger.csv").stat().st_mode & 0o777 == 0o644


# --- formula injection, table-driven over every payload and every text column ------------------

_TEXT_FIELDS = (
    "doc_number",
    "doc_title",
    "attachment",
    "topic",
    "task",
    "detail",
    "deadline_text",
    "units_text",
    "progress_status",
    "progress_note",
    "url",
    "row_id",
    "kind",
)
_NOT_TEXT = {"序号", "年度", "截止日期", "下次节点", "指标值", "更新日期", "时限类型", "角色"}


def _hostile_task(text: str) -> dict[str, Any]:
    return _task(
        **dict.fromkeys(_TEXT_FIELDS, text),
        lead_units=[text],
        support_units=[text + "配合"],
        unstated_units=[text + "责任"],
        unit_links=[{"unit": 1, "name": text, "role": "lead", "source": text}],
    )


def _text_columns(frame: pd.DataFrame) -> list[str]:
    return [name for name in frame.columns if name not in _NOT_TEXT]


@pytest.mark.parametrize("build", [build_ledger, build_unit_ledger], ids=["ledger", "unit_ledger"])
@pytest.mark.parametrize("text", FORMULA_PAYLOADS + LOOKALIKES)
def test_write_csv_and_xlsx__every_text_column_protected_and_kept(build, text: str) -> None:
    frame = build([_hostile_task(text)])
    columns = _text_columns(frame)
    assert len(columns) >= 13
    buffer = io.BytesIO()
    write_csv(frame, buffer)
    for rows in (csv_rows(buffer.getvalue()), xlsx_rows(_xlsx_bytes(frame))):
        assert_no_cell_starts_a_formula(rows)
        assert len(rows) == len(frame)
        for position, row in enumerate(rows):
            for column in columns:
                written = frame[column].iloc[position]
                assert row[column] == protected(written), (column, row[column])
                assert text.strip() in row[column] or column in (
                    "牵头单位",
                    "配合单位",
                    "责任单位",
                    "责任单位（未分牵头配合）",
                    "来源",
                ), column


@pytest.mark.parametrize("name", FORMULA_PAYLOADS)
def test_write_csv_and_xlsx__hostile_header_is_protected(name: str) -> None:
    """Column names come from code today; a frame built elsewhere must not smuggle a formula through them."""
    frame = pd.DataFrame({name: pd.array(["x"], dtype="str")})
    buffer = io.BytesIO()
    write_csv(frame, buffer)
    assert list(csv_rows(buffer.getvalue())[0]) == [protected(name)]
    assert list(xlsx_rows(_xlsx_bytes(frame))[0]) == [protected(name)]


def _dumps_records(records: list[dict[str, Any]]) -> bytes:
    """What write_json must give: json.dumps of each record, one per line (the oracle, cell by cell)."""
    return ("[\n" + ",\n".join(json.dumps(record, ensure_ascii=False) for record in records) + "\n]\n").encode()


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.text()),
            st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)),
            st.one_of(st.none(), st.integers(min_value=-(2**40), max_value=2**40)),
            st.booleans(),
            st.one_of(st.none(), st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_write_json__every_dtype_as_json_dumps_gives_it(rows: list[tuple[Any, ...]]) -> None:
    texts, floats, ints, flags, days = (list(column) for column in zip(*rows, strict=True))
    frame = pd.DataFrame(
        {
            "文本{x}": pd.array(texts, dtype="str"),
            "小数": pd.array(floats, dtype="float64"),
            "可空小数": pd.array([None if f is None or f != f else f for f in floats], dtype="Float64"),
            "整数": pd.array(ints, dtype="Int64"),
            "是否": flags,
            "日期": pd.to_datetime(pd.Series(days, dtype=object)),
            "杂项": pd.Series([*texts[:-1], days[-1]], dtype=object),
        }
    )
    finite = {"小数", "可空小数"}

    def cell(name: str, value: Any) -> Any:
        if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
            return None
        if name in finite and value in (float("inf"), float("-inf")):
            return None
        if isinstance(value, (pd.Timestamp, date)):
            return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()
        return value.item() if hasattr(value, "item") else value

    records = [{name: cell(name, frame[name].iloc[row]) for name in frame.columns} for row in range(len(frame))]
    assert _json_bytes(frame) == _dumps_records(records)


@pytest.mark.parametrize("build", [build_ledger, build_unit_ledger], ids=["ledger", "unit_ledger"])
@pytest.mark.parametrize("copies", [1, 800], ids=["short", "longer_than_a_piece"])
def test_ledger_writers__streamed_files_as_the_writers_give_them_by_path_and_in_memory(
    build, copies: int, tasks: list[dict[str, Any]], tmp_path: Path
) -> None:
    # Chinese text, a formula-looking cell, empty cells (no units, no year, no date) and dates.
    rows = [{**task, "row_id": f"{task['row_id']}-{n}"} for n in range(copies) for task in tasks]
    frame = build([*rows, _hostile_task("=1+1"), _task(row_id="blank", detail="", progress_date=None, year=None)])
    assert len(frame) > 2_000 or copies == 1, "the longer case spans several pieces of JSON and sheet rows"
    writers = ledger_writers(frame)
    assert list(writers) == ["csv", "xlsx", "json"]
    for fmt, write in writers.items():
        with (tmp_path / f"streamed.{fmt}").open("wb") as handle:
            write(handle)
    write_csv(frame, tmp_path / "path.csv")
    write_xlsx(frame, tmp_path / "path.xlsx")
    write_json(frame, tmp_path / "path.json")
    memory = {"csv": _csv_bytes(frame), "xlsx": _xlsx_bytes(frame), "json": _json_bytes(frame)}
    for fmt, data in memory.items():
        streamed = (tmp_path / f"streamed.{fmt}").read_bytes()
        assert streamed == (tmp_path / f"path.{fmt}").read_bytes() == data, fmt
    assert "'=1+1" in memory["csv"].decode("utf-8-sig") and "2021-03-15" in memory["csv"].decode("utf-8-sig")
    records = json.loads(memory["json"])
    assert records[-1]["更新日期"] is None and records[-1]["年度"] is None and records[0]["更新日期"] == "2021-03-15"
    assert "=1+1" in frame["专题/项目"].tolist(), "the caller's frame is not neutralised in place"


def test_write_json__ledger_longer_than_a_piece_is_one_array(tasks: list[dict[str, Any]], tmp_path: Path) -> None:
    """Written in pieces of 2,000 records: the joins must give json.dumps' text, to a path and to a text buffer."""
    frame = build_ledger([{**tasks[n % 3], "row_id": f"r{n}"} for n in range(4_001)])
    records = [
        {name: None if pd.isna(value) else value for name, value in record.items()}
        for record in json.loads(_json_bytes(frame))
    ]
    expected = _dumps_records(records)
    assert len(records) == 4_001 and records[-1]["序号"] == 4_001
    write_json(frame, tmp_path / "a.json")
    text = io.StringIO()
    write_json(frame, text)
    assert _json_bytes(frame) == (tmp_path / "a.json").read_bytes() == text.getvalue().encode() == expected


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_display_width__cjk_and_full_width_count_double(text: str) -> None:
    expected = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    assert _display_width(text) == expected
    assert _display_width("区规划建设与交通运输局（住建、交通）abc“—”") == 2 * 18 + 3 + 3
