"""Read a Word ``.docx`` file into the importer's flat item stream.

Editors upload the Word files they already have, so this reader must yield the
same ``SourceParagraph`` / ``SourceTable`` stream that ``text_reader`` yields
for the equivalent plain text: the recogniser is written once, for both.

What that means in practice:

* the body is walked in document order, paragraphs and tables interleaved;
* a paragraph's text is what a reader sees: runs, hyperlinks, inserted
  revisions and field results, but not deleted revisions, hidden runs, field
  codes or text boxes; Word's automatic numbering is rendered as the token a
  reader sees (``一、``, ``（一）``, ``1.``) because the recogniser strips
  numbering tokens from the text, whichever way they were typed;
* a line break inside a paragraph starts a new item, as a new line does in a
  text file; empty paragraphs are skipped;
* tables keep every grid position: merged cells keep empty text and point at
  their origin, so "same as above" can be filled down without guessing; a
  row Word leaves short stays short, as it does in text.

``line`` is the 1-based position of the paragraph or table among the body's
paragraphs and tables (empty paragraphs included), so a message can point an
editor at "the 12th paragraph".
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import qn

from .text_reader import MAX_MEGABYTES, MAX_TEXT_BYTES, split_items
from .tree import IMAGE_NOTE, DocumentImportError, SourceCell, SourceItem, SourceParagraph, SourceTable

if TYPE_CHECKING:
    from docx.document import Document

__all__ = ["MAX_DOCX_BYTES", "read_docx"]

MAX_DOCX_BYTES = MAX_TEXT_BYTES  # one input limit for every format
# An upload within the limit can hide a zip bomb; real documents inflate a few times at most.
MAX_UNCOMPRESSED_BYTES = 500 * 1024 * 1024

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_MAGIC = b"PK\x03\x04"

_MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_ALTERNATE_CONTENT = f"{{{_MC_NS}}}AlternateContent"

_P = qn("w:p")
_TBL = qn("w:tbl")
_TR = qn("w:tr")
_TC = qn("w:tc")
_R = qn("w:r")
_SDT = qn("w:sdt")
_SDT_CONTENT = qn("w:sdtContent")
_CUSTOM_XML = qn("w:customXml")
_VAL = qn("w:val")

# Inline containers whose runs are visible text.
_INLINE_CONTAINERS = frozenset(
    qn(tag)
    for tag in (
        "w:hyperlink",
        "w:ins",
        "w:moveTo",
        "w:smartTag",
        "w:customXml",
        "w:fldSimple",
        "w:sdtContent",
        "w:bdo",
        "w:dir",
    )
)
_SDT_TAG = qn("w:sdt")

# Wrappers around rows / cells that still belong to the grid.
_GRID_WRAPPERS = frozenset((_SDT, _CUSTOM_XML))

MESSAGE_EMPTY = "文件是空的（0 字节），请检查上传的文件"
MESSAGE_TOO_LARGE = f"文件超过 {MAX_MEGABYTES} MB，无法导入；请删除其中的图片或拆分文件后再导入"
MESSAGE_OLD_DOC = (
    "这是旧版 Word 97-2003（.doc）格式的文件，或设置了打开密码的文件；"
    "请在 Word 或 WPS 中取消密码并“另存为” .docx 格式后再导入"
)
MESSAGE_NOT_DOCX = "文件不是有效的 Word .docx 文件"
MESSAGE_CORRUPT = "文件已损坏或不完整（可能上传或下载时被截断），请在 Word 或 WPS 中重新保存后再导入"
MESSAGE_BOMB = "文件解压后过大，无法导入"


# --- public entry point ----------------------------------------------------


def read_docx(data: bytes, source: str) -> list[SourceItem]:
    """Turn the bytes of a ``.docx`` file into paragraphs and tables in body order.

    Raises ``DocumentImportError`` naming ``source`` for anything that is not a
    readable Word 2007+ document, so an editor gets a message, not a traceback.
    """
    document = _open_document(data, source)
    body = document.element.find(qn("w:body"))
    if body is None:  # e.g. Strict Open XML, whose namespace python-docx does not know
        raise DocumentImportError(source, MESSAGE_NOT_DOCX + "（找不到正文，请另存为普通 .docx 格式）")
    reader = _BodyReader(
        numbering=_Numbering.from_document(document),
        footnotes=_footnotes(document),
    )
    items = reader.read(body)
    return _header_items(document, reader) + items


_HEADER_FIELD = re.compile(r"〔[0-9]{4}〕|\[[0-9]{4}\]|［[0-9]{4}］|签\s*发\s*人")


def _footnotes(document) -> dict[str, str]:
    """Footnote id → its text (the separator notes Word adds carry no text and are left out)."""
    root = _related_element(document, RT.FOOTNOTES)
    notes: dict[str, str] = {}
    if root is None:
        return notes
    for note in root.iter(qn("w:footnote")):
        out: list[str] = []
        for p in note.iter(_P):
            _inline_text(p, out)
            out.append(" ")
        text = re.sub(r"\s+", " ", "".join(out)).strip()
        if text:
            notes[note.get(qn("w:id"), "")] = text
    return notes


def _header_items(document, reader: _BodyReader) -> list[SourceItem]:
    """文号 / 签发人 written in the page header (often a table there), placed before the body.

    Only header content that holds such a field is taken: page numbers and
    running titles in headers are not part of the document.
    """
    found: list[SourceItem] = []
    seen: set[str] = set()
    for section in document.sections:
        for header in (section.first_page_header, section.header):
            if header.is_linked_to_previous:
                continue
            part = header.part
            if part.partname in seen:
                continue
            seen.add(part.partname)
            for item in reader.read(part.element):
                if isinstance(item, SourceTable):
                    cells = [cell.text for row in item.rows for cell in row if cell.text and cell.merged_from is None]
                    lines = [SourceParagraph(text, 1) for text in cells]
                else:
                    lines = [SourceParagraph(item.text, 1)]
                found += [line for line in lines if _HEADER_FIELD.search(line.text)]
    return found


# --- opening the file --------------------------------------------------------


def _open_document(data: bytes, source: str) -> Document:
    """Check the container before python-docx sees it, to say exactly what is wrong."""
    import docx  # local: keeps module import cheap for callers that only need the errors

    if not data:
        raise DocumentImportError(source, MESSAGE_EMPTY)
    if len(data) > MAX_DOCX_BYTES:
        raise DocumentImportError(source, MESSAGE_TOO_LARGE)
    if data.startswith(OLE_MAGIC):
        raise DocumentImportError(source, MESSAGE_OLD_DOC)
    if not data.startswith(b"PK"):
        raise DocumentImportError(source, MESSAGE_NOT_DOCX)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED_BYTES:
                raise DocumentImportError(source, MESSAGE_BOMB)
            names = {info.filename for info in infos}
            if "[Content_Types].xml" not in names:
                raise DocumentImportError(source, MESSAGE_NOT_DOCX)
            if archive.testzip() is not None:
                raise DocumentImportError(source, MESSAGE_CORRUPT)
    except DocumentImportError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
        # Starts like a zip but cannot be read: a cut-off upload or a damaged file.
        message = MESSAGE_CORRUPT if data.startswith(ZIP_MAGIC) else MESSAGE_NOT_DOCX
        raise DocumentImportError(source, message) from exc
    except Exception as exc:  # zlib.error and friends: still a damaged archive
        raise DocumentImportError(source, MESSAGE_CORRUPT) from exc

    try:
        return docx.Document(io.BytesIO(data))
    except ValueError as exc:
        # python-docx: "file ... is not a Word file, content type is ..." (.xlsx, .pptx,
        # .docm, .dotx) and bad attribute values.
        if "not a Word file" in str(exc):
            raise DocumentImportError(source, MESSAGE_NOT_DOCX + "（可能是 Excel、PowerPoint 或模板文件）") from exc
        raise DocumentImportError(source, MESSAGE_CORRUPT) from exc
    except Exception as exc:
        # Missing parts (KeyError), broken XML (XMLSyntaxError) ... python-docx raises
        # many types; all mean the same thing to the editor.
        raise DocumentImportError(source, MESSAGE_CORRUPT) from exc


def _related_element(document, reltype: str):  # -> lxml element | None
    """The root element of a part related to the main document, without creating it.

    ``document.part.numbering_part`` would try to create a missing part; a file
    without numbering simply has no numbering.
    """
    for rel in document.part.rels.values():
        if rel.is_external or rel.reltype != reltype:
            continue
        part = rel.target_part
        element = getattr(part, "element", None)
        if element is not None:
            return element
        try:
            return parse_xml(part.blob)
        except Exception:  # an unreadable optional part is treated as absent
            return None
    return None


# --- small XML helpers -----------------------------------------------------------


def _int(value: str | None, default: int | None = None) -> int | None:
    """Parse an OOXML integer attribute; garbage gives ``default`` instead of a crash."""
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        return default


def _child_val(parent, tag: str) -> str | None:
    """``w:val`` of the first ``tag`` child, or None when either is missing."""
    if parent is None:
        return None
    child = parent.find(qn(tag))
    if child is None:
        return None
    return child.get(_VAL)


def _is_on(element) -> bool:
    """An OOXML on/off property: present with no value, or a truthy value."""
    if element is None:
        return False
    return element.get(_VAL, "true").lower() not in ("0", "false", "off")


# --- numbering ---------------------------------------------------------------


@dataclass
class _Level:
    """One ``w:lvl`` of a list definition."""

    num_fmt: str = "decimal"
    lvl_text: str = "%1."
    start: int = 1
    restart: int | None = None  # w:lvlRestart; None: restart after any higher level
    is_legal: bool = False
    suffix: str = "tab"
    p_style: str | None = None

    @classmethod
    def from_element(cls, lvl) -> _Level:
        lvl_text_el = lvl.find(qn("w:lvlText"))
        return cls(
            num_fmt=_child_val(lvl, "w:numFmt") or "decimal",
            lvl_text=(lvl_text_el.get(_VAL) or "") if lvl_text_el is not None else "",
            start=_int(_child_val(lvl, "w:start"), 1) or 0,
            restart=_int(_child_val(lvl, "w:lvlRestart")),
            is_legal=_is_on(lvl.find(qn("w:isLgl"))),
            suffix=_child_val(lvl, "w:suff") or "tab",
            p_style=_child_val(lvl, "w:pStyle"),
        )


@dataclass
class _Num:
    """A ``w:num``: an instance of an abstract list, with optional overrides."""

    abstract_id: str
    start_overrides: dict[int, int] = field(default_factory=dict)
    level_overrides: dict[int, _Level] = field(default_factory=dict)


_CHINESE_DIGITS = "零一二三四五六七八九"
_CHINESE_LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
_EARTHLY_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_PARENTHESISED = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"
_FULL_STOPPED = "⒈⒉⒊⒋⒌⒍⒎⒏⒐⒑⒒⒓⒔⒕⒖⒗⒘⒙⒚⒛"
_ROMAN = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip


def _chinese_number(n: int, digits: str = _CHINESE_DIGITS, legal: bool = False) -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五: how Word counts in Chinese."""
    if n <= 0:
        return digits[0]
    units = ("拾", "佰", "仟") if legal else ("十", "百", "千")
    if n >= 10000:
        high, low = divmod(n, 10000)
        text = _chinese_number(high, digits, legal) + "万"
        if low:
            text += (digits[0] if low < 1000 else "") + _chinese_number(low, digits, legal)
        return text
    parts: list[str] = []
    pending_zero = False
    for power, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        digit = n // power % 10
        if digit == 0:
            pending_zero = bool(parts)
            continue
        if pending_zero:
            parts.append(digits[0])
            pending_zero = False
        parts.append(digits[digit] + unit)
    text = "".join(parts)
    if not legal and 10 <= n < 20:
        text = text[1:]  # 十一, not 一十一
    return text


