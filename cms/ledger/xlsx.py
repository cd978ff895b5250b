"""A ledger's XLSX package, written as SpreadsheetML text: one sheet, four cell styles, print setup.

Why not xlsxwriter: an export writes hundreds of ledgers, and xlsxwriter's
per-cell work (argument checks, one XML writer call per cell) made XLSX most
of the ledger step's CPU.  A ledger needs only typed cells (text, number,
date, boolean) in four styles, so each column's cells become their XML in
one pass (each distinct text once), and the sheet is one join.

What the sheet holds is what the previous xlsxwriter workbook held: frozen
header, auto-filter, column widths and styles (wrapped long text, real date
cells as ``yyyy-mm-dd``), row heights, A4 landscape one page wide with the
header repeated and page numbers, the print area, and fixed document dates
so equal content gives equal bytes.  No theme part (it is optional); fonts
name Calibri 11 directly.  Text is never a formula: there is no ``<f>``.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO

__all__ = [
    "STYLE_DATE",
    "STYLE_PLAIN",
    "STYLE_WRAP",
    "SharedStrings",
    "SheetColumn",
    "column_letter",
    "excel_serial",
    "write_workbook",
]

# cellXfs indices in styles.xml.
STYLE_PLAIN = 1  # top-aligned
STYLE_WRAP = 2  # top-aligned, wrapped
STYLE_DATE = 3  # top-aligned, yyyy-mm-dd
_STYLE_HEADER = 4  # bold, centred, wrapped, light blue, thin border

_CHUNK_ROWS = 2_000  # rows (or shared texts) per piece of XML
_MAX_TEXT_UNITS = 32_767  # Excel's cell limit, in UTF-16 code units
_DEFAULT_ROW_HEIGHT = 15.0
# zlib level 1 for the package's parts: at 1,000 notices the 1,032 workbooks take 5-6 s less CPU
# than at zlib's default 6 (the ledger process: 34-35 s -> 28-29 s) for 19% more bytes (53 -> 63 MB
# in all; a town's workbook of one notice ~12 KB).  XLSX is what staff open, fetched now and then.
ZIP_LEVEL = 1
_FIXED_STAMP = "2000-01-01T00:00:00Z"
# What needs more than the text itself: XML's &<>, control characters (Excel's _xHHHH_ escape, and a
# literal _xHHHH_ escaped as _x005F_xHHHH_), the two non-characters, and edge whitespace (xml:space).
_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s\Z")
_LITERAL_ESCAPE = re.compile(r"(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_EDGE_SPACE = re.compile(r"^\s|\s\Z")
_EPOCH = datetime(1899, 12, 31)


@dataclass(frozen=True)
class SheetColumn:
    """One column: its header text, width in characters, style, and each row's cell XML (None: empty)."""

    header: str
    width: float
    style: int
    cells: Sequence[str | None]


def column_letter(index: int) -> str:
    """``0`` → ``A``, ``26`` → ``AA``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribute(text: str) -> str:
    return _escape(text).replace('"', "&quot;").replace("\n", "&#xA;")


def _truncated(text: str) -> str:
    """At most Excel's 32,767 UTF-16 units (characters beyond the BMP count twice)."""
    if len(text) <= _MAX_TEXT_UNITS // 2 or len(text.encode("utf-16-le")) <= 2 * _MAX_TEXT_UNITS:
        return text
    return text.encode("utf-16-le")[: 2 * _MAX_TEXT_UNITS].decode("utf-16-le", errors="ignore")


def _text_element(text: str) -> str:
    """``<t>…</t>`` of a text, escaped as Excel escapes it."""
    text = _truncated(text)
    if not _SPECIAL.search(text):
        return f"<t>{text}</t>"
    space = ' xml:space="preserve"' if _EDGE_SPACE.search(text) else ""
    text = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", _LITERAL_ESCAPE.sub(r"_x005F\1", _escape(text)))
    return f"<t{space}>{text}</t>"


class SharedStrings:
    """The workbook's table of distinct texts; a text cell holds its index.

    Why shared rather than inline strings: ledger text repeats (titles,
    units, deadlines, statuses), so each distinct text is escaped and
    stored once, and the sheet's XML, compressed at the end, shrinks to a
    fraction.
    """

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.count = 0

    def cells(self, values: Sequence[str | None], style: int) -> list[str | None]:
        """Text cells; "" and None stay empty (no cell)."""
        index = self.index
        xml: dict[str | None, str] = {}
        for value in dict.fromkeys(values):
            if value:
                number = index.setdefault(value, len(index))
                xml[value] = f' s="{style}" t="s"><v>{number}</v></c>'
        cells = [xml.get(value) for value in values]
        self.count += len(cells) - cells.count(None)
        return cells

    def xml(self) -> Iterator[str]:
        """``sharedStrings.xml`` in pieces of :data:`_CHUNK_ROWS` texts; complete once the sheet's cells are made."""
        yield (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{self.count}" '
            f'uniqueCount="{len(self.index)}">'
        )
        texts = list(self.index)
        for start in range(0, len(texts), _CHUNK_ROWS):
            yield "".join([f"<si>{_text_element(text)}</si>" for text in texts[start : start + _CHUNK_ROWS]])
        yield "</sst>"


