"""Task ledgers (台账) for people who work in Excel or WPS.

A ledger is one row per task (or per task and responsible unit) with the
deadline text as written and the parsed due date beside it.  The files are
what units download, so they follow DESIGN.md "Ledgers are for people with
Excel/WPS":

* CSV in UTF-8 *with BOM* and CRLF, because Excel on Windows otherwise opens
  UTF-8 Chinese as mojibake;
* XLSX with a frozen header, an auto-filter and real date cells;
* every text cell protected against formula injection (OWASP: a leading
  ``= + - @``, tab or CR gets an apostrophe), since document text comes
  from many editors and a downloaded file must never run anything;
* byte-identical output for identical content, so a publish can be diffed.

JSON is for machines and is written without the apostrophe protection.
Pure Python (pandas, and :mod:`cms.ledger.xlsx` for the workbook), no
Django, so the exporter and tests can run it without a database.
"""

from __future__ import annotations

import io
import json
import math
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from . import xlsx
from .deadlines import DEADLINE_KIND_LABELS, parse_deadline
from .obligations import KIND_TASK

__all__ = [
    "LEDGER_COLUMNS",
    "ROW_ID_COLUMN",
    "SOURCE_COLUMN",
    "UNIT_ITEMS_COLUMNS",
    "UNIT_LEDGER_COLUMNS",
    "build_ledger",
    "build_unit_items_ledger",
    "build_unit_ledger",
    "ledger_file_name",
    "ledger_writers",
    "neutralise",
    "select_rows",
    "write_csv",
    "write_json",
    "write_xlsx",
]

LEDGER_COLUMNS: tuple[str, ...] = (
    "序号",
    "年度",
    "发文字号",
    "文件标题",
    "附件",
    "类型",
    "专题/项目",
    "工作任务",
    "工作内容",
    "指标值",
    "完成时限",
    "截止日期",
    "下次节点",
    "时限类型",
    "牵头单位",
    "配合单位",
    "责任单位（未分牵头配合）",
    "责任单位（原文）",
    "进展状态",
    "进展说明",
    "更新日期",
    "链接",
)
ROW_ID_COLUMN = "任务编号"
UNIT_COLUMN = "责任单位"
ROLE_COLUMN = "角色"
ROLE_LEAD = "牵头"
ROLE_SUPPORT = "配合"
ROLE_UNSTATED = "责任单位"  # the source lists units without saying who leads
ROLE_NAMES = {"lead": ROLE_LEAD, "support": ROLE_SUPPORT, "unstated": ROLE_UNSTATED}
# Why the item is the unit's: 直接 (named), 经由 各乡镇（街道） (a group it belongs to), 主送 (the notice's addressee).
SOURCE_COLUMN = "来源"
UNIT_LEDGER_COLUMNS: tuple[str, ...] = (
    LEDGER_COLUMNS[0],
    UNIT_COLUMN,
    ROLE_COLUMN,
    SOURCE_COLUMN,
    *LEDGER_COLUMNS[1:],
)
# One unit's own ledger: its items, with its part in each and where the item reaches it from.
UNIT_ITEMS_COLUMNS: tuple[str, ...] = (LEDGER_COLUMNS[0], ROLE_COLUMN, SOURCE_COLUMN, *LEDGER_COLUMNS[1:])
UNIT_SEPARATOR = "、"

_DATE_COLUMNS = ("截止日期", "下次节点", "更新日期")
# Long free text: wrapped in XLSX so a row stays readable at a capped width.
_WRAP_COLUMNS = frozenset(
    {
        "发文字号",
        "文件标题",
        "专题/项目",
        "工作任务",
        "工作内容",
        "牵头单位",
        "配合单位",
        "责任单位（未分牵头配合）",
        "责任单位（原文）",
        "进展说明",
        UNIT_COLUMN,
    }
)
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_CODEPOINTS = np.array([ord(prefix) for prefix in _FORMULA_PREFIXES], dtype=np.uint32)
_EXCEL_MAX_ROWS = 1_048_576
_STREAM_ROWS = 5_000
_NEW_FILE_MODE = 0o644
_WIDTH_SAMPLE_ROWS = 500
_JSON_CHUNK_ROWS = 2_000
_LINE_HEIGHT = 15.0
_MAX_ROW_HEIGHT = 409.0
_WIDEST_COLUMNS = frozenset({"工作内容"})
# Trailing machine columns (a link, the stable id) are left off the printed page.
_NOT_PRINTED = frozenset({"链接", ROW_ID_COLUMN})
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


