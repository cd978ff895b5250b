"""Body blocks: headings, paragraphs, targets, prose tasks and phases from one body's items.

``_BodyBuilder`` works for one body (notice, attachment or letter) and
reports the tokens it strips and the lines it cannot place to a
:class:`BodyNotes` collector, so it needs nothing else of the recogniser.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..header import damaged_date, metadata_doc_number
from ..tree import Block, BlockType, SourceParagraph, SourceTable
from ..units import split_units
from .attachments import _note_line
from .patterns import (
    _ASPECT,
    _CJK_NAME,
    _COPIED,
    _DATE_LINE,
    _DEADLINE,
    _DISCLOSURE,
    _LABEL,
    _NOTE,
    _NOTE_HEAD,
    _PHASE,
    _PHASE_SECTION,
    _PRINTED,
    _RESPONSIBLE,
    _ROLE,
    _SPECIFIC,
    _SUBTITLE,
    _TABLE_TITLE_END,
    _TITLE_END,
    Item,
    _bare,
    _ends_sentence,
    _indicator,
    _is_heading_text,
    _letter_title,
    _member,
    _numbering,
    _squash,
)
from .tables import _generic_table, _indicator_table, _task_table


@dataclass
class BodyNotes:
    """What body builders report while they work, into the parsed document's own lists.

    ``stripped_tokens``: numbering and label tokens taken off the text (they
    count as covered); ``unrecognised``: (line, text) an editor should check.
    The recogniser hands its document's lists in, so header, body and tail
    report into one place in reading order.
    """

    stripped_tokens: list[str]
    unrecognised: list[tuple[int, str]]

    def token(self, text: str) -> None:
        text = _bare(text)
        if text:
            self.stripped_tokens.append(text)

    def unplaced(self, item: SourceParagraph) -> Block:
        """A line no rule placed: kept as a plain paragraph and listed for the editor."""
        self.unrecognised.append((item.line, item.text))
        return Block("paragraph", {"level": 0, "text": item.text}, item.line)

    def placed(self, line: int) -> None:
        """A line listed as unplaced turned out to belong to a later block after all."""
        self.unrecognised[:] = [entry for entry in self.unrecognised if entry[0] != line]


@dataclass
class _Level:
    level: int
    text: str
    heading: bool


class _BodyBuilder:
    """Turns one body (notice, attachment, letter) into blocks."""

    def __init__(self, notes: BodyNotes, title: str) -> None:
        self.notes = notes
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
        notes = self.notes

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
                    notes.token(token)
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
            notes.token(m.group("tok"))
            self.blocks.append(Block("note", {"text": m.group("text").strip()}, p.line))
            return
        numbered = _numbering(text)
        if numbered:
            self._numbered(p, *numbered)
            return
        subtitle = _ASPECT.match(text) or _SUBTITLE.match(text)
        if subtitle:
            self._close_open()
            notes.token(subtitle.group("tok"))
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
            self.blocks.append(self.notes.unplaced(p))
            return
        self.blocks.append(Block("paragraph", {"level": 0, "text": text}, p.line))

    def _numbered(self, p: SourceParagraph, level: int, tok: str, rest: str) -> None:
        notes = self.notes
        heading = _is_heading_text(rest)
        if not heading and level <= 2 and len(rest) <= 26 and rest.endswith("。") and _is_heading_text(rest[:-1]):
            # "（六）进一步净化道路运输秩序。": a section title with a full stop
            heading = True
            notes.token("。")
            rest = rest[:-1]
        self.members = None
        # a unit of 个性目标
        unit_level = self._specific_unit_level()
        if unit_level is not None and level == unit_level and not _SPECIFIC.search(rest):
            if self._start_group(p, tok, rest, heading):
                self._push(level, rest, False)
                return
        elif unit_level is not None and level > unit_level and self.group is not None:
            notes.token(tok)
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
            notes.token(tok)
            for key in ("open", "close", "dot"):
                notes.token(m.group(key))
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
        notes.token(tok)
        kind: BlockType = "heading" if heading else "paragraph"
        self._push(level, rest, heading)
        self.blocks.append(Block(kind, {"level": level, "text": rest}, p.line))

    def _start_group(self, p: SourceParagraph, tok: str, rest: str, heading: bool) -> bool:
        notes = self.notes
        if heading:
            notes.token(tok)
            self.group = Block("target_group", {"unit_name": rest, "targets": []}, p.line)
            self.group_numbered = False
            self.blocks.append(self.group)
            return True
        colon = re.match(r"^(?P<unit>[^。：:]{2,120}?)(?P<tok>[:：])(?P<text>.+)$", rest, re.S)
        if colon:
            notes.token(tok)
            notes.token(colon.group("tok"))
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
                self.notes.token(separator)
        elif member := _member(rest, need_position=False):
            people = [(member[0], member[1])]
            for token in member[2]:
                self.notes.token(token)
        if not people:
            return False
        self.notes.token(role.group("tok"))
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
                self.notes.placed(previous.line)
            elif not self.blocks and re.search(r"(领导组|领导小组|工作组|指挥部|专班)(成员)?(名单)?$", self.title):
                title = self.title
            self.members = Block("leading_group", {"title": title, "members": []}, p.line)
            self.blocks.append(self.members)
        for name, position in people:
            self.members.value["members"].append({"role": role_name, "name": name, "position": position})
        return True

    def _task_field(self, p: SourceParagraph, key: str, value: str, tok: str) -> bool:
        """Attach a 责任单位 / 完成时限 line to the item above it as a task row."""
        notes = self.notes
        last = self.blocks[-1] if self.blocks else None
        if self.prose_task_open and last is not None and last.type == "task_list":
            row = last.value["rows"][-1]
            field_name = "units_text" if key == "units" else key
            if not row[field_name]:
                notes.token(tok)
                row[field_name] = value
                if key == "units":
                    row["units"] = split_units(value)
                return True
        if last is None or last.type not in ("paragraph", "heading"):
            return False
        if last.type == "heading" and last.value["level"] == 0:
            return False
        self.blocks.pop()
        notes.token(tok)
        level = last.value["level"]
        task, detail = _split_task_text(last.value["text"], notes.token)
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
        self.notes.placed(last.line)
        self.group = None
        self.phase = None
        self.prose_task_open = True
        return True

    # tables -----------------------------------------------------------------------------
    def _table(self, table: SourceTable, title_item: SourceParagraph | None) -> Block:
        title = _squash(title_item.text) if title_item else ""
        block = _indicator_table(table, title) or _task_table(table, title, self.notes.token)
        if block is not None:
            return block
        return _generic_table(table, title, self.notes.token)


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
