"""The importer's intermediate representation.

Readers (plain text, .docx) turn a file into a flat stream of ``SourceParagraph``
and ``SourceTable`` items; the recogniser turns that stream into a
``ParsedDocument``.  Nothing here touches Django: the loader in
``cms.importer.loader`` maps the tree onto Wagtail pages, so the parser can be
tested and fuzzed on its own.

Block values mirror the StreamField JSON of ``cms.core.blocks`` one to one, so
loading is a copy, not a second interpretation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

# --- reader output ---------------------------------------------------------

# Where a reader met a picture: kept in place so the editor sees it was not imported.
IMAGE_NOTE = "［此处有图片，未导入］"


@dataclass
class SourceParagraph:
    text: str
    line: int  # 1-based line in the source (paragraph index for .docx)


@dataclass
class SourceCell:
    text: str
    # A cell covered by a merge keeps empty text and points at its origin, so
    # "same as above" can be filled down without guessing.
    merged_from: tuple[int, int] | None = None  # (row, col) of the origin cell
    rowspan: int = 1
    colspan: int = 1


@dataclass
class SourceTable:
    rows: list[list[SourceCell]]
    line: int  # line of the first row


SourceItem = SourceParagraph | SourceTable


# --- recogniser output -----------------------------------------------------

BlockType = Literal[
    "heading",  # {"level": 0..4, "text": str}; 0 = unnumbered sub-title, resets numbering
    "paragraph",  # {"level": 0..4, "text": str}; level>0 = numbered item, number derived
    "target",  # {"text": str, "indicator": str}
    "target_group",  # {"unit_name": str, "targets": [{"text", "indicator"}]}
    "note",  # {"text": str}  备注
    "task_list",  # {"title": str, "rows": [TaskRow dict]}
    # indicator_table: {"title", "row_header", "groups": [{"name", "columns": [str]}],
    #                   "rows": [{"unit_name", "values": [float | None]}]}
    "indicator_table",
    "leading_group",  # {"title": str, "members": [{"role", "name", "position"}]}
    "phase",  # {"name": str, "period": str, "text": str}
    "table",  # {"title": str, "header_rows": int, "rows": [[{"text", "rowspan", "colspan"}]]}
]

# A task row dict:
# {"topic": str, "task": str, "detail": str, "deadline": str,
#  "units_text": str,                       # 责任单位 as written
#  "units": [{"name": str, "role": "lead"|"support"|"" (unstated), "division": str}]}


@dataclass
class Block:
    type: BlockType
    value: dict[str, Any]
    line: int


@dataclass
class Warning:
    line: int
    message: str


@dataclass
class ParsedLetter:
    """One 目标责任书 (or per-unit target section) addressed to one unit."""

    unit_name: str
    title: str
    body: list[Block]
    line: int


AttachmentKind = Literal["targets", "letters", "plan", "tasks", "other"]


@dataclass
class ParsedAttachment:
    number: int | None  # 附件N; None when the source gives no number
    title: str
    kind: AttachmentKind
    body: list[Block]
    line: int
    letters: list[ParsedLetter] = field(default_factory=list)
    attachments: list[ParsedAttachment] = field(default_factory=list)  # nested 附件


Disclosure = Literal["public", "on_request", "not_public"]


@dataclass
class ParsedDocument:
    source: str  # file name, for messages
    title: str
    doc_number: str = ""  # normalised "晋政文〔2022〕201号"
    issuer: str = ""  # 发文机关
    signer: str = ""  # 签发人
    recipients: str = ""  # 主送机关
    attachment_note: str = ""  # 附件说明
    signature: str = ""  # 发文机关署名
    written_date: date | None = None  # 成文日期
    disclosure: Disclosure | None = None  # None: the text does not say
    disclosure_wording: str = ""  # e.g. "（此件主动公开）"
    remarks: str = ""  # 附注
    copied_to: str = ""  # 抄送
    printed_by: str = ""  # 印发机关
    printed_date: date | None = None  # 印发日期
    year: int | None = None
    topic: Literal["safety", "fire", "both"] = "both"
    external_index: str = ""  # the portal's 索引号, kept as written
    validity: str = ""  # 有效性 as the 信息公开 block states it ("valid"/"expired"/"repealed"), "" when not stated
    # A portal copy: page chrome dropped (line, text), the 信息公开 block's
    # pairs and the lines they came from; all listed in the import report.
    chrome: list[tuple[int, str]] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    metadata_lines: list[tuple[int, str]] = field(default_factory=list)
    # Fields the editor stated beside the file (command line, sidecar, form), as report lines.
    stated_notes: list[str] = field(default_factory=list)
    body: list[Block] = field(default_factory=list)
    attachments: list[ParsedAttachment] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)
    # Lines the recogniser could not place in a structure; they are kept as
    # plain paragraphs in ``body``/attachment bodies and listed in the report.
    unrecognised: list[tuple[int, str]] = field(default_factory=list)
    # Numbering and label tokens stripped from the text ("一、", "附件2" …),
    # counted by the coverage check as accounted for.
    stripped_tokens: list[str] = field(default_factory=list)


class DocumentImportError(Exception):
    """Bad input: carries the file name and, where it applies, the line."""

    def __init__(self, source: str, message: str, line: int | None = None) -> None:
        self.source = source
        self.line = line
        self.message = message
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {message}")