# --- building -----------------------------------------------------------------


def _text(value: Any) -> str:
    """A cell's text: None and NaN become "", everything else its str()."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    return value if isinstance(value, str) else str(value)


def _cell_value(value: Any) -> Any:
    """None for NA/NaN/±inf (Excel and JSON have no such numbers), else the value."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _units(value: Any) -> list[str]:
    """The non-empty unit names of a task, in the editor's order, without repeats."""
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    names: list[str] = []
    for item in value:
        name = _text(item).strip()
        if name and name not in names:
            names.append(name)
    return names


def _roles(task: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Lead and support units; a unit named in both counts as lead only."""
    leads = _units(task.get("lead_units"))
    return leads, [name for name in _units(task.get("support_units")) if name not in leads]


def _day(value: Any) -> np.datetime64:
    """A date-like value (date, datetime, ISO text) as a day; anything else NaT."""
    if value is None or value == "":
        return np.datetime64("NaT", "s")
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return np.datetime64(value.isoformat(), "s")
    try:
        return np.datetime64(date.fromisoformat(str(value)[:10]).isoformat(), "s")
    except ValueError:
        return np.datetime64("NaT", "s")


def _year(value: Any) -> int | None:
    try:
        return None if value is None or value == "" else int(value)
    except (TypeError, ValueError):
        return None


def _checkpoints(value: Any) -> list[date]:
    days = []
    for item in value or []:
        day = _day(item)
        if not np.isnat(day):
            days.append(date.fromisoformat(str(day)[:10]))
    return days


def next_checkpoint(value: Any, as_of: date) -> np.datetime64:
    upcoming = [day for day in _checkpoints(value) if day >= as_of]
    return _day(min(upcoming)) if upcoming else np.datetime64("NaT", "s")


def _number(value: Any) -> float | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def build_ledger(tasks: Iterable[dict[str, Any]], as_of: date | None = None) -> pd.DataFrame:
    """One row per tracked item, Chinese headers, dates beside the deadline text.

    Tasks are plain dicts (from the snapshot) so the ledger does not depend on
    Django; missing keys give empty cells.  序号 counts 1..n in input order,
    任务编号 (``row_id``) is the stable id that survives reordering.
    截止日期 is ``due_date`` when the caller scheduled the item (see
    :mod:`cms.ledger.schedule`), else the parsed 完成时限; 下次节点 is the
    first of ``checkpoints`` on or after ``as_of`` (default: today), so a
    ledger changes when a check-in passes, and only then.  发文字号 falls back
    to the document title: a row must say which document it comes from.
    """
    as_of = as_of or date.today()
    columns: dict[str, list[Any]] = {name: [] for name in (*LEDGER_COLUMNS, ROW_ID_COLUMN)}
    for number, task in enumerate(tasks, start=1):
        deadline_text = _text(task.get("deadline_text"))
        deadline = parse_deadline(deadline_text)
        due = task.get("due_date", deadline.due)
        columns["序号"].append(number)
        columns["年度"].append(_year(task.get("year")))
        columns["发文字号"].append(_text(task.get("doc_number")) or _text(task.get("doc_title")))
        columns["文件标题"].append(_text(task.get("doc_title")))
        columns["附件"].append(_text(task.get("attachment")))
        columns["类型"].append(_text(task.get("kind")) or KIND_TASK)
        columns["专题/项目"].append(_text(task.get("topic")))
        columns["工作任务"].append(_text(task.get("task")))
        columns["工作内容"].append(_text(task.get("detail")))
        columns["指标值"].append(_number(task.get("target_value")))
        columns["完成时限"].append(deadline_text)
        columns["截止日期"].append(_day(due))
        columns["下次节点"].append(next_checkpoint(task.get("checkpoints"), as_of))
        columns["时限类型"].append(DEADLINE_KIND_LABELS[deadline.kind])
        leads, supports = _roles(task)
        columns["牵头单位"].append(UNIT_SEPARATOR.join(leads))
        columns["配合单位"].append(UNIT_SEPARATOR.join(supports))
        columns["责任单位（未分牵头配合）"].append(
            UNIT_SEPARATOR.join(n for n in _units(task.get("unstated_units")) if n not in leads and n not in supports)
        )
        columns["责任单位（原文）"].append(_text(task.get("units_text")))
        columns["进展状态"].append(_text(task.get("progress_status")))
        columns["进展说明"].append(_text(task.get("progress_note")))
        columns["更新日期"].append(_day(task.get("progress_date")))
        columns["链接"].append(_text(task.get("url")))
        columns[ROW_ID_COLUMN].append(_text(task.get("row_id")))
    frame = pd.DataFrame(
        {
            name: (
                np.array(values, dtype="datetime64[s]")
                if name in _DATE_COLUMNS
                else pd.array(values, dtype="Int64")
                if name == "年度"
                else pd.array(values, dtype="Float64")
                if name == "指标值"
                else np.array(values, dtype="int64")
                if name == "序号"
                else pd.array(values, dtype="str")
            )
            for name, values in columns.items()
        }
    )
    return frame


def select_rows(ledger: pd.DataFrame, positions: list[int]) -> pd.DataFrame:
    """The ledger of a subset of its tasks, numbered 1..n again: equal to building it anew.

    Why: the public export writes the same tasks into the all-tasks, the
    per-notice and the per-unit ledgers; parsing deadlines and converting
    every cell once, then slicing, is what keeps that cost linear.
    """
    frame = ledger.iloc[positions].reset_index(drop=True)
    frame["序号"] = np.arange(1, len(frame) + 1, dtype="int64")
    return frame


def build_unit_ledger(
    tasks: Iterable[dict[str, Any]], base: pd.DataFrame | None = None, as_of: date | None = None
) -> pd.DataFrame:
    """One row per (task, responsible unit): what each unit must do, lead units first.

    A unit named both as lead and support is listed once, as lead.  A task
    with no unit keeps one row with an empty 责任单位, so nothing silently
    disappears from the per-unit view.  ``base``: ``build_ledger(tasks)``
    when the caller already has it.
    """
    task_list = list(tasks)
    base = build_ledger(task_list, as_of) if base is None else base
    positions: list[int] = []
    units: list[str] = []
    roles: list[str] = []
    sources: list[str] = []
    for position, task in enumerate(task_list):
        for name, role, source in _unit_rows(task) or [("", "", "")]:
            positions.append(position)
            units.append(name)
            roles.append(role)
            sources.append(source)
    frame = select_rows(base, positions)
    frame.insert(1, UNIT_COLUMN, pd.array(units, dtype="str"))
    frame.insert(2, ROLE_COLUMN, pd.array(roles, dtype="str"))
    frame.insert(3, SOURCE_COLUMN, pd.array(sources, dtype="str"))
    return frame


def _unit_rows(task: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(unit, 角色, 来源) per unit of a task: from ``unit_links`` when the caller expanded groups.

    ``unit_links``: ``[{"unit": id, "name", "role", "source"}]``, one per unit
    (groups expanded to members, see :func:`cms.ledger.obligations.expand_units`);
    without them, the lead and support names (lead first, each once).
    """
    links = task.get("unit_links")
    if links is None:
        leads, supports = _roles(task)
        return [(name, ROLE_LEAD, "") for name in leads] + [(name, ROLE_SUPPORT, "") for name in supports]
    order = {role: rank for rank, role in enumerate(ROLE_NAMES)}
    ranked = sorted(links, key=lambda link: order.get(link.get("role") or "lead", len(order)))
    return [
        (_text(link.get("name")), ROLE_NAMES.get(link.get("role") or "lead", ""), _text(link.get("source")))
        for link in ranked
    ]


def build_unit_items_ledger(
    tasks: Iterable[dict[str, Any]], unit: int, base: pd.DataFrame | None = None, as_of: date | None = None
) -> pd.DataFrame:
    """One unit's ledger: its items (as its page lists them), with its 角色 and the item's 来源 for it.

    ``unit``: the unit's id in each task's ``unit_links``; ``base``:
    ``build_ledger(tasks)`` when the caller already has it.
    """
    task_list = list(tasks)
    base = build_ledger(task_list, as_of) if base is None else base
    roles: list[str] = []
    sources: list[str] = []
    for task in task_list:
        link: dict[str, Any] = next((link for link in task.get("unit_links") or [] if link.get("unit") == unit), {})
        roles.append(ROLE_NAMES.get(link.get("role") or "", ""))
        sources.append(_text(link.get("source")))
    frame = base.copy()
    frame.insert(1, ROLE_COLUMN, pd.array(roles, dtype="str"))
    frame.insert(2, SOURCE_COLUMN, pd.array(sources, dtype="str"))
    return frame


# --- formula-injection protection ---------------------------------------------


def neutralise(value: str) -> str:
    """Prefix an apostrophe to text Excel/WPS would read as a formula (OWASP CSV injection).

    ``-5`` is neutralised too: in a ledger every text cell is text, and real
    numbers are written as numbers, never through here.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def _is_text_column(series: pd.Series) -> bool:
    return series.dtype == object or isinstance(series.dtype, pd.StringDtype)


def _neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """A shallow copy with every text cell (and header) neutralised; only touched cells change."""
    result = frame.copy(deep=False)
    result.columns = [neutralise(name) if isinstance(name, str) else name for name in frame.columns]
    # items(), not iloc[:, n]: iloc's checks cost more than the column on a small ledger.
    for position, (_, series) in enumerate(frame.items()):
        if not _is_text_column(series):
            continue
        hits = _formula_rows(series)
        if not hits:
            continue
        fixed = series.to_numpy(dtype=object, copy=True)
        for row in hits:
            fixed[row] = "'" + fixed[row]
        result.isetitem(position, pd.Series(fixed, index=series.index, dtype=series.dtype))
    return result


def _formula_rows(series: pd.Series) -> list[int]:
    """Positions of the text cells that need an apostrophe.

    Arrow-backed strings use the vectorised ``.str.startswith``.  Python-backed
    ones (pandas without pyarrow, object columns) are cut to their first
    character by numpy (``astype("U1")``, in C) and compared as code points:
    about 4x faster than ``.str.startswith``, which loops per cell on Python
    storage.
    """
    if getattr(series.dtype, "storage", None) == "pyarrow":
        mask = series.str.startswith(_FORMULA_PREFIXES, na=False).to_numpy(dtype=bool)
        return mask.nonzero()[0].tolist()
    values = series.to_numpy(dtype=object)
    first = values.astype("U1").view(np.uint32)
    candidates = np.isin(first, _FORMULA_CODEPOINTS).nonzero()[0].tolist()
    return [row for row in candidates if isinstance(values[row], str)]


# --- output targets -------------------------------------------------------------


def _write_target(path_or_buffer: str | os.PathLike[str] | IO[Any], data: bytes) -> None:
    """Write bytes to a path atomically (never a half-written ledger) or to a buffer."""
    if isinstance(path_or_buffer, (str, os.PathLike)):
        _atomic_path(Path(path_or_buffer), lambda tmp: tmp.write_bytes(data))
    elif isinstance(path_or_buffer, io.TextIOBase):
        path_or_buffer.write(data.decode("utf-8"))
    else:
        path_or_buffer.write(data)


def _write_chunks(path_or_buffer: str | os.PathLike[str] | IO[Any], chunks: Iterable[bytes]) -> None:
    """:func:`_write_target` for bytes made piece by piece (each piece whole UTF-8 characters)."""
    if isinstance(path_or_buffer, (str, os.PathLike)):

        def produce(tmp: Path) -> None:
            with tmp.open("wb") as handle:
                for chunk in chunks:
                    handle.write(chunk)

        _atomic_path(Path(path_or_buffer), produce)
    elif isinstance(path_or_buffer, io.TextIOBase):
        for chunk in chunks:
            path_or_buffer.write(chunk.decode("utf-8"))
    else:
        for chunk in chunks:
            path_or_buffer.write(chunk)


def _atomic_path(path: Path, produce: Callable[[Path], Any]) -> None:
    """Let ``produce`` write a temporary file next to ``path``, then swap it in.

    mkstemp creates 0600 files; a download must stay readable by the web
    server, so the file gets the old file's mode, or 0644 for a new one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        produce(tmp)
        mode = path.stat().st_mode & 0o777 if path.exists() else _NEW_FILE_MODE
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# --- CSV ------------------------------------------------------------------------


def write_csv(df: pd.DataFrame, path_or_buffer: str | os.PathLike[str] | IO[Any]) -> None:
    """UTF-8 with BOM, CRLF, dates as YYYY-MM-DD, text cells neutralised.

    pandas writes straight to the file (no intermediate string), so the cost
    over a plain ``to_csv`` is only the neutralising.  A text buffer receives
    the same characters, BOM (U+FEFF) included.
    """
    safe = _neutralised(df)
    if isinstance(path_or_buffer, (str, os.PathLike)):
        _atomic_path(Path(path_or_buffer), lambda tmp: safe.to_csv(tmp, encoding="utf-8-sig", **_CSV_OPTIONS))
    elif isinstance(path_or_buffer, io.TextIOBase):
        path_or_buffer.write("\ufeff")
        safe.to_csv(path_or_buffer, **_CSV_OPTIONS)
    else:
        safe.to_csv(path_or_buffer, encoding="utf-8-sig", **_CSV_OPTIONS)


_CSV_OPTIONS: dict[str, Any] = {"index": False, "lineterminator": "\r\n", "date_format": "%Y-%m-%d"}


LedgerWriter = Callable[[IO[bytes]], None]


def ledger_writers(df: pd.DataFrame, sheet_name: str = "台账") -> dict[str, LedgerWriter]:
    """Each format's writer of one ledger into a binary file, keyed by format.

    Each writes the bytes of :func:`write_csv`, :func:`write_xlsx` or
    :func:`write_json`.  Why writers rather than bytes: the export's largest ledger (160,000 rows
    at 1,000 notices) is some 300 MB in its three formats; written straight
    to their files one at a time, no format's bytes are ever whole in
    memory (issue 17).  CSV and XLSX share the neutralised frame, built here
    once.  The XLSX writer needs a new seekable file (see
    :func:`cms.ledger.xlsx.write_workbook`).
    """
    safe = _neutralised(df)
    return {
        "csv": lambda out: safe.to_csv(out, encoding="utf-8-sig", **_CSV_OPTIONS),
        "xlsx": lambda out: _write_checked_xlsx(safe, sheet_name, out),
        "json": lambda out: write_json(df, out),
    }


# --- XLSX -----------------------------------------------------------------------


@lru_cache(maxsize=1)
def _wide_bmp() -> dict[int, None]:
    """``str.translate`` table deleting every double-width character of the BMP (east Asian width W or F)."""
    return {point: None for point in range(0x80, 0x10000) if unicodedata.east_asian_width(chr(point)) in "WF"}


@lru_cache(maxsize=65_536)
def _display_width(text: str) -> int:
    """Columns a text takes in Excel: CJK and full-width characters count double.

    Counted in C: the text less its wide characters (``str.translate``) says
    how many there are; characters beyond the BMP, rare, one by one.
    Cached: the same titles, units and task texts recur in every ledger of an export.
    """
    if text.isascii():
        return len(text)
    if max(text) > "\uffff":
        return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    return 2 * len(text) - len(text.translate(_wide_bmp()))


def _column_width(name: str, values: list[Any], kind: str) -> float:
    """A width from the header and a sample of the cells, capped so rows stay readable."""
    if kind == "date":
        return 12
    header = _display_width(name) + 2
    if kind == "number":
        return max(header, 8)
    sample = [_display_width(value) for value in values[:_WIDTH_SAMPLE_ROWS] if value]
    content = sorted(sample)[int(len(sample) * 0.9)] + 2 if sample else 0
    cap = 60 if name in _WIDEST_COLUMNS else 36 if name in _WRAP_COLUMNS else 30
    return float(min(max(header, content, 8), cap))


def _row_heights(plan: list[tuple[str, str, list[Any]]], widths: list[float], row_count: int) -> list[float]:
    """Row heights that show every wrapped line (LibreOffice keeps one line per row otherwise).

    Lines per cell: its display width over the column's, plus its own line
    breaks; the row takes its tallest cell, at most Excel's 409 points.
    """
    lines = [1] * row_count
    for (name, _, values), width in zip(plan, widths, strict=True):
        if name in _WRAP_COLUMNS:
            usable = max(width - 1, 1)
            lines = [
                max(most, _lines(text, usable)) if text else most for most, text in zip(lines, values, strict=True)
            ]
    return [min(_LINE_HEIGHT * count, _MAX_ROW_HEIGHT) for count in lines]


@lru_cache(maxsize=65_536)
def _lines(text: str, usable: float) -> int:
    """Lines a wrapped cell takes at ``usable`` characters a line; cached as the texts recur across ledgers."""
    return sum(max(1, math.ceil(_display_width(part) / usable)) for part in str(text).split("\n"))


def _excel_days(series: pd.Series) -> list[float | None]:
    """A datetime column as Excel day numbers (see :func:`cms.ledger.xlsx.excel_serial`), NaT as None."""
    stamps = series.dt.tz_localize(None) if getattr(series.dt, "tz", None) else series
    moments = stamps.to_numpy(dtype="datetime64[us]")
    days = (moments - np.datetime64("1899-12-31", "us")) / np.timedelta64(86_400_000_000, "us")
    days = np.where(days > 59, days + 1, days)
    return [None if missing else day for missing, day in zip(np.isnat(moments).tolist(), days.tolist(), strict=True)]


def _column_plan(frame: pd.DataFrame) -> list[tuple[str, str, list[Any]]]:
    """Each column as (name, kind, Python values), converted once, vectorised; dates as Excel day numbers."""
    plan: list[tuple[str, str, list[Any]]] = []
    for name, series in frame.items():
        if pd.api.types.is_datetime64_any_dtype(series.dtype):
            plan.append((str(name), "date", _excel_days(series)))
        elif pd.api.types.is_bool_dtype(series.dtype):
            plan.append((str(name), "bool", [_cell_value(v) for v in series.astype(object)]))
        elif pd.api.types.is_numeric_dtype(series.dtype):
            plan.append((str(name), "number", [_cell_value(v) for v in series.astype(object)]))
        else:
            values = (
                [neutralise(_text(value)) for value in series.tolist()]
                if series.dtype == object
                else series.fillna("").tolist()
            )
            plan.append((str(name), "text", values))
    return plan


def write_xlsx(df: pd.DataFrame, path_or_buffer: str | os.PathLike[str] | IO[Any], sheet_name: str = "台账") -> None:
    """XLSX with frozen header, auto-filter, capped widths, wrapped long text, real dates.

    Written by :mod:`cms.ledger.xlsx` from each column's values (several
    times faster than xlsxwriter, which cost most of the ledger step), with
    typed cells only: a string is always an inline string, so it can never
    become a formula.  Workbook dates are fixed so equal frames give equal
    bytes.
    """
    safe = _neutralised(df)
    if isinstance(path_or_buffer, (str, os.PathLike)):

        def produce(tmp: Path) -> None:
            with tmp.open("wb") as handle:
                _write_checked_xlsx(safe, sheet_name, handle)

        _atomic_path(Path(path_or_buffer), produce)
        return
    # A caller's buffer may not be at its start (or seekable): it gets the bytes as written into memory.
    buffer = io.BytesIO()
    _write_checked_xlsx(safe, sheet_name, buffer)
    _write_target(path_or_buffer, buffer.getvalue())


def _write_checked_xlsx(safe: pd.DataFrame, sheet_name: str, out: IO[bytes]) -> None:
    """The workbook of a neutralised frame into ``out``; a frame past Excel's row limit is refused, in words."""
    if len(safe) + 1 > _EXCEL_MAX_ROWS:
        raise ValueError(f"台账共 {len(safe)} 行，超过 Excel 单表上限 {_EXCEL_MAX_ROWS - 1} 行，请按年度或单位拆分。")
    _write_xlsx_plan(_column_plan(safe), len(safe), sheet_name, out)


def _write_xlsx_plan(plan: list[tuple[str, str, list[Any]]], row_count: int, sheet_name: str, out: IO[bytes]) -> None:
    """The workbook of a column plan into ``out``: styles, widths, row heights and print area decided here."""
    widths = [_column_width(name, values, kind) for name, kind, values in plan]
    columns = []
    strings = xlsx.SharedStrings()
    for (name, kind, values), width in zip(plan, widths, strict=True):
        style = xlsx.STYLE_DATE if kind == "date" else xlsx.STYLE_WRAP if name in _WRAP_COLUMNS else xlsx.STYLE_PLAIN
        if kind in ("date", "number"):
            cells = xlsx.number_cells(values, style)
        elif kind == "bool":
            cells = xlsx.bool_cells(values, style)
        else:
            cells = strings.cells(values, style)
        columns.append(xlsx.SheetColumn(neutralise(name), width, style, cells))
    heights: dict[int, float] = {}
    if row_count <= _STREAM_ROWS:  # the ledgers people print; 50,000-row files keep default heights
        heights = {
            row: height for row, height in enumerate(_row_heights(plan, widths, row_count)) if height > _LINE_HEIGHT
        }
    printed = [col for col, (name, _, _) in enumerate(plan) if name not in _NOT_PRINTED]
    xlsx.write_workbook(
        out,
        columns,
        row_count,
        strings,
        sheet_name=sheet_name,
        heights=heights,
        printed_columns=max(printed) + 1 if printed else 0,
    )


def ledger_file_name(labels: Iterable[str], fmt: str) -> str:
    """``2024年-东石镇-任务台账.xlsx``: what the file holds, in words, safe on every file system.

    Servers send it with RFC 5987 (``filename*=UTF-8''…``) beside an ASCII
    fallback; characters Windows forbids in names become ``_``.
    """
    parts = [_UNSAFE_NAME.sub("_", label.strip()) for label in labels if label and label.strip()]
    return "-".join([*parts, "任务台账"]) + f".{fmt}"


# --- JSON -----------------------------------------------------------------------


def _json_default(value: Any) -> Any:
    """Dates in object columns as ISO text, anything else exotic as its text."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    return str(value)


_JSON_ENCODER = json.JSONEncoder(ensure_ascii=False, default=_json_default)
_encode_text: Callable[[str], str] = json.encoder.encode_basestring


def _json_fragments(series: pd.Series) -> list[str]:
    """Each cell of a column as its JSON text, what ``json.dumps`` would give, converted per column.

    Why per column: the dtype says how to encode every cell, so each column
    is one C-level ``map`` (text, numbers) instead of the encoder's type
    tests per cell; only object columns go through the encoder cell by cell.
    Empty (NA, NaN, ±inf, NaT) is ``null``.
    """
    dtype = series.dtype
    if dtype.kind == "M":
        if isinstance(dtype, np.dtype):
            days = np.datetime_as_string(series.to_numpy(), unit="D").tolist()
            return ["null" if day == "NaT" else '"' + day + '"' for day in days]
        text = series.dt.strftime("%Y-%m-%d").to_numpy(dtype=object, na_value=None).tolist()
        return ["null" if day is None else '"' + day + '"' for day in text]
    if isinstance(dtype, pd.StringDtype) and not series.hasnans:
        return list(map(_encode_text, series.to_numpy(dtype=object).tolist()))
    values = series.to_numpy(dtype=object, na_value=None).tolist()
    if isinstance(dtype, pd.StringDtype):
        return ["null" if value is None else _encode_text(value) for value in values]
    if dtype.kind in "iu":
        return ["null" if value is None else int.__repr__(value) for value in values]
    if dtype.kind == "b":
        return ["null" if value is None else "true" if value else "false" for value in values]
    if dtype.kind == "f":
        return ["null" if value is None or not math.isfinite(value) else float.__repr__(value) for value in values]
    encode = _JSON_ENCODER.encode
    return [
        "null" if value is None or (isinstance(value, float) and not math.isfinite(value)) else encode(value)
        for value in values
    ]


def write_json(df: pd.DataFrame, path_or_buffer: str | os.PathLike[str] | IO[Any]) -> None:
    """UTF-8 JSON array of records keyed by the Chinese headers, for machines.

    Not neutralised (a program wants the exact text).  Rows keep the ledger's
    order (序号) and keys the column order, one record per line, so two
    publishes diff line by line; dates are ISO ``YYYY-MM-DD``, empty is null.
    No BOM: RFC 8259 forbids it.  The text is what ``json.dumps`` gives for
    each record (``", "`` and ``": "`` separators), assembled from each
    column's cell texts: the encoder's per-cell type tests made this 3x
    slower than pandas' ``to_json``.
    """
    if not len(df):
        _write_target(path_or_buffer, b"[]\n")
        return
    # A record is a dict: a repeated column name keeps its first place and its last value.
    last: dict[str, int] = {}
    for position, name in enumerate(df.columns):
        last[str(name)] = position
    columns = [series for _, series in df.items()]
    chosen = [columns[position] for position in last.values()]
    _write_chunks(path_or_buffer, _json_chunks([_encode_text(name) for name in last], chosen))


def _json_chunks(keys: list[str], columns: list[pd.Series]) -> Iterator[bytes]:
    """The array's UTF-8 text in pieces of :data:`_JSON_CHUNK_ROWS` records (at least one record).

    Why pieces: a 50,000-row ledger as one string, then one bytes object, is
    some 150 MB of fresh memory; page faults on it cost as much as the
    encoding.  Chunks reuse the same memory.  Each piece's cell texts are
    made for that piece only: every cell of the export's 160,000-row ledger
    as a text at once was 290 MB of the ledger process's peak (issue 17).
    """
    rows = len(columns[0])
    for start in range(0, rows, _JSON_CHUNK_ROWS):
        # One piece: the columns as they are (slicing ~30 columns of each of a thousand small ledgers costs).
        piece = (
            columns
            if rows <= _JSON_CHUNK_ROWS
            else [series.iloc[start : start + _JSON_CHUNK_ROWS] for series in columns]
        )
        fragments = [_json_fragments(series) for series in piece]
        yield _json_records(keys, fragments, first=start == 0, last=start + _JSON_CHUNK_ROWS >= rows).encode("utf-8")


def _json_records(keys: list[str], fragments: list[list[str]], *, first: bool, last: bool) -> str:
    """Records from each column's cell texts, ``{k: v},\\n`` each; ``[`` before the first, ``]`` after the last.

    Every piece (key, separator, cell) goes into one list in output order by
    slice assignment, one ``str.join`` at the end: half the time of
    formatting row by row and joining the rows.
    """
    rows, stride = len(fragments[0]), 2 * len(keys) + 1
    pieces = [""] * (rows * stride)
    for position, (key, cells) in enumerate(zip(keys, fragments, strict=True)):
        pieces[2 * position :: stride] = [("{" if position == 0 else ", ") + key + ": "] * rows
        pieces[2 * position + 1 :: stride] = cells
    pieces[stride - 1 :: stride] = ["},\n"] * rows
    if first:
        pieces[0] = "[\n" + pieces[0]
    if last:
        pieces[-1] = "}\n]\n"
    return "".join(pieces)
