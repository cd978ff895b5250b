"""Recognise the structure of a 公文 / 附件 from the flat item stream.

The input is what a reader yields (paragraphs and tables in order); the output
is a ``ParsedDocument``: header fields, body blocks, attachments (nested where
an attachment has its own 附件), per-unit letters, task lists and tables.

Principles:

* nothing is dropped: every character of the source ends up in a field, a
  block or ``stripped_tokens`` (numbering and label tokens); ``coverage``
  checks this;
* numbering is structure: ``一、`` / ``（一）`` / ``1.`` / ``（1）`` become a
  level and the token is stripped, because the renderer derives numbers;
* whatever cannot be placed stays a plain paragraph where it was and is listed
  in ``unrecognised``, so an editor can check it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cms.documents.doc_number import CLOSE as DOC_CLOSE
from cms.documents.doc_number import OPEN as DOC_OPEN

from .header import (
    PLACEHOLDER_TITLE,
    damaged_date,
    metadata_date,
    metadata_doc_number,
    metadata_validity,
    plan_start,
    title_from_content,
)
from .portal import split_portal
from .traditional import simplified_copy
from .tree import (
    IMAGE_NOTE,
    AttachmentKind,
    Block,
    BlockType,
    Disclosure,
    DocumentImportError,
    ParsedAttachment,
    ParsedDocument,
    ParsedLetter,
    SourceCell,
    SourceItem,
    SourceParagraph,
    SourceTable,
    Warning,
)
from .units import split_units

__all__ = ["recognise"]

Item = SourceParagraph | SourceTable

# --- patterns -------------------------------------------------------------------

_CN_NUM = "一二三四五六七八九十百"

# 层次序数, full- and half-width.  Level 3 needs a separator not followed by a
# digit, so "1.5倍" and "2022年" are not numbering.
_NUMBERING: list[tuple[int, re.Pattern[str]]] = [
    (2, re.compile(rf"^(?P<tok>[（(]\s*[{_CN_NUM}]{{1,4}}\s*[）)])\s*")),
    (4, re.compile(r"^(?P<tok>[（(]\s*[0-9０-９]{1,3}\s*[）)])\s*")),
    (1, re.compile(rf"^(?P<tok>[{_CN_NUM}]{{1,4}}\s*[、．.])\s*")),
    (3, re.compile(r"^(?P<tok>[0-9０-９]{1,3}\s*(?:[.．](?![0-9０-９])|、))\s*")),
]

_DOC_NUMBER = re.compile(
    rf"^(?P<org>[\u4e00-\u9fff]{{1,15}})\s*{DOC_OPEN}\s*(?P<year>[0-9]{{4}})\s*{DOC_CLOSE}\s*"
    r"(?P<seq>[0-9]{1,5})\s*号"  # the brackets cms.documents.doc_number.DOC_NUMBER_RE accepts
    r"(?:\s+签\s*发\s*人\s*[:：]\s*(?P<signer>\S.*))?$"
)
_SIGNER = re.compile(r"^签\s*发\s*人\s*[:：]\s*(?P<signer>\S.*)$")
_ORGAN_MARK = re.compile(r"^(?P<org>[\u4e00-\u9fff、\s]{2,40}?)\s*文\s*件$")

_DATE = (
    r"(?P<y>[0-9]{4}|[〇零一二三四五六七八九]{4})\s*年\s*"
    r"(?P<m>[0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*"
    r"(?P<d>[0-9]{1,2}|[一二三四五六七八九十]{1,4})\s*日"
)
_DATE_LINE = re.compile(rf"^{_DATE}$")
_PRINTED = re.compile(rf"^(?P<org>.*?)\s*{_DATE}\s*(?P<tail>印\s*发)$")
_COPIED = re.compile(r"^(?P<tok>抄\s*送\s*(?:单位|机关)?\s*[:：])\s*(?P<text>.*)$")
_DISCLOSURE_WORDS = "主动公开|公开发布|依申请公开|不予公开|不公开|免予公开|免于公开|不宜公开|予以公开|公开"
_DISCLOSURE = re.compile(
    rf"^[（(]?\s*(?:(?:信息)?公开(?:方式|属性|选项|类型)\s*[:：]\s*|此件|本件|本文件?)\s*(?P<kind>{_DISCLOSURE_WORDS})"
    r"\s*[)）]?\s*。?$"
)
_DISCLOSURE_BARE = re.compile(rf"^[（(]\s*(?P<kind>{_DISCLOSURE_WORDS})\s*[)）]$")
_REMARK = re.compile(r"^[（(]\s*(?:联系人|附注|注)\s*[:：].*[)）]$")

_LABEL = re.compile(rf"^附\s*件\s*(?:(?P<num>[0-9０-９]{{1,3}}|[{_CN_NUM}]{{1,3}})\s*[:：]?)?$")
_NOTE_HEAD = re.compile(r"^(?P<tok>附\s*件\s*[:：])\s*(?P<text>.*)$")
_NOTE_ITEM = re.compile(r"^[0-9０-９]{1,2}\s*[.．、]")

_RESPONSIBLE = re.compile(r"^(?P<tok>(?:责任|牵头|承办)单位\s*[:：])\s*(?P<text>.*)$")
_DEADLINE = re.compile(r"^(?P<tok>(?:完成|办结)?(?:时限|时间|期限)(?:要求)?\s*[:：])\s*(?P<text>.+)$")
_NOTE = re.compile(r"^(?P<tok>备\s*注\s*[:：])\s*(?P<text>.*)$", re.S)
# "…按职责分工负责三、时间安排": a heading glued to the end of a 责任单位 line.
_GLUED_HEADING = re.compile(rf"^(?P<head>.*[^{_CN_NUM}])(?P<tail>[{_CN_NUM}]{{1,3}}、[^，。；、：:,;]{{2,12}})$")

_ROLE = re.compile(
    r"^(?P<role>(?:常\s*务\s*)?副?\s*组\s*长|成\s*员|办\s*公\s*室\s*副?\s*主\s*任|副?\s*主\s*任|顾\s*问|秘\s*书\s*长)"
    r"\s*(?P<tok>[:：])\s*(?P<rest>.+)$"
)
_CJK_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")

_SUBTITLE = re.compile(r"^(?P<text>[^，。；;,、：:！？!?（）()]{2,16})(?P<tok>[:：])$")
_ASPECT = re.compile(r"^(?P<text>(?:安全生产|消防(?:安全)?(?:工作)?|[\u4e00-\u9fff]{2,8})方面)(?P<tok>[:：]?)$")

_LETTER_ONE = re.compile(
    r"^(?P<year>[0-9]{4})\s*年(?!度)\s*(?P<unit>[^，。；：:、\s]{2,40}?)\s*"
    r"(?P<scope>安全生产和消防|安全生产与消防|安全生产|消防)?(?:工作)?目标责任$"
)
_LETTER_HEAD = re.compile(r"^[0-9]{4}\s*年(?!度)[^，。；：:、\s]{2,40}$")
_LETTER_TAIL = re.compile(r"^[^，。；：:、\s]{0,20}目标责任$")

_PHASE_SECTION = re.compile(r"时间安排|实施步骤|工作步骤|步骤安排|进度安排|阶段安排|时间步骤|方法步骤")
_PHASE = re.compile(
    r"^(?P<name>[^（(，。：:；]{2,12}?)\s*(?P<open>[（(])(?P<period>[^（()）]{2,30}?)(?P<close>[）)])\s*(?P<dot>[。.]?)\s*(?P<text>.*)$",
    re.S,
)
_SPECIFIC = re.compile(r"个性.*目标")

_TITLE_END = re.compile(
    r"(?:通知|意见|方案|决定|办法|规定|细则|要点|计划|规划|报告|请示|批复|函|纪要|公告|通告|通报|目标责任书?|责任书"
    r"|清单|一览表|统计表|表|工作机制|机制|领导组|领导小组|名单|指南|制度|目标责任)$"
)
_TABLE_TITLE_END = re.compile(r"(?:清单|表|名单|明细|目录)$")
_SENTENCE_END = "。！？!?；;：:"
_DECORATION = re.compile(r"^(?:[-—–－_＿=＝─━·•*＊~～]{3,}|[-—–－]\s*[0-9]{1,4}\s*[-—–－])$")
_INDICATOR = re.compile(
    r"(?:[≥≤＞＜><]\s*)?(?:(?:不少于|不低于|不超过|不高于|不多于|不大于|不小于|至少|低于|高于|超过)\s*)?"
    r"[0-9]+(?:\.[0-9]+)?\s*[%％](?:\s*以[上下])?"
    r"|(?:不少于|不低于|不超过|不高于|不多于|至少)\s*[0-9]+(?:\.[0-9]+)?\s*"
    r"(?:个|起|次|人|家|处|项|场次|场|所|支|台|部|条|件|名|户|课时|分|天|万|小时)"
)
_NUMBER = re.compile(r"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]*[1-9])?$")

_WHITESPACE = re.compile(r"\s+")
_SPACE_NEAR_CJK = re.compile(r"\s+(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])\s+")


# --- small helpers --------------------------------------------------------------------


def _squash(text: str) -> str:
    """Remove layout spaces next to Chinese characters ("2022 年度" → "2022年度")."""
    return _SPACE_NEAR_CJK.sub("", text).strip()


def _bare(text: str) -> str:
    return _WHITESPACE.sub("", text)


def _numbering(text: str) -> tuple[int, str, str] | None:
    """(level, token, rest) when the text starts with a 层次序数 token."""
    for level, pattern in _NUMBERING:
        match = pattern.match(text)
        if match and match.end() < len(text):
            return level, match.group("tok"), text[match.end() :].strip()
    return None


def _is_heading_text(rest: str) -> bool:
    """A numbered line is a heading when it is a short title without sentence body."""
    return 0 < len(rest) <= 40 and not any(ch in rest for ch in "。；;！？!?")


def _ends_sentence(text: str) -> bool:
    stripped = text.rstrip("”’」』\"'")
    return bool(stripped) and stripped[-1] in _SENTENCE_END


_CN_DIGIT_VALUES = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _cn_to_int(text: str) -> int | None:
    """Arabic or Chinese numerals (一, 十一, 二十三, 二〇二二) to int."""
    if text.isascii() and text.isdigit():
        return int(text)
    digits = _CN_DIGIT_VALUES
    if len(text) == 4 and all(ch in digits for ch in text):  # a year written digit by digit
        return int("".join(str(digits[ch]) for ch in text))
    if "十" in text:
        tens, _, units = text.partition("十")
        if (tens and tens not in digits) or (units and units not in digits):
            return None
        return (digits[tens] if tens else 1) * 10 + (digits[units] if units else 0)
    if len(text) == 1 and text in digits:
        return digits[text]
    return None


def _parse_date(match: re.Match[str]) -> date | None:
    year, month, day = (_cn_to_int(match.group(k)) for k in ("y", "m", "d"))
    if year is None or month is None or day is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _date_text(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _organ_like(text: str) -> bool:
    """A signature / printing organ: a short name without punctuation or numbering."""
    return (
        0 < len(text) <= 40
        and not any(ch in text for ch in "。，,；;：:！？!?、")
        and _numbering(text) is None
        and not _DATE_LINE.match(text)
        and not _LABEL.match(text)
    )


def _title_like(text: str) -> bool:
    """Could this line be (part of) a title?"""
    return (
        2 <= len(text) <= 80
        and "。" not in text
        and text[-1] not in "；;！？!?：:，,"
        and _numbering(text) is None
        and not _LABEL.match(text)
        and not _NOTE_HEAD.match(text)
        and not _RESPONSIBLE.match(text)
        and not _NOTE.match(text)
        and not _COPIED.match(text)
        and not _DATE_LINE.match(text)
        and not _PRINTED.match(text)
        and not _ROLE.match(text)
        and not _DISCLOSURE.match(text)
        and not _DECORATION.match(text)
    )


def _indicator(text: str) -> str:
    match = _INDICATOR.search(text)
    return _bare(match.group(0)) if match else ""


def _letter_title(items: Sequence[Item], i: int) -> tuple[str, str, int] | None:
    """(title, unit, lines used) when a per-unit letter title starts at ``items[i]``."""
    item = items[i]
    if not isinstance(item, SourceParagraph):
        return None
    text = _squash(item.text)
    match = _LETTER_ONE.match(text)
    if match:
        return text, match.group("unit"), 1
    if _LETTER_HEAD.match(text) and i + 1 < len(items) and isinstance(following := items[i + 1], SourceParagraph):
        second = _squash(following.text)
        if _LETTER_TAIL.match(second):
            match = _LETTER_ONE.match(text + second)
            if match:
                return text + second, match.group("unit"), 2
    return None


def _member(rest: str, need_position: bool) -> tuple[str, str, list[str]] | None:
    """Split "郭阳灿  乡党委书记" / "黄  芃  乡党委委员" / "郭阳灿（乡党委书记）".

    Returns (name, position, stripped tokens) or None when the text is not a
    member line.
    """
    rest = rest.strip()
    tokens = rest.split()
    if tokens:
        name = tokens[0]
        used = 1
        while len(name) < 2 and used < len(tokens) and len(tokens[used]) == 1:
            name += tokens[used]
            used += 1
        position = " ".join(tokens[used:])
        if _CJK_NAME.match(name) and (position or not need_position) and "。" not in position and len(position) <= 60:
            return name, position, []
    bracket = re.match(
        r"^(?P<name>[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff][ \u3000]+[\u4e00-\u9fff])\s*"
        r"(?P<open>[（(])(?P<pos>[^（）()]{1,60})(?P<close>[）)])$",
        rest,
    )
    if bracket:
        tokens = [bracket.group("open"), bracket.group("close")]
        return _bare(bracket.group("name")), bracket.group("pos").strip(), tokens
    return None


# --- the recogniser ------------------------------------------------------------------


@dataclass
class _Segment:
    """Items between two 附件 labels."""

    label: SourceParagraph
    number: int | None
    items: list[Item] = field(default_factory=list)


class _Recogniser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.doc = ParsedDocument(source=source, title="")

    # messages ---------------------------------------------------------------------
    def warn(self, line: int, message: str) -> None:
        self.doc.warnings.append(Warning(line=line, message=message))

    def token(self, text: str) -> None:
        text = _bare(text)
        if text:
            self.doc.stripped_tokens.append(text)

    def unplaced(self, item: SourceParagraph) -> Block:
        self.doc.unrecognised.append((item.line, item.text))
        return Block("paragraph", {"level": 0, "text": item.text}, item.line)

    # main -------------------------------------------------------------------------------
    def run(self, items: list[SourceItem]) -> ParsedDocument:
        portal = split_portal(list(items))
        self.doc.chrome = portal.chrome
        self.doc.metadata = portal.metadata
        self.doc.metadata_lines = portal.metadata_lines
        work = self._normalise(portal.items)
        if not work:
            raise DocumentImportError(self.source, "文件中没有可导入的文字内容。")
        for item in work:
            if isinstance(item, SourceParagraph) and item.text == IMAGE_NOTE:
                self.warn(item.line, "这里有图片，图片不会导入，请在编辑页另行上传或说明。")
        self._apply_metadata()
        work = self._take_header(work)
        work = self._take_tail(work)
        first_label = next(
            (i for i, item in enumerate(work) if isinstance(item, SourceParagraph) and _LABEL.match(item.text)),
            len(work),
        )
        main, rest = work[:first_label], work[first_label:]
        # a cover letter (印发通知) followed by its plan without an 附件 label
        split = plan_start(self.doc.title, main, lambda text: bool(_DATE_LINE.match(text)), _title_like)
        plan: list[Item] = []
        if split is not None:
            main, plan = main[:split], main[split:]
        main = self._take_closing(main)
        self.doc.body = _BodyBuilder(self, title=self.doc.title).build(main)
        self.doc.attachments = self._attachments(rest, leading=plan)
        self._finish(items)
        return self.doc

    # 信息公开 metadata ------------------------------------------------------------------
    def _apply_metadata(self) -> None:
        """Fields from a portal's 信息公开 block; the document's own text wins where it states them."""
        doc, meta = self.doc, self.doc.metadata
        line = doc.metadata_lines[0][0] if doc.metadata_lines else 1
        doc.external_index = meta.get("索引号", "")[:80]
        for key in ("发文字号", "文号"):
            if meta.get(key):
                number = metadata_doc_number(meta[key])
                if number:
                    doc.doc_number = number
                else:
                    self.warn(line, f"信息公开栏的{key}“{meta[key]}”无法识别，未填写。")
                break
        for key in ("成文日期", "发文日期"):
            if meta.get(key):
                written = metadata_date(meta[key])
                if written is None:
                    self.warn(line, f"信息公开栏的{key}“{meta[key]}”不是完整的日期，未填写，请核对后补充。")
                else:
                    doc.written_date = written
                break
        if meta.get("有效性") or meta.get("时效性") or meta.get("效力状态"):
            doc.validity = metadata_validity(meta.get("有效性") or meta.get("时效性") or meta.get("效力状态", ""))
        if "主动公开" in meta.get("公开方式", ""):
            doc.disclosure, doc.disclosure_wording = "public", ""
        elif "依申请" in meta.get("公开方式", ""):
            doc.disclosure, doc.disclosure_wording = "on_request", ""

    def _metadata_issuer(self) -> str:
        meta = self.doc.metadata
        return next((meta[k] for k in ("发文机关", "发文机构", "发布机构", "所属机构") if meta.get(k)), "")[:120]

    # normalising ----------------------------------------------------------------------
    def _normalise(self, items: Sequence[SourceItem]) -> list[Item]:
        """Clean text, unwrap one-cell tables, pad ragged rows, split glued headings."""
        out: list[Item] = []
        for item in items:
            if isinstance(item, SourceTable):
                texts = [cell.text.strip() for row in item.rows for cell in row if cell.text.strip()]
                if not texts:
                    continue
                if len(item.rows) == 1 and len(texts) == 1:
                    item = SourceParagraph(text=texts[0], line=item.line)
                else:
                    out.append(self._pad(item))
                    continue
            text = item.text.strip()
            if not text:
                continue
            if _DECORATION.match(text):
                self.token(text)
                continue
            responsible = _RESPONSIBLE.match(text)
            glued = _GLUED_HEADING.match(text) if responsible else None
            if glued:
                out.append(SourceParagraph(text=glued.group("head").strip(), line=item.line))
                out.append(SourceParagraph(text=glued.group("tail").strip(), line=item.line))
                continue
            out.append(SourceParagraph(text=text, line=item.line))
        return out

    def _pad(self, table: SourceTable) -> SourceTable:
        width = max(len(row) for row in table.rows)
        ragged = [n for n, row in enumerate(table.rows, start=1) if len(row) < width]
        if ragged:
            shown = "、".join(str(n) for n in ragged[:8]) + ("等" if len(ragged) > 8 else "")
            self.warn(table.line, f"表格第 {shown} 行的单元格数少于 {width} 列，已用空单元格补齐，请核对。")
        rows = [
            [SourceCell(c.text.strip(), c.merged_from, c.rowspan, c.colspan) for c in row]
            + [SourceCell("") for _ in range(width - len(row))]
            for row in table.rows
        ]
        return SourceTable(rows=rows, line=table.line)

    # header ----------------------------------------------------------------------------
    def _take_header(self, work: list[Item]) -> list[Item]:
        """发文机关标志, 发文字号, 签发人, 标题, 主送机关 from the front."""
        doc = self.doc
        i = 0

        def para(k: int) -> SourceParagraph | None:
            item = work[k] if k < len(work) else None
            return item if isinstance(item, SourceParagraph) else None

        organ_mark = ""
        if (
            (p := para(i))
            and (mark := _ORGAN_MARK.match(p.text))
            and (number_line := para(i + 1))
            and _DOC_NUMBER.match(number_line.text)
        ):
            organ_mark = _squash(mark.group("org"))
            doc.issuer = organ_mark
            self.token("文件")
            i += 1
        if (p := para(i)) and (m := _SIGNER.match(p.text)):
            doc.signer = m.group("signer").strip()
            self.token("签发人：")
            i += 1
        if (p := para(i)) and (m := _DOC_NUMBER.match(p.text)):
            doc.doc_number = f"{m.group('org')}〔{m.group('year')}〕{int(m.group('seq'))}号"
            written = p.text[: m.end("seq")] + "号"
            if _bare(written) != doc.doc_number:
                self.token(written)  # [2022] / ［2022］ / 〔2022〕 as typed
            if m.group("signer"):
                doc.signer = m.group("signer").strip()
                self.token("签发人：")
            i += 1
            if not doc.signer and (q := para(i)) and (m2 := _SIGNER.match(q.text)):
                doc.signer = m2.group("signer").strip()
                self.token("签发人：")
                i += 1
        start = i
        lines = self._title_lines(work, i)
        if not lines:
            if i < len(work) and isinstance(first := work[i], SourceParagraph) and _LABEL.match(first.text):
                return work[i:]  # the file starts with 附件1: the title comes from it
            self._fallback_title(work[i:], work[i].line if i < len(work) else work[-1].line)
        else:
            doc.title = _squash("".join(p.text for p in lines))
            i = start + len(lines)
            i = self._after_title(work, i)
        if (
            (p := para(i))
            and p.text[-1] in "：:"
            and len(p.text) <= 150
            and _numbering(p.text) is None
            and not _NOTE_HEAD.match(p.text)
            and not _ROLE.match(p.text)
            and not _RESPONSIBLE.match(p.text)
            and not _ASPECT.match(p.text)
        ):
            doc.recipients = p.text[:-1].strip()
            self.token(p.text[-1])
            i += 1
        return work[i:]

    def _fallback_title(self, items: Sequence[Item], line: int) -> None:
        """No title line: the 信息公开 block's 名称, the title the text states, or a placeholder."""
        doc = self.doc
        stated = doc.metadata.get("名称") or doc.metadata.get("标题") or title_from_content(items)
        if stated:
            doc.title = _squash(stated)
            self.warn(line, f"文件开头没有标题，已采用“{doc.title}”作为标题，请核对。")
        else:
            doc.title = PLACEHOLDER_TITLE
            self.warn(line, f"没有找到文件标题，已暂用“{PLACEHOLDER_TITLE}”，请在编辑页填写标题。")

    def _after_title(self, work: list[Item], i: int) -> int:
        """Lines under the title: the title repeated (page title + document title), the 文号 (web layout)."""
        doc = self.doc
        title = _bare(doc.title)
        for size in (1, 2, 3):
            chunk = work[i : i + size]
            paragraphs = [part for part in chunk if isinstance(part, SourceParagraph)]
            if len(paragraphs) == size and _bare("".join(part.text for part in paragraphs)) == title:
                for part in paragraphs:
                    self.token(part.text)
                i += size
                break
        if i < len(work) and isinstance(p := work[i], SourceParagraph):
            number = metadata_doc_number(p.text)
            if number:
                if doc.doc_number and doc.doc_number != number:
                    self.warn(p.line, f"标题下的文号“{p.text}”与“{doc.doc_number}”不一致，请核对。")
                if doc.doc_number or _bare(p.text) != number:
                    self.token(p.text)  # as written, or already known from above the title
                doc.doc_number = doc.doc_number or number
                i += 1
        return i

    def _title_lines(self, work: Sequence[Item], i: int) -> list[SourceParagraph]:
        """One to three short lines forming a title; stops once the title reads complete."""
        lines: list[SourceParagraph] = []
        while i < len(work) and len(lines) < 3:
            item = work[i]
            if not isinstance(item, SourceParagraph) or not _title_like(item.text):
                break
            if lines and (_letter_title(work, i) or len(_squash("".join(p.text for p in lines) + item.text)) > 100):
                break
            if (
                lines
                and i + 1 < len(work)
                and isinstance(work[i + 1], SourceTable)
                and _TABLE_TITLE_END.search(item.text)
            ):
                break  # that line names the table below
            lines.append(item)
            i += 1
            if _TITLE_END.search(_squash(item.text)):
                break
        return lines

    # tail (版记) ----------------------------------------------------------------------
    def _take_tail(self, work: list[Item]) -> list[Item]:
        """抄送, 印发机关和印发日期 and a trailing 主送 list, from the end."""
        doc = self.doc
        found = False
        while work and isinstance(work[-1], SourceParagraph):
            p = work[-1]
            text = p.text
            if (m := _PRINTED.match(text)) and (printed := _parse_date(m)) and doc.printed_date is None:
                doc.printed_date = printed
                self._date_tokens(text[m.start("y") : m.start("tail")], printed)
                self.token(m.group("tail"))
                org = m.group("org").strip()
                work.pop()
                if not org and work and isinstance(last := work[-1], SourceParagraph) and _organ_like(last.text):
                    work.pop()
                    org = last.text
                doc.printed_by = org
                found = True
                continue
            if m := _COPIED.match(text):
                doc.copied_to = (m.group("text").strip() + ("\n" + doc.copied_to if doc.copied_to else "")).strip()
                self.token(m.group("tok"))
                work.pop()
                found = True
                continue
            if self._disclosure(p):
                work.pop()
                found = True
                continue
            head = re.match(r"^(?P<head>[^：:]{2,20})[:：]", text)
            if (
                found
                and head
                and (head.group("head").startswith("主送") or head.group("head") in doc.recipients)
                and doc.recipients
            ):
                doc.recipients = f"{doc.recipients}\n{text}"
                work.pop()
                continue
            break
        return work

    def _date_tokens(self, written: str, value: date) -> None:
        """Keep the date as written when it differs from the canonical rendering."""
        if _bare(written) != _date_text(value):
            self.token(written)

    def _disclosure(self, p: SourceParagraph) -> bool:
        match = _DISCLOSURE.match(p.text) or _DISCLOSURE_BARE.match(p.text)
        if not match:
            return False
        kind = match.group("kind")
        value: Disclosure
        if kind == "依申请公开":
            value = "on_request"
        elif kind.startswith(("不", "免")):
            value = "not_public"
        else:
            value = "public"
        if self.doc.disclosure is not None:
            # a second 公开属性 line: the one nearest the end was kept
            if self.doc.disclosure != value:
                self.warn(p.line, f"公开属性前后不一致：“{p.text}”与“{self.doc.disclosure_wording}”，请核对。")
            self.token(p.text)
            return True
        self.doc.disclosure = value
        self.doc.disclosure_wording = p.text
        return True

    # closing (署名, 成文日期, 附注, 附件说明) -------------------------------------------------------
    def _take_closing(self, main: list[Item]) -> list[Item]:
        doc = self.doc
        main = list(main)
        # 公开属性 / 附注 after the date
        for _ in range(3):
            if main and isinstance(main[-1], SourceParagraph):
                p = main[-1]
                if self._disclosure(p):
                    main.pop()
                    continue
                if _REMARK.match(p.text):
                    doc.remarks = (p.text + ("\n" + doc.remarks if doc.remarks else "")).strip()
                    main.pop()
                    continue
            break
        if main and isinstance(damaged := main[-1], SourceParagraph) and damaged_date(damaged.text):
            main.pop()
            self.warn(damaged.line, f"成文日期“{damaged.text}”不是完整的日期，未填写，已作为正文保留，请核对后补充。")
            if main and isinstance(organ := main[-1], SourceParagraph) and _organ_like(organ.text) and len(main) > 1:
                main.pop()
                doc.signature = organ.text
            main.append(damaged)
        elif main and isinstance(main[-1], SourceParagraph) and (m := _DATE_LINE.match(main[-1].text)):
            written = _parse_date(m)
            if written is None:
                self.warn(main[-1].line, f"成文日期“{main[-1].text}”不是有效日期，已作为正文保留。")
            else:
                doc.written_date = written
                self._date_tokens(main[-1].text, written)
                main.pop()
                if main and isinstance(last := main[-1], SourceParagraph) and _organ_like(last.text) and len(main) > 1:
                    main.pop()
                    doc.signature = last.text
        # 附件说明: "附件：…" possibly followed by list lines, at the end of the body
        for k in range(len(main) - 1, max(-1, len(main) - 12), -1):
            item = main[k]
            if not isinstance(item, SourceParagraph):
                break
            head = _NOTE_HEAD.match(item.text)
            if head:
                tail = main[k + 1 :]
                if all(isinstance(t, SourceParagraph) and _note_line(t.text) for t in tail):
                    self.token(head.group("tok"))
                    parts = [head.group("text").strip(), *(t.text for t in tail if isinstance(t, SourceParagraph))]
                    doc.attachment_note = "\n".join(p for p in parts if p)
                    del main[k:]
                break
        return main

    # attachments --------------------------------------------------------------------------
    def _attachments(self, rest: list[Item], leading: list[Item] | None = None) -> list[ParsedAttachment]:
        segments: list[_Segment] = []
        if leading:
            # the plan a cover letter issues, without an 附件 label of its own
            segments.append(_Segment(label=SourceParagraph(text="", line=leading[0].line), number=None, items=leading))
        for item in rest:
            if isinstance(item, SourceParagraph) and (m := _LABEL.match(item.text)):
                raw = m.group("num")
                number = None
                if raw:
                    raw = raw.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
                    number = int(raw) if raw.isdigit() else _cn_to_int(raw)
                self.token(item.text)
                segments.append(_Segment(label=item, number=number))
            elif segments:
                segments[-1].items.append(item)
        top: list[ParsedAttachment] = []
        current: ParsedAttachment | None = None
        declared = 0
        nested_seen = 0
        for segment in segments:
            nested = False
            if current is not None and declared:
                if segment.number is None:
                    nested = nested_seen < declared
                elif segment.number == nested_seen + 1:
                    nested = (
                        segment.number <= declared or current.number is None or segment.number != current.number + 1
                    )
            attachment = self._attachment(segment)
            if nested and current is not None:
                current.attachments.append(attachment)
                nested_seen += 1
            else:
                top.append(attachment)
                current = attachment
                declared = _declared_attachments(segment.items)
                nested_seen = 0
        self._check_numbers(top, "")
        return top

    def _check_numbers(self, attachments: list[ParsedAttachment], parent: str) -> None:
        numbers = [a.number for a in attachments if a.number is not None]
        expected = list(range(1, len(numbers) + 1))
        if numbers and numbers != expected:
            self.warn(
                attachments[0].line,
                f"{parent}附件编号为 {'、'.join(map(str, numbers))}，不是从 1 开始的连续编号，请核对是否缺少附件。",
            )
        for attachment in attachments:
            self._check_numbers(attachment.attachments, f"附件{attachment.number or ''}的")

    def _attachment(self, segment: _Segment) -> ParsedAttachment:
        items = segment.items
        lines = self._title_lines(items, 0)
        title = _squash("".join(p.text for p in lines))
        body_items = items[len(lines) :]
        if not title and body_items and isinstance(body_items[0], SourceTable):
            title = _table_title_row(body_items[0]) or ""
        label = f"附件{segment.number}" if segment.number is not None else "附件"
        if not title:
            self.warn(segment.label.line, f"{label}没有找到标题。")
        shared, letter_parts = _split_letters(body_items)
        body = _BodyBuilder(self, title=title).build(shared)
        letters = [
            ParsedLetter(
                unit_name=unit,
                title=letter_title,
                body=_BodyBuilder(self, title=letter_title).build(letter_items),
                line=line,
            )
            for letter_title, unit, line, letter_items in letter_parts
        ]
        return ParsedAttachment(
            number=segment.number,
            title=title,
            kind=_attachment_kind(title, bool(letters)),
            body=body,
            line=segment.label.line,
            letters=letters,
        )

    # finishing ---------------------------------------------------------------------------
    def _finish(self, items: Sequence[SourceItem]) -> None:
        doc = self.doc
        if not doc.title:
            first = doc.attachments[0] if doc.attachments else None
            if first is None or not first.title:
                paragraphs = [i for i in items if isinstance(i, SourceParagraph)]
                self._fallback_title(paragraphs, items[0].line if items else 1)
            else:
                doc.title = first.title
        organ = re.match(r"^(?P<org>[^，。、]{2,40}?)关于", doc.title)
        # The 发文机关标志 above the 文号 names the issuer; without one the
        # signature does, and failing both the "…关于" of the title.  The mark
        # is never overwritten: it is the only field that keeps its text.
        if doc.signature and not doc.issuer:
            doc.issuer = doc.signature
        elif not doc.issuer and self._metadata_issuer():
            doc.issuer = self._metadata_issuer()
        elif not doc.issuer and organ:
            doc.issuer = organ.group("org")
        year = re.search(r"([0-9]{4})\s*年度", doc.title)
        if year:
            doc.year = int(year.group(1))
        elif doc.written_date:
            doc.year = doc.written_date.year
        elif year := (re.search(r"([0-9]{4})\s*年", doc.title) or re.search(r"〔([0-9]{4})〕", doc.doc_number)):
            doc.year = int(year.group(1))
        names = (
            doc.title + "".join(a.title for a in doc.attachments)
            if not re.search("安全生产|消防", doc.title)
            else doc.title
        )
        safety, fire = "安全生产" in names, "消防" in names
        doc.topic = "both" if safety == fire else ("safety" if safety else "fire")
        if doc.disclosure is None:
            self.warn(1, "文中没有写明公开属性（如“此件主动公开”），请在导入后选择公开属性；未选择前不会公开发布。")
        damaged = any("不是完整的日期" in w.message for w in doc.warnings)
        if doc.doc_number and doc.written_date is None and not damaged:
            self.warn(1, "没有找到成文日期（如“2022年11月23日”），请在导入后补充。")
        if not doc.body and not doc.attachments:
            self.warn(1, "只有文件头，没有正文内容。")


