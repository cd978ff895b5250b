"""Read a plain-text file (Word saved or extracted as text) into the item stream.

The seeds show how Word tables come out as text:

* one cell per line, each cell line starting with a tab; rows separated by
  blank lines (but a page break may also put a blank line *inside* a row);
  an empty cell line (just a tab) is a cell merged with the one above;
* a cell's text may wrap onto following lines that have no tab
  (``→专题`` / ``项目``; vertical text one or two characters a line);
* some tables are written one row per line with tab-separated cells, with
  grouped two-row headers (empty cells again standing for merges).

Everything else that is not blank is a paragraph with its 1-based line.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from .tree import DocumentImportError, SourceCell, SourceItem, SourceParagraph, SourceTable

__all__ = ["MAX_MEGABYTES", "MAX_TEXT_BYTES", "decode_text", "read_text", "split_items", "too_large"]

# The one input limit for every format (text, .docx, the upload form); messages quote MAX_MEGABYTES.
MAX_MEGABYTES = 50
MAX_TEXT_BYTES = MAX_MEGABYTES * 1024 * 1024


def too_large(size: int) -> str:
    """The refusal of a file of ``size`` bytes over the limit (the same words from the parser and the upload form)."""
    return f"文件过大（{size / 1024 / 1024:.1f} MB），超过 {MAX_MEGABYTES} MB 的上限。"


_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

# Magic numbers of files people upload by mistake, with what to tell them.
_FOREIGN_FORMATS: list[tuple[bytes, str]] = [
    (
        bytes.fromhex("D0CF11E0A1B11AE1"),
        "这是旧版 Word（.doc）或 WPS 文件，无法直接导入：请在 Word/WPS 中另存为 .docx 或纯文本（.txt）后再导入。",
    ),
    (b"PK\x03\x04", "这是 .docx 或压缩文件，不是纯文本：请以 .docx 文件导入。"),
    (b"%PDF", "这是 PDF 文件，无法导入：请提供 Word（.docx）或纯文本（.txt）文件。"),
    (b"\x89PNG", "这是图片文件（PNG），无法导入：请提供 Word（.docx）或纯文本（.txt）文件。"),
    (b"\xff\xd8\xff", "这是图片文件（JPEG），无法导入：请提供 Word（.docx）或纯文本（.txt）文件。"),
    (b"GIF8", "这是图片文件（GIF），无法导入：请提供 Word（.docx）或纯文本（.txt）文件。"),
    (b"{\\rtf", "这是 RTF 文件，无法导入：请在 Word 中另存为 .docx 或纯文本（.txt）后再导入。"),
]

_TRUNCATED = "文件不完整：最后一个字符被截断，请重新导出或上传完整的文件。"

# Invisible characters Word and editors leave behind; they carry no text.
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060\u00ad"), None)
# Control characters allowed in text: tab, line feed, carriage return,
# vertical tab (Word's manual line break) and form feed (page break).
_ALLOWED_CONTROLS = set("\t\n\r\x0b\x0c")

# A line that continues the cell above it: short, and not a label that must
# start a new part of the document.
_MAX_CONTINUATION = 30
_TABLE_TITLE = re.compile(r"(?:清单|表|名单|目录)$")
_CONTINUATION_STARTS = set("（(、，,-—）)；;")
_NUMBERED_START = re.compile(r"^[（(]\s*(?:[0-9０-９]{1,3}|[一二三四五六七八九十]{1,4})\s*[）)]")
_LABEL = re.compile(r"^\s*附\s*件\s*[0-9０-９一二三四五六七八九十]*\s*[:：]?\s*$")


def _line_of(data: bytes, offset: int) -> int:
    """The 1-based line of a byte offset, counting line breaks as text editors show them.

    ``\r\n``, ``\n`` and a lone ``\r`` (old Mac files) each end a line, the
    same rule ``split_items`` numbers paragraphs by, so an error message and
    the import report point at the same line the editor sees.
    """
    head = data[:offset]
    return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1


def decode_text(data: bytes, source: str) -> str:
    """Decode bytes as UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030.

    Raises ``DocumentImportError`` for empty, oversized, binary, truncated or
    undecodable input, naming the file and, where it helps, the line.
    """
    if not data:
        raise DocumentImportError(source, "文件为空，没有可导入的内容。")
    if len(data) > MAX_TEXT_BYTES:
        raise DocumentImportError(source, too_large(len(data)))
    for magic, message in _FOREIGN_FORMATS:
        if data.startswith(magic):
            raise DocumentImportError(source, message)

    if data.startswith(_UTF8_BOM):
        text = _decode_utf8(data[len(_UTF8_BOM) :], source, offset=len(_UTF8_BOM), original=data)
    elif data.startswith(_UTF16_BOMS):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DocumentImportError(source, "文件以 UTF-16 标记开头，但内容不完整或已损坏。") from exc
    else:
        nul = data.find(b"\x00")
        if nul >= 0:
            raise DocumentImportError(
                source, "文件含有二进制数据（NUL 字节），不是纯文本：请提供 .docx 或 .txt 文件。", _line_of(data, nul)
            )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.reason.startswith("unexpected end") and exc.end >= len(data):
                raise DocumentImportError(source, _TRUNCATED, _line_of(data, exc.start)) from exc
            text = _decode_gb18030(data, source)
    return _check_plain_text(text, source)


def _decode_utf8(body: bytes, source: str, offset: int, original: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = _line_of(original, exc.start + offset)
        if exc.reason.startswith("unexpected end") and exc.end >= len(body):
            raise DocumentImportError(source, _TRUNCATED, line) from exc
        raise DocumentImportError(source, "文件标明为 UTF-8 编码，但含有无法解码的字节。", line) from exc


def _decode_gb18030(data: bytes, source: str) -> str:
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        line = _line_of(data, exc.start)
        if exc.end >= len(data) - 1:
            raise DocumentImportError(source, _TRUNCATED, line) from exc
        raise DocumentImportError(
            source, "无法识别文件编码：既不是 UTF-8，也不是 GB18030/GBK 文本（可能是二进制文件）。", line
        ) from exc
    # Bytes that happen to decode as GB18030 but are not Chinese text land in
    # private-use or unassigned code points; real documents have almost none.
    odd = sum(1 for ch in text if unicodedata.category(ch) in ("Co", "Cn"))
    if odd > max(2, len(text) // 200):
        raise DocumentImportError(source, "无法识别文件编码：内容不像 UTF-8 或 GB18030/GBK 文本（可能是二进制文件）。")
    return text


def _check_plain_text(text: str, source: str) -> str:
    """Reject binary data that decoded by chance; drop stray control characters."""
    controls = Counter(ch for ch in text if unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS)
    total = sum(controls.values())
    if total > max(3, len(text) // 1000):
        raise DocumentImportError(source, "文件含有大量控制字符，不是纯文本：请提供 .docx 或 .txt 文件。")
    if total:
        text = "".join(ch for ch in text if ch not in controls)
    return text.translate(_INVISIBLE)


def read_text(data: bytes, source: str) -> list[SourceItem]:
    """Decode a text file and split it into paragraphs and tables."""
    return split_items(decode_text(data, source))


# --- lines to items ------------------------------------------------------------


def _is_cell_line(line: str) -> bool:
    """One cell per line: a single leading tab, no other tab."""
    return line.startswith("\t") and line.count("\t") == 1


def _is_row_line(line: str) -> bool:
    """A whole row on one line, cells separated by tabs."""
    return "\t" in line and not _is_cell_line(line)


def _is_continuation(line: str) -> bool:
    """Could this tab-less line be wrapped text of the cell above?

    Labels (附件2) and table titles (…统计表) start new parts of the document,
    even when a table follows right after them.
    """
    text = line.strip()
    return (
        bool(text)
        and len(text) <= _MAX_CONTINUATION
        and not _LABEL.match(text)
        and not (len(text) >= 4 and _TABLE_TITLE.search(text))
    )


def split_items(text: str) -> list[SourceItem]:
    """Split decoded text into ``SourceParagraph`` and ``SourceTable`` items."""
    # Word's manual line break (VT) and page break (FF) split paragraphs but
    # are not line breaks in a text editor: the parts keep their line's number.
    lines: list[str] = []
    numbers: list[int] = []
    for number, physical in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        parts = physical.replace("\x0c", "\x0b").split("\x0b")
        lines += parts
        numbers += [number] * len(parts)
    items: list[SourceItem] = []
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        if _is_row_line(line):
            start = i
            rows: list[list[SourceCell]] = []
            while i < n and _is_row_line(lines[i]):
                rows.append([SourceCell(text=cell.strip()) for cell in lines[i].split("\t")])
                i += 1
            _mark_merges(rows)
            items.append(SourceTable(rows=rows, line=numbers[start]))
        elif _is_cell_line(line):
            table, i = _read_cell_table(lines, i)
            table.line = numbers[table.line - 1]
            items.append(table)
        else:
            if line.strip():
                items.append(SourceParagraph(text=line.strip(), line=numbers[i]))
            i += 1
    return items


def _read_cell_table(lines: list[str], start: int) -> tuple[SourceTable, int]:
    """Collect one-cell-per-line rows from ``start``; return the table and the next line."""
    # Units: ("cell", text, line), ("cont", text, line) or ("blank", "", line).
    units: list[tuple[str, str, int]] = []
    n = len(lines)
    j = start
    while j < n:
        line = lines[j]
        if _is_cell_line(line):
            units.append(("cell", line[1:].strip(), j + 1))
            j += 1
            continue
        if not line.strip():
            units.append(("blank", "", j + 1))
            j += 1
            continue
        # Non-tab lines: a wrapped cell only if the table resumes after them.
        k = j
        while k < n and lines[k].strip() and "\t" not in lines[k] and _is_continuation(lines[k]):
            k += 1
        resume = k
        while resume < n and not lines[resume].strip():
            resume += 1
        previous_cell = next((u for u in reversed(units) if u[0] != "blank"), None)
        stopped_cleanly = k > j and (k == n or not lines[k].strip() or _is_cell_line(lines[k]))
        table_resumes = resume < n and _is_cell_line(lines[resume])
        # After the last row, only text that cannot start a paragraph continues
        # the last cell: "（住建、交通）、区环境与国土资源局（水利）".
        tail_fragment = (
            k == j + 1 and lines[j].strip()[:1] in _CONTINUATION_STARTS and not _NUMBERED_START.match(lines[j].strip())
        )
        if stopped_cleanly and previous_cell is not None and (table_resumes or tail_fragment):
            units.extend(("cont", lines[m].strip(), m + 1) for m in range(j, k))
            j = k
            continue
        break
    # Trailing blank lines are not part of the table; resume after its last line.
    while units and units[-1][0] == "blank":
        units.pop()
    end = units[-1][2] if units else start + 1
    rows = _rows_from_units(units)
    _mark_merges(rows)
    return SourceTable(rows=rows, line=start + 1), end


def _rows_from_units(units: list[tuple[str, str, int]]) -> list[list[SourceCell]]:
    """Group cell lines into rows: blank lines separate rows, wrapped text joins its cell."""
    groups: list[list[SourceCell]] = []
    current: list[SourceCell] = []
    for kind, text, _line in units:
        if kind == "blank":
            if current:
                groups.append(current)
                current = []
        elif kind == "cell":
            current.append(SourceCell(text=text))
        else:  # continuation of the last cell, even across a blank line
            if not current and groups:
                current = groups.pop()
            if current:
                current[-1].text += text
            else:
                current.append(SourceCell(text=text))
    if current:
        groups.append(current)
    if not groups:
        return []
    return _regroup(groups)


def _regroup(groups: list[list[SourceCell]]) -> list[list[SourceCell]]:
    """Rebuild rows of the table's usual width from blank-separated groups.

    A page break can put a blank line inside a row, so consecutive short groups
    that add up to exactly the usual width are one row; a group of a multiple
    of the width is several rows that lost their separating blank line.
    """
    width = _usual_width(groups)
    rows: list[list[SourceCell]] = []
    i = 0
    while i < len(groups):
        group = groups[i]
        if len(group) < width:
            total = len(group)
            j = i + 1
            while j < len(groups) and total < width:
                total += len(groups[j])
                j += 1
            if total == width and j > i + 1:
                rows.append([cell for g in groups[i:j] for cell in g])
                i = j
                continue
        if len(group) > width and width > 1 and len(group) % width == 0:
            rows.extend(group[k : k + width] for k in range(0, len(group), width))
        else:
            rows.append(group)
        i += 1
    return rows


def _usual_width(groups: list[list[SourceCell]]) -> int:
    """The table's row width: the header row's, unless the first row is a title.

    Counting group sizes alone fails when page breaks split many rows into
    one-cell fragments, so the header row (almost always complete) decides.
    """
    if len(groups[0]) >= 2:
        return len(groups[0])
    sizes = Counter(len(g) for g in groups if len(g) >= 2)
    if not sizes:
        return 1
    return max(sizes.items(), key=lambda item: (item[1], item[0]))[0]


def _origin(rows: list[list[SourceCell]], r: int, c: int) -> tuple[int, int] | None:
    cell = rows[r][c]
    if cell.text:
        return (r, c)
    return cell.merged_from


def _mark_merges(rows: list[list[SourceCell]]) -> None:
    """Mark empty cells that mean "same as the cell above/left" as merged.

    * a row whose only text is its first cell is a full-width label row;
    * in the first row, an empty cell right of a heading and above
      sub-headings belongs to the heading on its left (grouped header);
    * elsewhere an empty cell under text (or under a merged cell) continues
      the cell above;
    * a row with no text at all is a genuinely empty row and stays as is.
    """
    for r, row in enumerate(rows):
        if not any(cell.text for cell in row):
            continue
        if r > 0 and len(row) > 1 and row[0].text and not any(cell.text for cell in row[1:]):
            row[0].colspan = len(row)
            for cell in row[1:]:
                cell.merged_from = (r, 0)
            continue
        for c, cell in enumerate(row):
            if cell.text:
                continue
            if r == 0:
                below = rows[1][c] if len(rows) > 1 and c < len(rows[1]) else None
                if c > 0 and below is not None and below.text:
                    origin = _origin(rows, 0, c - 1)
                    if origin is not None and origin[0] == 0:
                        cell.merged_from = origin
                        rows[0][origin[1]].colspan = c - origin[1] + 1
                continue
            if c >= len(rows[r - 1]):
                continue
            origin = _origin(rows, r - 1, c)
            if origin is None or origin[1] != c:
                continue
            cell.merged_from = origin
            rows[origin[0]][origin[1]].rowspan = r - origin[0] + 1