def _letters(n: int) -> str:
    """Word's letter lists repeat the letter: A..Z, AA, BB, ..."""
    if n <= 0:
        return str(n)
    repeat, index = divmod(n - 1, 26)
    return chr(ord("A") + index) * (repeat + 1)


def _roman(n: int) -> str:
    if n <= 0:
        return str(n)
    out = []
    for value, symbol in _ROMAN:
        while n >= value:
            out.append(symbol)
            n -= value
    return "".join(out)


def _from_table(table: str, n: int) -> str:
    return table[n - 1] if 1 <= n <= len(table) else str(n)


def format_number(n: int, num_fmt: str) -> str | None:
    """Render counter ``n`` in Word's ``numFmt``; None for bullets (no number)."""
    if num_fmt == "bullet":
        return None
    if num_fmt == "none":
        return ""
    if num_fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting",
                   "taiwaneseCounting", "taiwaneseCountingThousand", "koreanCounting",
                   "japaneseDigitalTenThousand"):  # fmt: skip
        return _chinese_number(n)
    if num_fmt in ("chineseLegalSimplified", "ideographLegalTraditional", "japaneseLegal"):
        return _chinese_number(n, _CHINESE_LEGAL_DIGITS, legal=True)
    if num_fmt in ("ideographDigital", "taiwaneseDigital", "koreanDigital"):
        return "".join("〇一二三四五六七八九"[int(d)] for d in str(n))
    if num_fmt == "ideographTraditional":
        return _from_table(_HEAVENLY_STEMS, n)
    if num_fmt == "ideographZodiac":
        return _from_table(_EARTHLY_BRANCHES, n)
    if num_fmt in (
        "decimalEnclosedCircle",
        "decimalEnclosedCircleChinese",
        "ideographEnclosedCircle",
    ):
        return _from_table(_CIRCLED, n)
    if num_fmt == "decimalEnclosedParen":
        return _from_table(_PARENTHESISED, n)
    if num_fmt == "decimalEnclosedFullstop":
        return _from_table(_FULL_STOPPED, n)
    if num_fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return "".join(chr(ord(d) - ord("0") + ord("０")) for d in str(n))
    if num_fmt == "decimalZero":
        return f"{n:02d}"
    if num_fmt == "upperRoman":
        return _roman(n)
    if num_fmt == "lowerRoman":
        return _roman(n).lower()
    if num_fmt == "upperLetter":
        return _letters(n)
    if num_fmt == "lowerLetter":
        return _letters(n).lower()
    return str(n)  # decimal and anything exotic