def _note_line(text: str) -> bool:
    """A line of an 附件说明 list: "2. 标题" or a short title-like line."""
    return bool(_NOTE_ITEM.match(text)) or (
        len(text) <= 60 and "。" not in text and _numbering(text) is None and not _LABEL.match(text)
    )


def _declared_attachments(items: Sequence[Item]) -> int:
    """How many attachments an attachment's own 附件说明 lists (0 when it has none)."""
    for k in range(len(items) - 1, -1, -1):
        item = items[k]
        if isinstance(item, SourceParagraph) and _NOTE_HEAD.match(item.text):
            count = 1
            for follower in items[k + 1 :]:
                if isinstance(follower, SourceParagraph) and _note_line(follower.text):
                    count += 1
                else:
                    break
            return count
    return 0


def _split_letters(items: list[Item]) -> tuple[list[Item], list[tuple[str, str, int, list[Item]]]]:
    """Split an attachment body at per-unit letter titles (2023年岩前镇人民政府消防工作目标责任)."""
    shared: list[Item] = []
    letters: list[tuple[str, str, int, list[Item]]] = []
    i = 0
    while i < len(items):
        found = _letter_title(items, i)
        if found:
            title, unit, used = found
            letters.append((title, unit, items[i].line, []))
            i += used
            continue
        (letters[-1][3] if letters else shared).append(items[i])
        i += 1
    return shared, letters