def number_cells(values: Sequence[float | int | None], style: int) -> list[str | None]:
    """Number cells as Excel reads them (17 significant digits at most); None stays empty."""
    head = f' s="{style}"><v>'
    return [None if value is None else head + format(value, ".16G") + "</v></c>" for value in values]


def bool_cells(values: Sequence[bool | None], style: int) -> list[str | None]:
    head = f' s="{style}" t="b"><v>'
    return [None if value is None else head + ("1" if value else "0") + "</v></c>" for value in values]


def excel_serial(value: date | datetime) -> float:
    """Excel's day number (1900 system, with its phantom 1900-02-29) for a date or naive datetime."""
    moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    delta = moment - _EPOCH
    serial = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86_400
    return serial + 1 if serial > 59 else serial


def _cols(columns: Sequence[SheetColumn]) -> str:
    parts = []
    for number, column in enumerate(columns, start=1):
        # Excel stores a width in characters of the default font plus 5 pixels of padding (7 px a character).
        pixels = int(column.width * 7 + 0.5) + 5
        width = int(pixels / 7 * 256) / 256
        parts.append(
            f'<col min="{number}" max="{number}" width="{width:.16G}" style="{column.style}" customWidth="1"/>'
        )
    return "<cols>" + "".join(parts) + "</cols>" if parts else ""


def _sheet_data(
    columns: Sequence[SheetColumn], row_count: int, heights: dict[int, float], strings: SharedStrings
) -> Iterator[str]:
    """``<sheetData>``: the header row, then each row's non-empty cells, in pieces of :data:`_CHUNK_ROWS` rows.

    Each piece is one join of a list filled column by column (slice
    assignment); pieces rather than one string keep a 50,000-row sheet from
    needing tens of MB of fresh memory.
    """
    spans = f' spans="1:{len(columns)}"' if columns else ""
    letters = [column_letter(index) for index in range(len(columns))]
    cells = strings.cells([column.header for column in columns], _STYLE_HEADER)
    header = "".join(
        f'<c r="{letter}1"{cell}' if cell else f'<c r="{letter}1" s="{_STYLE_HEADER}"/>'
        for letter, cell in zip(letters, cells, strict=True)
    )
    yield f'<sheetData><row r="1"{spans}>{header}</row>'
    # Heights in whole pixels (4/3 of a point), as Excel stores them: 409 points become 408.75.
    points = {index: int(height * 4 / 3 + 0.5) * 0.75 for index, height in heights.items()}
    stride = len(columns) + 2
    for start in range(0, row_count, _CHUNK_ROWS):
        stop = min(start + _CHUNK_ROWS, row_count)
        numbers = [str(row + 2) for row in range(start, stop)]
        pieces: list[str] = [""] * (len(numbers) * stride)
        pieces[0::stride] = [
            f'<row r="{number}"{spans} ht="{points[index]:.16G}" customHeight="1">'
            if index in points
            else f'<row r="{number}"{spans}>'
            for index, number in enumerate(numbers, start=start)
        ]
        for position, (letter, column) in enumerate(zip(letters, columns, strict=True), start=1):
            head = '<c r="' + letter
            pieces[position::stride] = [
                "" if cell is None else head + number + '"' + cell
                for number, cell in zip(numbers, column.cells[start:stop], strict=True)
            ]
        pieces[stride - 1 :: stride] = ["</row>"] * len(numbers)
        yield "".join(pieces)
    yield "</sheetData>"


def _worksheet(
    columns: Sequence[SheetColumn], row_count: int, heights: dict[int, float], strings: SharedStrings
) -> Iterator[str]:
    last = f"{column_letter(max(len(columns) - 1, 0))}{row_count + 1}"
    yield (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
        f'<dimension ref="A1:{last}"/>'
        '<sheetViews><sheetView tabSelected="1" workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft"/></sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="{_DEFAULT_ROW_HEIGHT:.16G}"/>'
        f"{_cols(columns)}"
    )
    yield from _sheet_data(columns, row_count, heights, strings)
    yield (
        f'<autoFilter ref="A1:{last}"/>'
        '<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
        '<pageSetup paperSize="9" fitToHeight="0" orientation="landscape"/>'
        "<headerFooter><oddFooter>&amp;C第 &amp;P 页，共 &amp;N 页</oddFooter></headerFooter>"
        "</worksheet>"
    )