_PLACEHOLDER = re.compile(r"%([1-9])")
# After these the number needs no gap before the text: "一、加强", "（一）加强".
_CLOSED_TOKEN_END = frozenset("、）】」．。，：:")


class _Numbering:
    """Resolve ``w:numPr`` to the number token Word displays, counting as Word does.

    Counters are kept per list instance. Word continues a sequence across
    ``w:num`` entries that share one abstract definition, unless a ``w:num``
    overrides a start value ("restart numbering"), which makes it its own
    sequence. Deeper levels restart when a higher level is used (``lvlRestart``).
    """

    def __init__(
        self,
        abstracts: dict[str, dict[int, _Level]],
        abstract_links: dict[str, str],
        nums: dict[str, _Num],
        styles: dict[str, _Style],
        default_style: str | None,
    ) -> None:
        self.abstracts = abstracts
        self.abstract_links = abstract_links  # abstract id -> numStyleLink style id
        self.nums = nums
        self.styles = styles
        self.default_style = default_style
        self.counters: dict[str, dict[int, int]] = {}

    @classmethod
    def from_document(cls, document) -> _Numbering:
        styles, default_style = _read_styles(_related_element(document, RT.STYLES))
        abstracts: dict[str, dict[int, _Level]] = {}
        links: dict[str, str] = {}
        nums: dict[str, _Num] = {}
        root = _related_element(document, RT.NUMBERING)
        if root is not None:
            for abstract in root.iterchildren(qn("w:abstractNum")):
                abstract_id = abstract.get(qn("w:abstractNumId"))
                if abstract_id is None:
                    continue
                levels: dict[int, _Level] = {}
                for lvl in abstract.iterchildren(qn("w:lvl")):
                    ilvl = _int(lvl.get(qn("w:ilvl")))
                    if ilvl is not None:
                        levels[ilvl] = _Level.from_element(lvl)
                abstracts[abstract_id] = levels
                link = _child_val(abstract, "w:numStyleLink")
                if link:
                    links[abstract_id] = link
            for num in root.iterchildren(qn("w:num")):
                num_id = num.get(qn("w:numId"))
                abstract_id = _child_val(num, "w:abstractNumId")
                if num_id is None or abstract_id is None:
                    continue
                entry = _Num(abstract_id)
                for override in num.iterchildren(qn("w:lvlOverride")):
                    ilvl = _int(override.get(qn("w:ilvl")))
                    if ilvl is None:
                        continue
                    start = _int(_child_val(override, "w:startOverride"))
                    if start is not None:
                        entry.start_overrides[ilvl] = start
                    lvl = override.find(qn("w:lvl"))
                    if lvl is not None:
                        entry.level_overrides[ilvl] = _Level.from_element(lvl)
                nums[num_id] = entry
        return cls(abstracts, links, nums, styles, default_style)

    # -- resolution --

    def _paragraph_num_pr(self, p) -> tuple[str, int | None, str | None] | None:
        """(numId, ilvl or None, style id) for a paragraph, from itself or its style."""
        p_pr = p.find(qn("w:pPr"))
        num_id: str | None = None
        ilvl: int | None = None
        style_id = _child_val(p_pr, "w:pStyle") or self.default_style
        if p_pr is not None:
            num_pr = p_pr.find(qn("w:numPr"))
            if num_pr is not None:
                num_id = _child_val(num_pr, "w:numId")
                ilvl = _int(_child_val(num_pr, "w:ilvl"))
        if num_id is None:
            style_num = self._style_num_pr(style_id)
            if style_num is not None:
                num_id, style_ilvl = style_num
                ilvl = ilvl if ilvl is not None else style_ilvl
        if num_id is None or num_id == "0":
            return None
        return num_id, ilvl, style_id

    def _style_num_pr(self, style_id: str | None) -> tuple[str, int | None] | None:
        """Follow ``basedOn`` until a style carries ``numPr``."""
        seen: set[str] = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            style = self.styles.get(style_id)
            if style is None:
                return None
            if style.num_id is not None:
                return style.num_id, style.ilvl
            style_id = style.based_on
        return None

    def _resolve_abstract(self, num: _Num) -> str:
        """Follow ``numStyleLink`` (a list style) to the abstract that holds the levels."""
        abstract_id = num.abstract_id
        for _ in range(5):  # links are one hop in practice; never loop forever
            link = self.abstract_links.get(abstract_id)
            if link is None:
                break
            style_num = self._style_num_pr(link)
            target = self.nums.get(style_num[0]) if style_num else None
            if target is None or target.abstract_id == abstract_id:
                break
            abstract_id = target.abstract_id
        return abstract_id

    def token(self, p) -> str | None:
        """The number token of paragraph ``p`` (advancing the counters), or None."""
        found = self._paragraph_num_pr(p)
        if found is None:
            return None
        num_id, ilvl, style_id = found
        num = self.nums.get(num_id)
        if num is None:
            return None
        abstract_id = self._resolve_abstract(num)
        levels = dict(self.abstracts.get(abstract_id, {}))
        levels.update(num.level_overrides)
        if not levels:
            return None
        if ilvl is None:
            # A style linked to a level by w:lvl/w:pStyle, else the top level.
            ilvl = next((i for i, lv in levels.items() if style_id and lv.p_style == style_id), 0)
        level = levels.get(ilvl)
        if level is None:
            return None

        key = f"num:{num_id}" if num.start_overrides else f"abstract:{abstract_id}"
        counters = self.counters.setdefault(key, {})

        def start_of(i: int) -> int:
            if i in num.start_overrides:
                return num.start_overrides[i]
            lv = levels.get(i)
            return lv.start if lv is not None else 1

        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else start_of(ilvl)
        for deeper in [i for i in counters if i > ilvl]:
            restart = levels[deeper].restart if deeper in levels else None
            if restart is None or (restart != 0 and ilvl < restart):
                del counters[deeper]

        def render(match: re.Match[str]) -> str:
            i = int(match.group(1)) - 1
            value = counters.get(i, start_of(i))
            lv = levels.get(i)
            fmt = "decimal" if (level.is_legal or lv is None) else lv.num_fmt
            if fmt == "bullet":
                fmt = "decimal"
            rendered = format_number(value, fmt)
            return rendered or ""

        if level.num_fmt == "bullet":
            return None  # bullets carry no number; the recogniser ignores them
        text = _PLACEHOLDER.sub(render, level.lvl_text).strip()
        if not text:
            return None
        if level.suffix == "nothing" or text[-1] in _CLOSED_TOKEN_END:
            return text
        return text + " "