def _attachment_kind(title: str, has_letters: bool) -> AttachmentKind:
    if has_letters or "责任书" in title:
        return "letters"
    if "清单" in title:
        return "tasks"
    if "方案" in title:
        return "plan"
    if "目标责任" in title:
        return "targets"
    return "other"


def _table_title_row(table: SourceTable) -> str | None:
    """The text of a first row that holds only the table's title."""
    if len(table.rows) < 2:
        return None
    texts = [cell.text for cell in table.rows[0] if cell.text]
    if len(texts) == 1 and len(texts[0]) <= 60 and _TABLE_TITLE_END.search(texts[0]):
        return texts[0]
    return None


# --- body blocks ---------------------------------------------------------------------------


@dataclass
class _Level:
    level: int
    text: str
    heading: bool


class _BodyBuilder:
    """Turns one body (notice, attachment, letter) into blocks."""

    def __init__(self, owner: _Recogniser, title: str) -> None:
        self.owner = owner
        self.title = title
        self.blocks: list[Block] = []
        self.stack: list[_Level] = []
        self.group: Block | None = None  # open target_group
        self.group_numbered = False
        self.members: Block | None = None  # open leading_group
        self.phase: Block | None = None  # open phase without text yet
        self.note_list: Block | None = None  # open 附件说明 paragraph
        self.prose_task_open = False  # the last item filled a prose task row

    # public -----------------------------------------------------------------------
    def build(self, items: list[Item]) -> list[Block]:
        items = _join_page_breaks(items)
        titles = _table_titles(items)
        for index, item in enumerate(items):
            if index in titles:
                continue
            if isinstance(item, SourceTable):
                title_item = titles.get(index - 1)
                self._close_open()
                self.blocks.append(self._table(item, title_item))
                continue
            self._paragraph(item)
        return self.blocks

    # state ----------------------------------------------------------------------------
    def _close_open(self) -> None:
        self.note_list = None
        self.group = None
        self.members = None
        self.phase = None
        self.prose_task_open = False

    def _push(self, level: int, text: str, heading: bool) -> None:
        self.stack = [entry for entry in self.stack if entry.level < level]
        if level == 0:
            self.stack = []
        self.stack.append(_Level(level, text, heading))

    def _topic(self, level: int) -> str:
        for entry in reversed(self.stack):
            if entry.heading and entry.level < level:
                return entry.text
        return ""

    def _specific_unit_level(self) -> int | None:
        levels = [e.level for e in self.stack if e.heading and _SPECIFIC.search(e.text)]
        return max(levels) + 1 if levels else None

    def _phase_level(self) -> int | None:
        levels = [e.level for e in self.stack if e.heading and _PHASE_SECTION.search(e.text)]
        return max(levels) + 1 if levels else None

    # paragraphs ---------------------------------------------------------------------
    def _paragraph(self, p: SourceParagraph) -> None:
        text = p.text
        owner = self.owner

        if self.note_list is not None and _note_line(text) and not _LABEL.match(text):
            self.note_list.value["text"] += "\n" + text
            return
        self.note_list = None
        if _NOTE_HEAD.match(text):
            self._close_open()
            self.note_list = Block("paragraph", {"level": 0, "text": text}, p.line)
            self.blocks.append(self.note_list)
            return
        if self.members is not None:
            member = _member(text, need_position=True) if not _ROLE.match(text) else None
            if member:
                for token in member[2]:
                    owner.token(token)
                self.members.value["members"].append(
                    {"role": self.members.value["members"][-1]["role"], "name": member[0], "position": member[1]}
                )
                return
        if (role := _ROLE.match(text)) and self._members(p, role):
            return
        if (m := _RESPONSIBLE.match(text)) and self._task_field(p, "units", m.group("text").strip(), m.group("tok")):
            return
        last = self.blocks[-1] if self.blocks else None
        after_item = last is not None and last.type == "paragraph" and last.value["level"] > 0
        if (
            (m := _DEADLINE.match(text))
            and (self.prose_task_open or after_item)
            and self._task_field(p, "deadline", m.group("text").strip(), m.group("tok"))
        ):
            return
        self.prose_task_open = False
        if m := _NOTE.match(text):
            self._close_open()
            owner.token(m.group("tok"))
            self.blocks.append(Block("note", {"text": m.group("text").strip()}, p.line))
            return
        numbered = _numbering(text)
        if numbered:
            self._numbered(p, *numbered)
            return
        subtitle = _ASPECT.match(text) or _SUBTITLE.match(text)
        if subtitle:
            self._close_open()
            owner.token(subtitle.group("tok"))
            self._push(0, subtitle.group("text"), True)
            self.blocks.append(Block("heading", {"level": 0, "text": subtitle.group("text")}, p.line))
            return
        # plain paragraph: continues an open phase or target group, or stands alone
        if self.phase is not None:
            value = self.phase.value
            value["text"] = f"{value['text']}\n{text}" if value["text"] else text
            return
        if self.group is not None:
            targets = self.group.value["targets"]
            if targets and self.group_numbered:
                targets[-1]["text"] += text
                targets[-1]["indicator"] = targets[-1]["indicator"] or _indicator(text)
            else:
                targets.append({"text": text, "indicator": _indicator(text)})
            return
        self._close_open()
        if len(text) <= 25 and not any(ch in text for ch in "，,。；;、：:！？!?"):
            self.blocks.append(self.owner.unplaced(p))
            return
        self.blocks.append(Block("paragraph", {"level": 0, "text": text}, p.line))

    def _numbered(self, p: SourceParagraph, level: int, tok: str, rest: str) -> None:
        owner = self.owner
        heading = _is_heading_text(rest)
        if not heading and level <= 2 and len(rest) <= 26 and rest.endswith("。") and _is_heading_text(rest[:-1]):
            # "（六）进一步净化道路运输秩序。": a section title with a full stop
            heading = True
            owner.token("。")
            rest = rest[:-1]
        self.members = None
        # a unit of 个性目标
        unit_level = self._specific_unit_level()
        if unit_level is not None and level == unit_level and not _SPECIFIC.search(rest):
            if self._start_group(p, tok, rest, heading):
                self._push(level, rest, False)
                return
        elif unit_level is not None and level > unit_level and self.group is not None:
            owner.token(tok)
            self.group.value["targets"].append({"text": rest, "indicator": _indicator(rest)})
            self.group_numbered = True
            return
        self.group = None
        # a phase of 时间安排
        phase_level = self._phase_level()
        if (
            phase_level is not None
            and level == phase_level
            and (m := _PHASE.match(rest))
            and re.search(r"[0-9]|年|月|即日", m.group("period"))
        ):
            owner.token(tok)
            for key in ("open", "close", "dot"):
                owner.token(m.group(key))
            block = Block(
                "phase",
                {
                    "name": _squash(m.group("name")),
                    "period": _squash(m.group("period")),
                    "text": m.group("text").strip(),
                },
                p.line,
            )
            self.blocks.append(block)
            self.phase = block if not block.value["text"] else None
            self._push(level, m.group("name"), False)
            return
        self.phase = None
        owner.token(tok)
        kind: BlockType = "heading" if heading else "paragraph"
        self._push(level, rest, heading)
        self.blocks.append(Block(kind, {"level": level, "text": rest}, p.line))

    def _start_group(self, p: SourceParagraph, tok: str, rest: str, heading: bool) -> bool:
        owner = self.owner
        if heading:
            owner.token(tok)
            self.group = Block("target_group", {"unit_name": rest, "targets": []}, p.line)
            self.group_numbered = False
            self.blocks.append(self.group)
            return True
        colon = re.match(r"^(?P<unit>[^。：:]{2,120}?)(?P<tok>[:：])(?P<text>.+)$", rest, re.S)
        if colon:
            owner.token(tok)
            owner.token(colon.group("tok"))
            text = colon.group("text").strip()
            self.group = Block(
                "target_group",
                {"unit_name": colon.group("unit").strip(), "targets": [{"text": text, "indicator": _indicator(text)}]},
                p.line,
            )
            self.group_numbered = True
            self.blocks.append(self.group)
            return True
        return False

    def _members(self, p: SourceParagraph, role: re.Match[str]) -> bool:
        rest = role.group("rest")
        names = [part.strip() for part in re.split(r"[、，,]", rest)]
        people: list[tuple[str, str]] = []
        if len(names) > 1 and all(_CJK_NAME.match(_bare(n)) for n in names):
            people = [(_bare(n), "") for n in names]
            for separator in re.findall(r"[、，,]", rest):
                self.owner.token(separator)
        elif member := _member(rest, need_position=False):
            people = [(member[0], member[1])]
            for token in member[2]:
                self.owner.token(token)
        if not people:
            return False
        self.owner.token(role.group("tok"))
        role_name = _bare(role.group("role"))
        if self.members is None:
            self._close_open()
            title = ""
            previous = self.blocks[-1] if self.blocks else None
            if (
                previous is not None
                and previous.type in ("heading", "paragraph")
                and re.search(r"(领导组|领导小组|工作组|指挥部|专班)(成员)?(名单)?$", previous.value["text"])
            ):
                title = previous.value["text"]
                self.blocks.pop()
                self.owner.doc.unrecognised = [u for u in self.owner.doc.unrecognised if u[0] != previous.line]
            elif not self.blocks and re.search(r"(领导组|领导小组|工作组|指挥部|专班)(成员)?(名单)?$", self.title):
                title = self.title
            self.members = Block("leading_group", {"title": title, "members": []}, p.line)
            self.blocks.append(self.members)
        for name, position in people:
            self.members.value["members"].append({"role": role_name, "name": name, "position": position})
        return True

    def _task_field(self, p: SourceParagraph, key: str, value: str, tok: str) -> bool:
        """Attach a 责任单位 / 完成时限 line to the item above it as a task row."""
        owner = self.owner
        last = self.blocks[-1] if self.blocks else None
        if self.prose_task_open and last is not None and last.type == "task_list":
            row = last.value["rows"][-1]
            field_name = "units_text" if key == "units" else key
            if not row[field_name]:
                owner.token(tok)
                row[field_name] = value
                if key == "units":
                    row["units"] = split_units(value)
                return True
        if last is None or last.type not in ("paragraph", "heading"):
            return False
        if last.type == "heading" and last.value["level"] == 0:
            return False
        self.blocks.pop()
        owner.token(tok)
        level = last.value["level"]
        task, detail = _split_task_text(last.value["text"], owner.token)
        row = {
            "topic": self._topic(level if level else 99),
            "task": task,
            "detail": detail,
            "deadline": value if key == "deadline" else "",
            "units_text": value if key == "units" else "",
            "units": split_units(value) if key == "units" else [],
        }
        previous = self.blocks[-1] if self.blocks else None
        if previous is not None and previous.type == "task_list" and previous.value.get("_prose"):
            previous.value["rows"].append(row)
        else:
            self.blocks.append(Block("task_list", {"title": "", "rows": [row], "_prose": True}, last.line))
        self.owner.doc.unrecognised = [u for u in self.owner.doc.unrecognised if u[0] != last.line]
        self.group = None
        self.phase = None
        self.prose_task_open = True
        return True

    # tables -----------------------------------------------------------------------------
    def _table(self, table: SourceTable, title_item: SourceParagraph | None) -> Block:
        title = _squash(title_item.text) if title_item else ""
        block = _indicator_table(table, title) or _task_table(table, title, self.owner.token)
        if block is not None:
            return block
        return _generic_table(table, title, self.owner.token)