def _workbook(sheet_name: str, filter_range: str, print_range: str | None) -> str:
    sheet = _escape("'" + sheet_name.replace("'", "''") + "'")
    names = (
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">{sheet}!{filter_range}</definedName>'
    )
    if print_range:
        names += f'<definedName name="_xlnm.Print_Area" localSheetId="0">{sheet}!{print_range}</definedName>'
    names += f'<definedName name="_xlnm.Print_Titles" localSheetId="0">{sheet}!$1:$1</definedName>'
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<bookViews><workbookView xWindow="240" yWindow="15" windowWidth="16095" windowHeight="9660"/></bookViews>'
        f'<sheets><sheet name="{_attribute(sheet_name)}" sheetId="1" r:id="rId1"/></sheets>'
        f"<definedNames>{names}</definedNames>"
        '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
    )


_FONT = '<sz val="11"/><name val="Calibri"/><family val="2"/>'
_THIN = '<color auto="1"/>'
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
    f'<fonts count="2"><font>{_FONT}</font><font><b/>{_FONT}</font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill>'
    "</fills>"
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    f'<border><left style="thin">{_THIN}</left><right style="thin">{_THIN}</right>'
    f'<top style="thin">{_THIN}</top><bottom style="thin">{_THIN}</bottom><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top"/></xf>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1">'
    '<alignment vertical="top"/></xf>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" '
    'applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '<dxfs count="0"/>'
    '<tableStyles count="0" defaultTableStyle="TableStyleMedium9" defaultPivotStyle="PivotStyleLight16"/>'
    "</styleSheet>"
)
_PACKAGE = "http://schemas.openxmlformats.org/package/2006"
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006"
_SHEETML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Types xmlns="{_PACKAGE}/content-types">'
    f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/docProps/app.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{_SHEETML}.styles+xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_SHEETML}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_SHEETML}.worksheet+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SHEETML}.sharedStrings+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{_PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{_OFFICE}/relationships/officeDocument" Target="xl/workbook.xml"/>'
    f'<Relationship Id="rId2" Type="{_PACKAGE}/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_OFFICE}/relationships/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{_PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{_OFFICE}/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_OFFICE}/relationships/styles" Target="styles.xml"/>'
    f'<Relationship Id="rId3" Type="{_OFFICE}/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
_APP = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Properties xmlns="{_OFFICE}/extended-properties"><Application>Microsoft Excel</Application></Properties>'
)


def _core(title: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<cp:coreProperties xmlns:cp="{_PACKAGE}/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{_escape(title)}</dc:title>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{_FIXED_STAMP}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{_FIXED_STAMP}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def write_workbook(
    out: IO[bytes],
    columns: Sequence[SheetColumn],
    row_count: int,
    strings: SharedStrings,
    *,
    sheet_name: str,
    heights: dict[int, float] | None = None,
    printed_columns: int | None = None,
) -> None:
    """Write the ``.xlsx`` of one sheet into ``out``; ``strings``: the table the columns' text cells index.

    ``out``: a new seekable binary file (or buffer) at its start, so zipfile
    writes the same headers as into memory (it seeks back to fill in each
    part's sizes); writing straight to the file keeps a 160,000-row
    workbook's bytes out of memory.
    ``heights``: row index (0 = first data row) → points, for rows taller
    than the default; ``printed_columns``: how many leading columns the
    print area covers (all when None; no print area without data rows).
    """
    last_column = column_letter(max(len(columns) - 1, 0))
    filter_range = f"$A$1:${last_column}${row_count + 1}"
    printed = len(columns) if printed_columns is None else printed_columns
    print_range = f"$A$1:${column_letter(printed - 1)}${row_count + 1}" if printed and row_count else None
    parts: list[tuple[str, Iterable[str]]] = [
        ("[Content_Types].xml", [_CONTENT_TYPES]),
        ("_rels/.rels", [_ROOT_RELS]),
        ("docProps/app.xml", [_APP]),
        ("docProps/core.xml", [_core(sheet_name)]),
        ("xl/workbook.xml", [_workbook(sheet_name, filter_range, print_range)]),
        ("xl/_rels/workbook.xml.rels", [_WORKBOOK_RELS]),
        ("xl/styles.xml", [_STYLES]),
        # The sheet before the strings: its header cells complete the table.
        ("xl/worksheets/sheet1.xml", _worksheet(columns, row_count, heights or {}, strings)),
        ("xl/sharedStrings.xml", strings.xml()),
    ]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL) as package:
        for name, pieces in parts:
            # A part opened by name gets zipfile's fixed stamp (1980-01-01) and mode 0600: same bytes every time.
            with package.open(name, "w") as part:
                for piece in pieces:
                    part.write(piece.encode("utf-8"))