@dataclass
class _Style:
    based_on: str | None
    num_id: str | None
    ilvl: int | None


def _read_styles(root) -> tuple[dict[str, _Style], str | None]:
    """Paragraph styles that can carry numbering, and the default paragraph style."""
    styles: dict[str, _Style] = {}
    default: str | None = None
    if root is None:
        return styles, default
    for style in root.iterchildren(qn("w:style")):
        style_id = style.get(qn("w:styleId"))
        if not style_id:
            continue
        p_pr = style.find(qn("w:pPr"))
        num_pr = p_pr.find(qn("w:numPr")) if p_pr is not None else None
        styles[style_id] = _Style(
            based_on=_child_val(style, "w:basedOn"),
            num_id=_child_val(num_pr, "w:numId") if num_pr is not None else None,
            ilvl=_int(_child_val(num_pr, "w:ilvl")) if num_pr is not None else None,
        )
        if style.get(qn("w:type")) == "paragraph" and _is_on_attr(style.get(qn("w:default"))):
            default = style_id
    return styles, default


def _is_on_attr(value: str | None) -> bool:
    return value is not None and value.lower() in ("1", "true", "on")


# --- text -----------------------------------------------------------------------


def _run_text(run, out: list[str]) -> None:
    r_pr = run.find(qn("w:rPr"))
    if r_pr is not None and _is_on(r_pr.find(qn("w:vanish"))):
        return  # hidden text is not what a reader sees
    for child in run.iterchildren():
        tag = child.tag
        if tag == qn("w:t"):
            out.append(child.text or "")
        elif tag in (qn("w:tab"), qn("w:ptab")):
            out.append("\t")
        elif tag == qn("w:br"):
            if child.get(qn("w:type")) in (None, "textWrapping"):
                out.append("\n")
        elif tag == qn("w:cr"):
            out.append("\n")
        elif tag == qn("w:noBreakHyphen"):
            out.append("-")
        # w:delText, w:instrText, w:drawing, w:pict, mc:AlternateContent: not visible text