def _split_task_text(text: str, token: Callable[[str], None]) -> tuple[str, str]:
    """ "组织集中观看学习。各村…" → ("组织集中观看学习", "各村…"); the 。 becomes a token."""
    match = re.match(r"^(?P<title>[^。！？!?，,；;]{2,40}?)(?P<sep>[。！？!?])(?P<rest>.*)$", text, re.S)
    if match:
        token(match.group("sep"))
        return match.group("title").strip(), match.group("rest").strip()
    return text, ""


def _join_page_breaks(items: list[Item]) -> list[Item]:
    """Join paragraphs that a page break split mid-sentence."""
    out: list[Item] = []
    for index, item in enumerate(items):
        previous = out[-1] if out else None
        if (
            isinstance(item, SourceParagraph)
            and isinstance(previous, SourceParagraph)
            and _can_continue(previous.text)
            and _can_join(previous.text, item.text, items, index)
        ):
            out[-1] = SourceParagraph(text=previous.text + item.text, line=previous.line)
            continue
        out.append(item)
    return out


def _header_like(text: str) -> bool:
    """A title, 文号 or date line: never part of a paragraph split by a page break."""
    short_title = len(text) <= 50 and not any(ch in text for ch in "，,。；;：:、") and bool(_TITLE_END.search(text))
    return short_title or bool(metadata_doc_number(text)) or damaged_date(text)


