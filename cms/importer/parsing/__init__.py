"""The document importer's parser: bytes in, ``ParsedDocument`` out.

Readers turn a file into a flat stream of paragraphs and tables (plain text:
``text_reader``; Word .docx: ``docx_reader``); ``recognise`` finds the
structure.  Nothing here imports Django, so the parser can be tested and
fuzzed on its own.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .coverage import coverage
from .recognise import recognise
from .text_reader import MAX_MEGABYTES, MAX_TEXT_BYTES, decode_text, split_items, too_large
from .tree import DocumentImportError, ParsedDocument, SourceItem, SourceTable
from .units import split_units

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_MEGABYTES",
    "DocumentImportError",
    "ParsedDocument",
    "ParsedSource",
    "coverage",
    "items_text",
    "parse_bytes",
    "parse_file",
    "parse_source",
    "read_items",
    "read_source",
    "recognise",
    "split_units",
    "too_large",
]

MAX_FILE_BYTES = MAX_TEXT_BYTES  # the same limit for every format
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


def _is_docx(data: bytes, source: str) -> bool:
    return data.startswith(_ZIP_MAGIC) or source.lower().endswith((".docx", ".docm"))


@dataclass(frozen=True)
class ParsedSource:
    """A parsed document with the text it was read from.

    Why together: the import report measures coverage (how much of the
    source text reached the document) against exactly the text the parser
    saw, and reading a .docx is the slow part of an import; it is read once.
    """

    document: ParsedDocument
    text: str


def items_text(items: list[SourceItem]) -> str:
    """The text of ``items`` as coverage counts it: paragraphs and each table cell once (merged cells are one)."""
    lines: list[str] = []
    for item in items:
        if isinstance(item, SourceTable):
            lines += [cell.text for row in item.rows for cell in row if cell.merged_from is None]
        else:
            lines.append(item.text)
    return "\n".join(lines)


def read_items(data: bytes, source: str) -> list[SourceItem]:
    """The items of a file (see :func:`read_source`)."""
    return read_source(data, source)[0]


def read_source(data: bytes, source: str) -> tuple[list[SourceItem], str]:
    """Choose the reader by content (zip magic) or extension; the items and the source text, read once.

    ``.docx`` goes to ``docx_reader.read_docx``, imported only when needed (it
    pulls in python-docx/lxml); everything else is read as text, which
    rejects old .doc, images and other binaries with a clear message.
    """
    old_word = source.lower().endswith((".doc", ".wps")) and not data.startswith(_ZIP_MAGIC)
    if data.startswith(_OLE_MAGIC) or old_word:
        raise DocumentImportError(
            source,
            "这是旧版 Word（.doc）或 WPS 文件，无法直接导入：请在 Word/WPS 中另存为 .docx 或纯文本（.txt）后再导入。",
        )
    if _is_docx(data, source):
        if not data.startswith(_ZIP_MAGIC):
            raise DocumentImportError(source, "文件扩展名是 .docx，但内容不是 Word 文档（可能已损坏或被截断）。")
        try:
            # Looked up per call: the reader is optional (below), and tests substitute it.
            from .docx_reader import read_docx
        except ImportError as exc:  # the reader is optional until it ships
            raise DocumentImportError(source, "暂不支持导入 .docx 文件，请另存为纯文本（.txt）后再导入。") from exc
        try:
            items = read_docx(data, source)
        except DocumentImportError:
            raise
        except Exception as exc:  # an editor must see a message, never a traceback
            raise DocumentImportError(source, f"无法读取 Word 文件（{type(exc).__name__}），文件可能已损坏。") from exc
        return items, items_text(items)
    text = decode_text(data, source)
    return split_items(text), text


def parse_bytes(data: bytes, source: str) -> ParsedDocument:
    """Parse a file's bytes; ``source`` is the file name used in messages.

    Plain text is the default; a .docx (zip magic or extension) is handed to
    the .docx reader, so an upload form can call this with whatever it got.
    """
    return parse_source(data, source).document


def parse_source(data: bytes, source: str) -> ParsedSource:
    """Like :func:`parse_bytes`, also returning the source text coverage is measured against."""
    items, text = read_source(data, source)
    return ParsedSource(recognise(items, source), text)


def parse_file(path: str | os.PathLike[str]) -> ParsedDocument:
    """Parse a file on disk, choosing the text or .docx reader."""
    file = Path(path)
    source = file.name
    try:
        size = file.stat().st_size
    except OSError as exc:
        raise DocumentImportError(source, "无法读取文件（文件不存在或没有权限）。") from exc
    if size > MAX_FILE_BYTES:
        raise DocumentImportError(source, too_large(size))
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise DocumentImportError(source, "无法读取文件（文件不存在或没有权限）。") from exc
    return parse_bytes(data, source)