def _inline_text(container, out: list[str]) -> None:
    """Visible text of a paragraph's content, following wrappers, skipping deletions."""
    for child in container.iterchildren():
        tag = child.tag
        if tag == _R:
            _run_text(child, out)
        elif tag in _INLINE_CONTAINERS:
            _inline_text(child, out)
        elif tag == _SDT_TAG:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                _inline_text(content, out)
        # w:del, w:moveFrom, w:pPr, bookmarks, comments, mc:AlternateContent: skipped


def _split_lines(text: str) -> list[str]:
    """Lines of a paragraph, stripped, empty ones dropped (as the text reader does)."""
    return [line.strip() for line in text.split("\n") if line.strip()]


# --- body walk ------------------------------------------------------------------


def _block_children(parent) -> Iterator:
    """Paragraphs and tables of a container, looking through content controls."""
    for child in parent.iterchildren():
        tag = child.tag
        if tag in (_P, _TBL):
            yield child
        elif tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _block_children(content)
        elif tag == _CUSTOM_XML:
            yield from _block_children(child)
        # w:sectPr, w:bookmarkStart, w:altChunk, mc:AlternateContent: no text of their own


def _grid_children(parent, tag: str) -> Iterator:
    """Rows of a table or cells of a row, looking through content controls."""
    for child in parent.iterchildren():
        if child.tag == tag:
            yield child
        elif child.tag in _GRID_WRAPPERS:
            inner = child.find(_SDT_CONTENT) if child.tag == _SDT else child
            if inner is not None:
                yield from _grid_children(inner, tag)


