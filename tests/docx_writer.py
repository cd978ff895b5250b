"""Build real Word documents from seed-style text or from an item stream.

Tests, the demo and the benchmarks need ``.docx`` versions of the seed texts
to exercise the ``.docx`` import path on real Word structures: tables with
genuine vertical merges (``w:vMerge``) and horizontal merges (``w:gridSpan``),
not text that merely looks like a table. The output is deterministic (fixed
zip timestamps and document properties), so fixtures can be compared and
cached.

Text is tokenised by ``text_reader.split_items``, the same function the text
import uses, so a seed and its ``.docx`` version carry the same cells and
merges by construction; the ``.docx`` reader then has to give them back.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from cms.importer.parsing.text_reader import split_items
from cms.importer.parsing.tree import SourceItem, SourceParagraph, SourceTable

__all__ = ["items_to_docx", "text_to_docx"]

# Any fixed instant will do; this one is inside the range zip timestamps allow.
_FIXED_ZIP_TIME = (2020, 1, 1, 0, 0, 0)
_FIXED_DOC_TIME = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


# --- items → .docx ----------------------------------------------------------------


def text_to_docx(text: str) -> bytes:
    """A Word document with the paragraphs and (merged) tables of seed-style ``text``."""
    return items_to_docx(split_items(text))


def items_to_docx(items: Sequence[SourceItem]) -> bytes:
    """A Word document holding ``items`` in order, merges written as real Word merges.

    Covered cells (``merged_from`` set) are written empty and merged into their
    origin with ``w:gridSpan`` / ``w:vMerge`` (see ``_add_table``), so
    ``read_docx(items_to_docx(items))`` gives ``items`` back, line numbers aside.
    """
    import docx  # local: only the writer's callers pay for python-docx

    document = docx.Document()
    _set_fixed_properties(document)
    _set_chinese_font(document)
    for item in items:
        if isinstance(item, SourceParagraph):
            document.add_paragraph(item.text)
        elif isinstance(item, SourceTable):
            _add_table(document, item)
        else:  # pragma: no cover - the item type is closed
            raise TypeError(f"unknown item {item!r}")
    buffer = io.BytesIO()
    document.save(buffer)
    return _normalise_zip(buffer.getvalue())


def _add_table(document, item: SourceTable) -> None:
    """Append ``item`` as a Word table whose merges say what the cells say.

    Each row is rebuilt from its cells: an origin with covered cells to its
    right gets ``w:gridSpan``; an origin with covered cells below gets
    ``w:vMerge="restart"``; a run of cells covered from a row above becomes one
    ``w:vMerge="continue"`` cell as wide as the run. For rectangles this is
    exactly what python-docx ``cell.merge`` writes (and what Word writes);
    unlike ``cell.merge`` it also encodes merges that are not rectangles, so
    any item stream survives the trip through Word XML unchanged.
    """
    from docx.oxml.table import CT_Tc
    from docx.table import _Cell

    rows = item.rows
    if not rows or not all(rows):
        # Word has no empty rows; readers never produce them.
        raise ValueError("a table needs at least one row and no empty rows")
    width = max(len(row) for row in rows)
    table = document.add_table(rows=len(rows), cols=width)
    table.style = document.styles["Table Grid"]
    col_widths = [col.w or 0 for col in table._tbl.tblGrid.gridCol_lst]
    continued = {
        cell.merged_from
        for r, row in enumerate(rows)
        for cell in row
        if cell.merged_from is not None and cell.merged_from[0] != r
    }
    for r, (tr, row) in enumerate(zip(table._tbl.tr_lst, rows, strict=True)):
        for tc in list(tr.tc_lst):
            tr.remove(tc)
        cells = list(row)
        if len(cells) < width:
            # A short row stays short (as in the text); Word wants the gap declared.
            gap = width - len(cells)
            tr.get_or_add_trPr().append(parse_xml(f'<w:gridAfter {nsdecls("w")} w:val="{gap}"/>'))
        c = 0
        while c < len(cells):
            cell = cells[c]
            tc = CT_Tc.new()
            span = 1
            if cell.merged_from is not None and cell.merged_from[0] != r:
                # Covered from above: one continuation cell for the whole run.
                while c + span < len(cells) and cells[c + span].merged_from == cell.merged_from:
                    span += 1
                tc.vMerge = "continue"
            else:
                while c + span < len(cells) and cells[c + span].merged_from == (r, c):
                    span += 1
                if cell.merged_from is None:
                    _write_cell_text(_Cell(tc, table), cell.text)
                    if (r, c) in continued:
                        tc.vMerge = "restart"
                # A covered cell whose origin is not beside it cannot be said in
                # Word; it stays a plain empty cell.
            if span > 1:
                tc.grid_span = span
            tc.width = sum(col_widths[c : c + span])
            tr.append(tc)
            c += span


def _write_cell_text(cell, text: str) -> None:
    """One Word paragraph per line of the cell's text."""
    if not text:
        return
    lines = text.split("\n")
    cell.paragraphs[0].text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


def _set_fixed_properties(document) -> None:
    """Fixed core properties: the same input must give the same bytes."""
    props = document.core_properties
    props.author = ""
    props.last_modified_by = ""
    props.created = _FIXED_DOC_TIME
    props.modified = _FIXED_DOC_TIME
    props.revision = 1


def _set_chinese_font(document) -> None:
    """Give the Normal style a Chinese font so the demo files read like the originals."""
    style = document.styles["Normal"]
    r_pr = style.element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = r_pr.makeelement(qn("w:rFonts"), {})
        r_pr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), "仿宋")


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite the package with fixed timestamps (python-docx stamps the current time)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()
