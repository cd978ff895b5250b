"""Table classification: a source table becomes a task list, an indicator table or a generic table.

Kept apart because the column rules are long and depend on nothing but the
patterns and the table itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..tree import Block, SourceCell, SourceTable
from ..units import split_units
from .attachments import _table_title_row
from .patterns import _NUMBER, _bare, _numbering, _squash

_COLUMN_FIELDS: list[tuple[str, re.Pattern[str]]] = [
    ("task", re.compile(r"任务|小项|工作措施|具体措施|主要措施")),
    ("detail", re.compile(r"内容|要求|目标")),
    ("deadline", re.compile(r"时限|年限|期限|时间|时序|进度")),
    ("support", re.compile(r"配合|协办|协助")),
    ("units", re.compile(r"单位|部门")),
    ("topic", re.compile(r"专题|项目|大项|类别|领域|专项")),
    ("number", re.compile(r"^(?:序号|编号|序)$")),
]


def _cell_text(rows: list[list[SourceCell]], r: int, c: int, vertical_only: bool = False) -> str:
    """The cell's text, or its merge origin's text ("same as above")."""
    cell = rows[r][c]
    if cell.text or cell.merged_from is None:
        return cell.text
    orow, ocol = cell.merged_from
    if vertical_only and ocol != c:
        return ""
    if 0 <= orow < len(rows) and 0 <= ocol < len(rows[orow]):
        return rows[orow][ocol].text
    return ""


def _task_table(table: SourceTable, title: str, token: Callable[[str], None]) -> Block | None:
    """A 重点项目清单 / 任务清单: rows of 专题/项目, 工作任务, 工作内容, 完成时限, 责任单位.

    Empty 专题 and 工作任务 cells are "same as above" and filled down; other
    empty cells take their merge origin's text only when the reader marked a
    vertical merge.  Numbering tokens are stripped where the text is written,
    so each written token is counted once however often it is filled down.
    """
    rows = table.rows
    header_index = 0
    title_row = _table_title_row(table)
    if title_row:
        header_index = 1
    if len(rows) <= header_index + 1:
        return None
    header = [_bare(cell.text) for cell in rows[header_index]]
    fields: dict[int, str] = {}
    key: str | None
    for c, name in enumerate(header):
        for key, pattern in _COLUMN_FIELDS:
            if name and pattern.search(name) and key not in fields.values():
                fields[c] = key
                break
    mapped = set(fields.values())
    if "units" not in mapped or not ({"task", "detail"} & mapped):
        return None
    if title_row and not title:
        title = title_row
    elif title_row:
        token(title_row)  # the table repeats (or adds to) the title above it
    for name in header:
        token(name)

    expected = [1]

    def strip_number(text: str, sequence: bool = False) -> str:
        numbered = _numbering(text)
        if sequence and numbered is None:
            # the list's next number, even before a digit: "6.70%的老旧小区…" is task 6
            match = re.match(rf"^(?P<tok>{expected[0]}\s*[.．、])\s*(?P<rest>\S.*)$", text, re.S)
            if match:
                numbered = (3, match.group("tok"), match.group("rest"))
        if numbered is None:
            return text
        if sequence:
            digits = re.match(r"[0-9]+", numbered[1])
            if digits:
                expected[0] = int(digits.group(0)) + 1
        token(numbered[1])
        return numbered[2]

    def empty_row(topic: str) -> dict:
        return {"topic": topic, "task": "", "detail": "", "deadline": "", "units_text": "", "units": []}

    out_rows: list[dict] = []
    previous = {"topic": "", "task": ""}
    pending_topic: str | None = None  # a label row's topic, not yet used by a row
    for r in range(header_index + 1, len(rows)):
        row = rows[r]
        values = {"topic": "", "task": "", "detail": "", "deadline": "", "units": "", "support": ""}
        extra: list[str] = []
        for c, cell in enumerate(row):
            key = fields.get(c)
            if key is None or key == "number":
                if cell.text and key == "number" and _NUMBER.match(cell.text):
                    token(cell.text)
                elif cell.text:
                    extra.append(cell.text)
            elif key == "topic" and cell.text:
                values["topic"] = _squash(strip_number(cell.text))
            elif key == "task" and cell.text:
                values["task"] = strip_number(cell.text, sequence=True)
            elif key in ("deadline", "units", "support"):
                values[key] = _cell_text(rows, r, c, vertical_only=True)
            elif key == "detail":
                values["detail"] = cell.text
        if not any(values[k] for k in ("task", "detail", "deadline", "units", "support")) and not extra:
            if values["topic"]:
                if pending_topic is not None:
                    out_rows.append(empty_row(pending_topic))
                pending_topic = values["topic"]
            continue
        if pending_topic is not None:
            if not values["topic"]:
                values["topic"] = pending_topic
            elif values["topic"] == pending_topic:
                token(pending_topic)  # the label row and this row both write the topic
            else:
                out_rows.append(empty_row(pending_topic))
            pending_topic = None
        for key in ("topic", "task"):
            if not values[key]:
                values[key] = previous[key]
        previous = {"topic": values["topic"], "task": values["task"]}
        units = split_units(values["units"])
        if values["support"]:
            # separate 牵头单位 / 配合单位 columns say the roles outright
            units = [{**unit, "role": "lead"} for unit in units]
            units += [{**unit, "role": "support"} for unit in split_units(values["support"])]
        out_rows.append(
            {
                "topic": values["topic"],
                "task": values["task"],
                "detail": "\n".join(part for part in [values["detail"], *extra] if part),
                "deadline": values["deadline"],
                "units_text": "\n".join(part for part in (values["units"], values["support"]) if part),
                "units": units,
            }
        )
    if pending_topic is not None:
        out_rows.append(empty_row(pending_topic))
    if not out_rows:
        return None
    return Block("task_list", {"title": title, "rows": out_rows}, table.line)


def _number(text: str) -> float | None:
    return float(text) if _NUMBER.match(text) else None


def _indicator_table(table: SourceTable, title: str) -> Block | None:
    """Per-unit numbers under a one- or two-row header (单位 | 新建数 | 补建数 …)."""
    rows = table.rows
    width = len(rows[0])
    if width < 2 or len(rows) < 3:
        return None

    def is_data(r: int) -> bool:
        row = rows[r]
        if not row[0].text or _number(row[0].text) is not None:
            return False
        values = [cell.text for cell in row[1:]]
        return any(values) and all(not v or _number(v) is not None for v in values)

    header_rows = next((r for r in range(len(rows)) if is_data(r)), None)
    if header_rows not in (1, 2) or not all(is_data(r) for r in range(header_rows, len(rows))):
        return None
    if len(rows) - header_rows < 2:
        return None
    groups: list[dict] = []
    last_origin: tuple[int, int] | None = None
    for c in range(1, width):
        top = rows[0][c]
        origin = (0, c) if top.text else top.merged_from
        top_text = _cell_text(rows, 0, c)
        if header_rows == 2:
            sub = rows[1][c]
            spans_down = not sub.text and sub.merged_from is not None and sub.merged_from[1] == c
            name = top_text if spans_down else sub.text
            grouped = not spans_down
        else:
            name, grouped = top_text, False
        if grouped and origin is not None and origin == last_origin and groups:
            groups[-1]["columns"].append(name)
        elif grouped:
            groups.append({"name": top_text, "columns": [name]})
        else:
            groups.append({"name": "", "columns": [name]})
        last_origin = origin if grouped else None
    data = [
        {"unit_name": row[0].text, "values": [_number(cell.text) for cell in row[1:]]} for row in rows[header_rows:]
    ]
    row_header = "\n".join(rows[r][0].text for r in range(header_rows) if rows[r][0].text)
    return Block(
        "indicator_table",
        {"title": title, "row_header": row_header, "groups": groups, "rows": data},
        table.line,
    )


def _generic_table(table: SourceTable, title: str, token: Callable[[str], None]) -> Block:
    rows = table.rows
    title_row = _table_title_row(table)
    if title_row and not title:
        title = title_row
        rows = rows[1:]
    elif title_row:
        rows = rows[1:]
        if _bare(title_row) != _bare(title):
            title = f"{title}\n{title_row}"
        else:
            token(title_row)  # the same title twice: above the table and in its first row
    out: list[list[dict[str, Any]]] = [
        [
            {"text": cell.text, "rowspan": cell.rowspan, "colspan": cell.colspan}
            for cell in row
            if cell.merged_from is None or cell.text  # a covered cell is skipped, as in HTML
        ]
        for row in rows
    ]
    out = [row for row in out if row]
    header_rows = max((cell["rowspan"] for cell in out[0]), default=1) if out else 0
    return Block("table", {"title": title, "header_rows": header_rows, "rows": out}, table.line)