@dataclass
class _BodyReader:
    numbering: _Numbering
    footnotes: dict[str, str] = field(default_factory=dict)

    def read(self, body) -> list[SourceItem]:
        items: list[SourceItem] = []
        tabbed: list[tuple[int, str]] = []  # a run of tab-laid-out paragraphs (LibreOffice's text tables)

        def flush() -> None:
            if len(tabbed) == 1:  # one tabbed line is a paragraph laid out with a tab, not a table
                index, text = tabbed.pop()
                items.extend(SourceParagraph(line, index) for line in _split_lines(text))
                return
            # read exactly as the text reader reads the same lines in a .txt file
            for item in split_items("\n".join(text for _, text in tabbed)):
                item.line = tabbed[min(item.line, len(tabbed)) - 1][0]
                items.append(item)
            tabbed.clear()

        for index, element in enumerate(_block_children(body), start=1):
            if element.tag == _P:
                text = self._paragraph_text(element)
                if "\t" in text.strip():
                    tabbed.append((index, text))
                else:
                    if tabbed:
                        flush()
                    items.extend(SourceParagraph(line, index) for line in _split_lines(text))
                items.extend(SourceParagraph(note, index) for note in self._notes(element))
            else:
                if tabbed:
                    flush()
                rows = self._table_rows(element)
                if rows:
                    items.append(SourceTable(rows=rows, line=index))
        if tabbed:
            flush()
        return items

    def _notes(self, p) -> list[str]:
        """Footnotes referenced in the paragraph, kept as 注; images, named as not imported."""
        notes = []
        for k, ref in enumerate(p.iter(qn("w:footnoteReference")), start=1):
            text = self.footnotes.get(ref.get(qn("w:id"), ""))
            if text:
                notes.append(f"注{k if k > 1 else ''}：{text}")
        if any(True for _ in p.iter(qn("w:drawing"))) or any(True for _ in p.iter(qn("w:pict"))):
            notes.append(IMAGE_NOTE)
        return notes

    def _paragraph_text(self, p) -> str:
        out: list[str] = []
        _inline_text(p, out)
        text = "".join(out)
        # Count the paragraph even when it is empty: Word numbers empty list items too.
        token = self.numbering.token(p)
        if token and text.strip():
            text = token + text.lstrip()
        return text

    def _paragraph_lines(self, p) -> list[str]:
        return _split_lines(self._paragraph_text(p))

    def _cell_text(self, tc) -> str:
        """All non-empty paragraphs of a cell, nested tables flattened row by row."""
        lines: list[str] = []
        for element in _block_children(tc):
            if element.tag == _P:
                lines.extend(self._paragraph_lines(element))
            else:
                for row in self._table_rows(element):
                    lines.extend(cell.text for cell in row if cell.text and cell.merged_from is None)
        return "\n".join(lines)

    def _table_rows(self, tbl) -> list[list[SourceCell]]:
        """The table's rows with merge information, every grid position accounted for.

        A row is as long as its last cell reaches: Word rows that stop early
        (``w:gridAfter``, ragged rows) stay short, as the same table's rows do
        in text. Positions skipped by ``w:gridBefore`` are empty cells, so
        columns stay aligned.
        """
        grid: list[dict[int, SourceCell]] = []
        ends: list[int] = []
        for r, tr in enumerate(_grid_children(tbl, _TR)):
            tr_pr = tr.find(qn("w:trPr"))
            col = max(_int(_child_val(tr_pr, "w:gridBefore"), 0) or 0, 0)
            row: dict[int, SourceCell] = {}
            for tc in _grid_children(tr, _TC):
                tc_pr = tc.find(qn("w:tcPr"))
                span = max(_int(_child_val(tc_pr, "w:gridSpan"), 1) or 1, 1)
                v_merge = tc_pr.find(qn("w:vMerge")) if tc_pr is not None else None
                h_merge = tc_pr.find(qn("w:hMerge")) if tc_pr is not None else None
                continues_down = v_merge is not None and v_merge.get(_VAL, "continue") == "continue"
                continues_right = h_merge is not None and h_merge.get(_VAL, "continue") == "continue"

                origin: tuple[int, int] | None = None
                if continues_down and r > 0 and col in grid[r - 1]:
                    above = grid[r - 1][col]
                    origin = above.merged_from or (r - 1, col)
                    grid[origin[0]][origin[1]].rowspan = r - origin[0] + 1
                elif continues_right and col - 1 in row:
                    left = row[col - 1]
                    origin = left.merged_from or (r, col - 1)
                    if origin[0] == r:  # legacy w:hMerge: widen the origin in this row
                        row[origin[1]].colspan = col + span - origin[1]
                if origin is not None:
                    for k in range(span):
                        row[col + k] = SourceCell("", merged_from=origin)
                else:
                    row[col] = SourceCell(self._cell_text(tc), colspan=span)
                    for k in range(1, span):
                        row[col + k] = SourceCell("", merged_from=(r, col))
                col += span
            ends.append(col)
            grid.append(row)
        return [[row.get(c) or SourceCell("") for c in range(end)] for row, end in zip(grid, ends, strict=True)]
