"""The recogniser proper: header, tail frame (版记) and the attachment segments around the body.

``_Recogniser`` walks the item stream once: header fields first, then the
body (handed to ``body._BodyBuilder``), the 附件 it splits off and the 版记
at the end.  ``recognise`` is the entry point.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from ..header import (
    PLACEHOLDER_TITLE,
    damaged_date,
    metadata_date,
    metadata_doc_number,
    metadata_validity,
    plan_start,
    title_from_content,
)
from ..portal import split_portal
from ..traditional import simplified_copy
from ..tree import (
    IMAGE_NOTE,
    Block,
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
from .attachments import _attachment_kind, _declared_attachments, _note_line, _split_letters, _table_title_row
from .body import BodyNotes, _BodyBuilder
from .patterns import (
    _ASPECT,
    _COPIED,
    _DATE_LINE,
    _DECORATION,
    _DISCLOSURE,
    _DISCLOSURE_BARE,
    _DOC_NUMBER,
    _GLUED_HEADING,
    _LABEL,
    _NOTE_HEAD,
    _ORGAN_MARK,
    _PRINTED,
    _REMARK,
    _RESPONSIBLE,
    _ROLE,
    _SIGNER,
    _TABLE_TITLE_END,
    _TITLE_END,
    Item,
    _bare,
    _cn_to_int,
    _date_text,
    _letter_title,
    _numbering,
    _organ_like,
    _parse_date,
    _squash,
    _title_like,
)


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
        self.notes = BodyNotes(self.doc.stripped_tokens, self.doc.unrecognised)

    # messages ---------------------------------------------------------------------
    def warn(self, line: int, message: str) -> None:
        self.doc.warnings.append(Warning(line=line, message=message))

    def token(self, text: str) -> None:
        self.notes.token(text)

    def unplaced(self, item: SourceParagraph) -> Block:
        return self.notes.unplaced(item)

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
        self.doc.body = _BodyBuilder(self.notes, title=self.doc.title).build(main)
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
        body = _BodyBuilder(self.notes, title=title).build(shared)
        letters = [
            ParsedLetter(
                unit_name=unit,
                title=letter_title,
                body=_BodyBuilder(self.notes, title=letter_title).build(letter_items),
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
