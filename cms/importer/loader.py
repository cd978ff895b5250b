"""Parsed document → Wagtail pages.

The parser (``cms.importer.parsing``) decides what the text *is*; this module
only stores it.  Everything happens in the caller's transaction, so a failure
anywhere leaves the database as it was.  Re-importing the same document
updates the same pages as new revisions: notices are matched by 发文字号
(or issuer + title + year), attachments by their 附件 number and order,
letters by unit, and task rows keep ids derived from their position, so
progress recorded against a row survives a re-import.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from cms.core.blocks import plain_to_richtext
from cms.core.indicators import indicator_column, indicator_row, indicator_table
from cms.core.targets import target, target_group
from cms.core.tasks import task_row, unit_ref
from cms.documents.models import (
    AttachmentPage,
    Disclosure,
    NoticeIndexPage,
    NoticePage,
    ResponsibilityLetterPage,
)
from cms.importer.parsing.tree import Block, ParsedAttachment, ParsedDocument, ParsedLetter
from cms.importer.parsing.units import split_units
from cms.units import naming
from cms.units.choices import GROUP_MEMBER_KINDS, GroupKind, Role
from cms.units.models import Unit, UnitGroup
from cms.units.resolve import Resolution, UnitResolver, jurisdiction_for

ROW_NAMESPACE = uuid.UUID("6f1c7a52-3b0e-4c55-9f3e-2d4b8e1a7c90")

# The labels an editor types (主动公开 …) to the stored values; the labels are the model's own.
DISCLOSURE_WORDS = {str(label): Disclosure(value) for value, label in Disclosure.choices}


@dataclass
class LoadStats:
    notice: NoticePage | None = None
    created: bool = False
    attachments: int = 0
    letters: int = 0
    blocks: dict[str, int] = field(default_factory=dict)
    task_rows: int = 0
    units_linked: set[int] = field(default_factory=set)
    units_created: list[str] = field(default_factory=list)
    new_units: list[int] = field(default_factory=list)  # pks of units_created, for the report's merge offers
    groups_created: list[str] = field(default_factory=list)
    groups_used: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # A re-import: what the new version changes against the notice as it was (the live one when published).
    changes: list[str] = field(default_factory=list)


# Fields a file may leave unstated; on a re-import the existing notice's value stays.
KEPT_IF_UNSTATED = (
    "signer",
    "issuer",
    "doc_number",
    "recipients",
    "signature",
    "written_date",
    "remarks",
    "copied_to",
    "printed_by",
    "printed_date",
    "year",
)
# Fields only editors set (or the file states rarely): a re-import carries them over from the last revision.
EDITOR_ONLY = ("validity", "external_index_number", "publish_progress", "published_date")
CHANGE_LABELS = {
    "title": "标题",
    "issuer": "发文机关",
    "doc_number": "发文字号",
    "signer": "签发人",
    "recipients": "主送机关",
    "written_date": "成文日期",
    "disclosure": "公开属性",
    "validity": "有效性",
    "year": "年度",
}


def _latest(page: Any) -> Any:
    """What editors last saved of ``page`` (a draft revision may be newer than the row)."""
    return page.get_latest_revision_as_object() if page.latest_revision_id else page


def _shown(value: Any) -> str:
    return "" if value is None else str(value)


def _comparable(raw: Any) -> list[Any]:
    """A body stream without block ids, to tell whether the text changed."""
    return [{"type": block.get("type"), "value": block.get("value")} for block in list(raw or [])]


class Loader:
    def __init__(self, doc: ParsedDocument, parent: NoticeIndexPage, *, publish: bool, disclosure: str | None) -> None:
        self.doc = doc
        self.parent = parent
        self.publish = publish
        self.disclosure = disclosure
        self.stats = LoadStats()
        self.resolver = UnitResolver(None)  # replaced in load() once the notice's jurisdiction is known
        # What the document itself lists, for seeding the groups it names (see seed_groups).
        self.doc_units: dict[int, Unit] = {}
        self.place_units: dict[int, Unit] = {}  # indicator-table places, letters, 主送 units
        self.table_places: set[int] = set()  # rows of an indicator table of places (经济开发区 too)
        self.listed_members: dict[int, list[Unit]] = {}  # group pk → units a "组：甲、乙" line lists
        self.linked_units: dict[str, tuple[str, int]] = {}  # item id → (written name, unit pk) before a re-import
        # Row and block ids derive from the document's identity plus position,
        # so a re-import gives the same ids and progress stays attached.
        self.key = doc.doc_number or f"{doc.issuer}|{doc.title}|{doc.year}"

    # --- units -----------------------------------------------------------------

    def resolve(self, written: str, *, place: bool = False) -> Resolution:
        """Resolve a written name in the notice's jurisdiction; an unknown unit becomes a 待确认 unit.

        ``place``: the name comes from where a document lists its places (an
        indicator-table row, a letter, 主送), so a 乡镇/街道 found here joins the
        document's 各乡镇（街道） group.
        """
        found = self.resolver.resolve(written)
        if found.unit is not None:
            self._note_unit(found.unit, place=place)
            if found.created:
                self.stats.units_created.append(found.unit.name)
                self.stats.new_units.append(found.unit.pk)
        if found.group is not None and found.group.pk not in self.stats.groups_used:
            self.stats.groups_used.append(found.group.pk)
        if not found.found and found.reason:
            self.stats.warnings.append(found.reason)
        return found

    def _note_unit(self, unit: Unit, *, place: bool = False) -> None:
        self.stats.units_linked.add(unit.pk)
        self.doc_units[unit.pk] = unit
        if place:
            self.place_units[unit.pk] = unit

    # --- blocks -------------------------------------------------------------------

    def stream(self, blocks: list[Block], path: str) -> list[dict[str, Any]]:
        out = []
        for index, block in enumerate(blocks):
            converter = getattr(self, f"_block_{block.type}", None)
            if converter is None:
                self.stats.warnings.append(f"第{block.line}行：未知的块类型 {block.type}，已按段落保存")
                value: dict[str, Any] = {"level": 0, "text": plain_to_richtext(str(block.value))}
                block_type = "paragraph"
            else:
                value = converter(block.value, f"{path}/{index}")
                block_type = block.type
            self.stats.blocks[block_type] = self.stats.blocks.get(block_type, 0) + 1
            out.append(
                {"type": block_type, "value": value, "id": str(uuid.uuid5(ROW_NAMESPACE, f"{self.key}/{path}/{index}"))}
            )
        return out

    def _items(self, values: list[Any], path: str) -> list[dict[str, Any]]:
        return [
            {"type": "item", "value": value, "id": str(uuid.uuid5(ROW_NAMESPACE, f"{self.key}/{path}/{i}"))}
            for i, value in enumerate(values)
        ]

    def _block_heading(self, v: dict, path: str) -> dict:
        return {"level": int(v.get("level") or 0), "text": v.get("text", "")}

    def _block_paragraph(self, v: dict, path: str) -> dict:
        return {"level": int(v.get("level") or 0), "text": plain_to_richtext(v.get("text", ""))}

    def _block_target(self, v: dict, path: str) -> dict:
        return target(v.get("text", ""), v.get("indicator", ""))

    def _block_note(self, v: dict, path: str) -> dict:
        return {"text": v.get("text", "")}

    def _block_phase(self, v: dict, path: str) -> dict:
        return {"name": v.get("name", ""), "period": v.get("period", ""), "text": v.get("text", "")}

    def remember_units(self, raw: Any) -> None:
        """Note the unit each item of an existing body links to, by item id.

        Item ids derive from the document and the position, so a re-import
        meets the same ids; where the written name is unchanged, the unit an
        editor linked (e.g. re-pointed to the registry's unit) is kept.
        """
        if isinstance(raw, list):
            for item in raw:
                self.remember_units(item)
        elif isinstance(raw, dict):
            value = raw.get("value")
            if "id" in raw and isinstance(value, dict) and value.get("unit"):
                name = value.get("name") or value.get("unit_name") or ""
                self.linked_units[str(raw["id"])] = (name, int(value["unit"]))
            for child in raw.values():
                if isinstance(child, list | dict):
                    self.remember_units(child)

    def _unit_pk(self, id_path: str, name: str, *, place: bool = False) -> tuple[int | None, int | None, str]:
        """(unit pk, group pk, division) of a name at an item position: the editor's link, else the registry."""
        kept = self.linked_units.get(str(uuid.uuid5(ROW_NAMESPACE, f"{self.key}/{id_path}")))
        if kept is not None and kept[0] == name:
            unit = Unit.objects.filter(pk=kept[1]).first()
            if unit is not None:
                self._note_unit(unit, place=place)
                return unit.pk, None, ""
        found = self.resolve(name, place=place)
        return (
            found.unit.pk if found.unit else None,
            found.group.pk if found.group else None,
            found.division,
        )

    def _block_target_group(self, v: dict, path: str) -> dict:
        unit_pk, _, _ = self._unit_pk(path, v["unit_name"])
        targets = [self._block_target(t, path) for t in v.get("targets", [])]
        return target_group(unit_pk, v["unit_name"], self._items(targets, f"{path}/t"))

    def _block_leading_group(self, v: dict, path: str) -> dict:
        members = [
            {"role": m.get("role") or "成员", "name": m.get("name", ""), "position": m.get("position", "")}
            for m in v.get("members", [])
        ]
        return {"title": v.get("title", ""), "members": self._items(members, f"{path}/m")}

    def _block_task_list(self, v: dict, path: str) -> dict:
        rows = []
        for i, row in enumerate(v.get("rows", [])):
            refs = []
            for k, ref in enumerate(row.get("units", [])):
                unit_pk, group_pk, division = self._unit_pk(f"{path}/r{i}/u/{k}", ref["name"])
                # A role the source does not state stays unstated; it is not guessed from word order.
                role = ref.get("role") or Role.UNSTATED
                refs.append(unit_ref(unit_pk, ref["name"], role, ref.get("division") or division, group=group_pk))
            rows.append(
                task_row(
                    topic=row.get("topic", ""),
                    task=row.get("task", ""),
                    detail=row.get("detail", ""),
                    deadline=row.get("deadline", ""),
                    units=self._items(refs, f"{path}/r{i}/u"),
                    units_text=row.get("units_text", ""),
                )
            )
        self.stats.task_rows += len(rows)
        return {"title": v.get("title", ""), "rows": self._items(rows, f"{path}/r")}

    def _block_indicator_table(self, v: dict, path: str) -> dict:
        columns = [indicator_column(g.get("name", ""), name) for g in v.get("groups", []) for name in g["columns"]]
        rows = []
        names = [row["unit_name"] for row in v.get("rows", [])]
        # A table whose rows are mostly 乡镇/街道 is a table of the document's places: all its rows
        # (经济开发区 too) are places the 各乡镇（街道） group reaches.
        places = _mostly_places(names)
        for i, row in enumerate(v.get("rows", [])):
            unit_pk, _, _ = self._unit_pk(f"{path}/r/{i}", row["unit_name"], place=True)
            if places and unit_pk is not None:
                self.table_places.add(unit_pk)
            values = self._items(list(row.get("values", [])), f"{path}/r{i}/v")
            rows.append(indicator_row(unit_pk, row["unit_name"], values))
        return indicator_table(
            title=v.get("title", ""),
            row_header=v.get("row_header") or "单位",
            columns=self._items(columns, f"{path}/c"),
            rows=self._items(rows, f"{path}/r"),
        )

    def _block_table(self, v: dict, path: str) -> dict:
        data, merges = table_grid(v.get("rows", []))
        header_rows = int(v.get("header_rows") or 0)
        return {
            "title": v.get("title", ""),
            "header_rows": header_rows,
            "table": {
                "data": data,
                "mergeCells": merges,
                "first_row_is_table_header": header_rows > 0,
                "first_col_is_header": False,
                "table_caption": "",
            },
        }

    # --- pages ---------------------------------------------------------------------

    def find_notice(self) -> NoticePage | None:
        doc = self.doc
        candidates = NoticePage.objects.descendant_of(self.parent)
        if doc.doc_number:
            return candidates.filter(doc_number=doc.doc_number).first()
        query = Q(title=doc.title) & Q(issuer=doc.issuer)
        if doc.year:
            query &= Q(year=doc.year)
        return candidates.filter(query, doc_number="").first()

    def load(self) -> LoadStats:
        doc = self.doc
        notice = self.find_notice()
        self.stats.created = notice is None
        if notice is None:
            notice = NoticePage(live=False)
        # What editors last saved (a draft revision may be newer than the page row).
        base = notice.get_latest_revision_as_object() if notice.latest_revision_id else notice
        disclosure = self.disclosure or doc.disclosure
        if self.disclosure:
            # The editor decided: the parser's "not stated" warning no longer applies.
            doc.warnings = [w for w in doc.warnings if "公开属性" not in w.message]
            label = dict(Disclosure.choices)[self.disclosure]
            written = doc.disclosure_wording or "无"
            self.stats.warnings.append(f"公开属性按导入时的选择设为“{label}”（原文写明的为：{written}）")
        if disclosure is None and not self.stats.created:
            # A corrected file for an existing notice: what the editors chose stays.
            disclosure = base.disclosure
            doc.warnings = [w for w in doc.warnings if "公开属性" not in w.message]
            self.stats.warnings.append(f"原文未写明公开属性，保留原有的“{dict(Disclosure.choices)[disclosure]}”。")
        if disclosure is None:
            disclosure = Disclosure.ON_REQUEST
            self.stats.warnings.append("原文未写明公开属性，已按“依申请公开”保存（不会公开发布），请编辑确认。")
        compared = notice if notice.live else base  # the live version when there is one
        before = {} if self.stats.created else {name: getattr(compared, name) for name in CHANGE_LABELS}
        fields = {
            "title": doc.title,
            "issuer": doc.issuer,
            "doc_number": doc.doc_number,
            "signer": doc.signer,
            "recipients": doc.recipients,
            "attachment_note": doc.attachment_note,
            "signature": doc.signature,
            "written_date": doc.written_date,
            "disclosure": disclosure,
            "disclosure_wording": doc.disclosure_wording.strip("（）() ") if doc.disclosure_wording else "",
            "remarks": doc.remarks,
            "copied_to": doc.copied_to,
            "printed_by": doc.printed_by,
            "printed_date": doc.printed_date,
            "year": doc.year,
            "topic": doc.topic,
        }
        if doc.external_index:
            fields["external_index_number"] = doc.external_index
        if doc.validity:
            fields["validity"] = doc.validity
        if not self.stats.created:
            # Fields the file does not state keep what editors set on the existing notice.
            kept = {name: value for name, value in fields.items() if value in ("", None) and name in KEPT_IF_UNSTATED}
            for name in kept:
                fields[name] = getattr(base, name)
            for name in EDITOR_ONLY:
                if name not in fields and hasattr(base, name):
                    fields[name] = getattr(base, name)
            if doc.disclosure is None and not self.disclosure:
                fields["disclosure_wording"] = base.disclosure_wording
        for name, value in fields.items():
            setattr(notice, name, value)
        # The issuer's 区划, unless editors already set one: names resolve there first.
        kept_jurisdiction = None if self.stats.created else base.jurisdiction
        notice.jurisdiction = kept_jurisdiction or jurisdiction_for(notice.issuer, notice.title)
        self.resolver = UnitResolver(notice.jurisdiction)
        self._set_addressees(notice, base)
        old_body = None if self.stats.created else _comparable(compared.body.raw_data)
        if not self.stats.created:
            self.remember_units(list(base.body.raw_data))
        notice.body = self.stream(doc.body, "body")
        if not self.stats.created:
            self.stats.changes = [
                f"{label}：“{_shown(before[name])}” → “{_shown(getattr(notice, name))}”"
                for name, label in CHANGE_LABELS.items()
                if before[name] != getattr(notice, name)
            ]
            if old_body != _comparable(notice.body.raw_data):
                self.stats.changes.append("正文有修改")
        if self.stats.created:
            self.parent.add_child(instance=notice)
        self._save(notice)
        self.stats.notice = notice
        self._sync_attachments(notice, doc.attachments, "a")
        self.seed_groups()
        self.stats.groups_created = [str(group) for group in self.resolver.created_groups]
        notice.refresh_from_db()
        return self.stats

    # --- addressees and groups --------------------------------------------------

    def _set_addressees(self, notice: NoticePage, base: Any) -> None:
        """主送 → the notice's addressee units and groups, before the revision is saved so it carries them.

        A line "组：甲、乙…" (市有关单位：组织部、宣传部…) names a group and lists
        its members. What editors added to the addressees before is kept.
        """
        units: dict[int, Unit] = {}
        groups: dict[int, UnitGroup] = {}
        for line in (self.doc.recipients or "").splitlines():
            line = line.strip().rstrip("：:。")
            if not line:
                continue
            head, sep, rest = line.partition("：")
            if not sep:
                head, sep, rest = line.partition(":")
            listed: list[Unit] = []
            for ref in split_units(rest if sep else line):
                found = self.resolve(ref["name"], place=True)
                if found.unit is not None:
                    (listed if sep else []).append(found.unit)
                    if not sep:
                        units[found.unit.pk] = found.unit
                if found.group is not None:
                    groups[found.group.pk] = found.group
            if sep:
                group = self.resolve(head).group
                if group is not None:
                    self.listed_members.setdefault(group.pk, []).extend(listed)
                    if group.pk not in groups:
                        # The list spells out a group the first line addressed; its members are reached through it.
                        groups[group.pk] = group
                else:
                    units.update((unit.pk, unit) for unit in listed)
        if not self.stats.created:
            units.update((u.pk, u) for u in base.addressee_units.all())
            groups.update((g.pk, g) for g in base.addressee_groups.all())
        notice.addressee_units = list(units.values())
        notice.addressee_groups = list(groups.values())

    def _fits(self, group: UnitGroup, unit: Unit, kinds: tuple[str, ...]) -> bool:
        if unit.pk in self.table_places:  # a row of the places table (经济开发区 too) is a place only
            return group.kind == GroupKind.PLACES
        return unit.kind in kinds

    def seed_groups(self) -> None:
        """Add to each group the document names the units the document itself lists for it.

        各乡镇（街道）: the 乡镇/街道 of the indicator tables, letters and 主送;
        各有关部门 / 成员单位: the departments and agencies the document names;
        各村（社区）: its communities; plus a "组：甲、乙" 主送 line's units. Only
        units of the group's own jurisdiction join, and members are only added,
        never removed: editors' changes stand.
        """
        for pk in self.stats.groups_used:
            group = UnitGroup.objects.get(pk=pk)
            kinds = GROUP_MEMBER_KINDS.get(group.kind, ())
            pool = self.place_units if group.kind == GroupKind.PLACES else self.doc_units
            wanted = [
                unit
                for unit in pool.values()
                if unit.jurisdiction_id == group.jurisdiction_id and self._fits(group, unit, kinds)
            ]
            wanted += self.listed_members.get(pk, [])
            have = set(group.members.values_list("pk", flat=True))
            new = [unit for unit in wanted if unit.pk not in have]
            if new:
                group.members.add(*new)
                group.save()

    def _save(self, page: Any) -> None:
        """A new revision; the live row changes only when it is published."""
        revision = page.save_revision(clean=True)
        if self.publish:
            revision.publish()

    def _sync_attachments(self, parent: Any, attachments: list[ParsedAttachment], path: str) -> None:
        existing = list(AttachmentPage.objects.child_of(parent).order_by("path"))
        for index, parsed in enumerate(attachments):
            page = self._match_attachment(existing, parsed, index)
            created = page is None
            if page is None:
                page = AttachmentPage(live=False)
            else:
                self.remember_units(list(_latest(page).body.raw_data))
            page.title = parsed.title or (f"附件{parsed.number}" if parsed.number else "附件")
            page.number = parsed.number
            page.kind = parsed.kind
            page.body = self.stream(parsed.body, f"{path}{index}")
            if created:
                parent.add_child(instance=page)
            self._save(page)
            self.stats.attachments += 1
            self._sync_letters(page, parsed.letters, f"{path}{index}")
            self._sync_attachments(page, parsed.attachments, f"{path}{index}.")

    @staticmethod
    def _match_attachment(
        existing: list[AttachmentPage], parsed: ParsedAttachment, index: int
    ) -> AttachmentPage | None:
        for page in existing:
            if parsed.number is not None and page.number == parsed.number:
                return page
        if parsed.number is None and index < len(existing) and existing[index].number is None:
            return existing[index]
        return None

    def _sync_letters(self, parent: AttachmentPage, letters: list[ParsedLetter], path: str) -> None:
        existing = {p.unit_id: p for p in ResponsibilityLetterPage.objects.child_of(parent)}
        for index, parsed in enumerate(letters):
            found = self.resolve(parsed.unit_name, place=True)
            unit = found.unit
            if unit is None:
                # A letter belongs to one unit; a name that is none is left for the editor to import again.
                self.stats.warnings.append(
                    f"目标责任书“{parsed.title or parsed.unit_name}”的单位无法确定，未导入该责任书"
                )
                continue
            page = existing.get(unit.pk)
            created = page is None
            if page is None:
                page = ResponsibilityLetterPage(live=False, unit=unit)
            else:
                self.remember_units(list(_latest(page).body.raw_data))
            page.title = parsed.title or f"{parsed.unit_name}目标责任书"
            page.body = self.stream(parsed.body, f"{path}/l{index}")
            if created:
                parent.add_child(instance=page)
            self._save(page)
            self.stats.letters += 1


def _mostly_places(names: list[str]) -> bool:
    """Whether most row names of a table are 乡镇/街道: then the table lists the document's places."""
    kinds = GROUP_MEMBER_KINDS[GroupKind.PLACES]
    hits = sum(1 for name in names if naming.infer_kind(name) in kinds)
    return bool(names) and hits * 2 > len(names)


def table_grid(rows: list[list[dict[str, Any]]]) -> tuple[list[list[str]], list[dict[str, int]]]:
    """Place cells with row/col spans on a full grid, the way HTML tables do.

    Cells covered by a merge may be present (``merged`` true or empty text at
    an occupied position) or omitted; either way they end up as empty grid
    cells with the origin's merge recorded in ``mergeCells``.
    """
    occupied: set[tuple[int, int]] = set()
    placed: dict[tuple[int, int], str] = {}
    merges = []
    width = 0
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            if cell.get("merged"):
                continue
            while (r, c) in occupied:
                c += 1
            rowspan = max(1, int(cell.get("rowspan") or 1))
            colspan = max(1, int(cell.get("colspan") or 1))
            placed[(r, c)] = cell.get("text", "")
            for dr in range(rowspan):
                for dc in range(colspan):
                    occupied.add((r + dr, c + dc))
            if rowspan > 1 or colspan > 1:
                merges.append({"row": r, "col": c, "rowspan": rowspan, "colspan": colspan})
            c += colspan
            width = max(width, c)
    height = max([r for r, _ in occupied], default=-1) + 1
    data = [[placed.get((r, c), "") for c in range(width)] for r in range(height)]
    return data, merges