def _can_continue(text: str) -> bool:
    """Is this paragraph body text that stopped before the end of its sentence?"""
    if _ends_sentence(text) or _header_like(text):
        return False
    if _ROLE.match(text) or _member(text, need_position=True) or _LABEL.match(text) or _NOTE_HEAD.match(text):
        return False
    if _RESPONSIBLE.match(text) or _COPIED.match(text) or _DATE_LINE.match(text) or _PRINTED.match(text):
        return False
    numbered = _numbering(text)
    if numbered:
        return not _is_heading_text(numbered[2])
    return len(text) >= 20 or any(ch in text for ch in "，,、。；")


def _can_join(previous: str, text: str, items: Sequence[Item], index: int) -> bool:
    """May this paragraph continue the previous one (it starts no structure)?"""
    if _numbering(text) or _LABEL.match(text) or _NOTE_HEAD.match(text) or _RESPONSIBLE.match(text):
        return False
    if _DEADLINE.match(text) or _NOTE.match(text) or _COPIED.match(text) or _DATE_LINE.match(text):
        return False
    if _PRINTED.match(text) or _DISCLOSURE.match(text) or _ROLE.match(text) or _member(text, need_position=True):
        return False
    if _ASPECT.match(text) or _SUBTITLE.match(text) or _letter_title(items, index):
        return False
    if _header_like(text) and (len(previous) > 40 or any(ch in previous for ch in "，,。；;：:、")):
        return False  # a title under a paragraph, not its continuation
    following = items[index + 1] if index + 1 < len(items) else None
    if isinstance(following, SourceTable) and _TABLE_TITLE_END.search(text) and len(text) <= 40:
        # a table's title: it continues only a title fragment, never body text
        return len(previous) <= 40 and not any(ch in previous for ch in "，,。；;")
    return True


def _table_titles(items: list[Item]) -> dict[int, SourceParagraph]:
    """Paragraphs that name the table right below them ("…重点项目清单")."""
    titles: dict[int, SourceParagraph] = {}
    for index, item in enumerate(items):
        if isinstance(item, SourceTable) and index > 0:
            previous = items[index - 1]
            if (
                isinstance(previous, SourceParagraph)
                and len(previous.text) <= 80
                and "。" not in previous.text
                and _TABLE_TITLE_END.search(previous.text)
                and _numbering(previous.text) is None
            ):
                titles[index - 1] = previous
    return titles


# --- table classification -----------------------------------------------------------------

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


def recognise(items: list[SourceItem], source: str) -> ParsedDocument:
    """Recognise the document structure in a reader's item stream.

    Raises ``DocumentImportError`` (with a Chinese message naming the file and
    line) when the stream has no readable content (a missing title is a warning).
    """
    work, restore = simplified_copy(list(items))
    document = _Recogniser(source).run(work)
    _drop_private_keys(document)
    if restore is not None:
        restore(document)  # 繁体: the text is stored as written
        if "號" in document.doc_number:
            # the 文号 is an identifier whose pattern (and re-import matching) uses 号; the written form is kept
            document.stripped_tokens.append(document.doc_number)
            document.doc_number = document.doc_number.replace("號", "号")
    return document


def _drop_private_keys(document: ParsedDocument) -> None:
    """Remove bookkeeping keys (``_prose``) from block values."""

    def clean(blocks: list[Block]) -> None:
        for block in blocks:
            block.value.pop("_prose", None)

    clean(document.body)
    stack = list(document.attachments)
    while stack:
        attachment = stack.pop()
        clean(attachment.body)
        for letter in attachment.letters:
            clean(letter.body)
        stack.extend(attachment.attachments)
