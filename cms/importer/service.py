"""Import files: parse every file first, then write them all in one transaction.

A bad file stops the whole run before anything is written, with one message
naming the file (and line).  ``--dry-run`` runs the real import and rolls it
back, so its report is exactly what a real run would do.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.urls import NoReverseMatch
from wagtail.models import ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

from cms.documents.models import NoticeIndexPage
from cms.documents.setup import ensure_site_structure
from cms.importer import parsing
from cms.importer.loader import DISCLOSURE_WORDS, Loader, LoadStats
from cms.importer.metadata import DocumentMeta, apply_meta
from cms.importer.models import ImportReport
from cms.importer.parsing.coverage import coverage
from cms.importer.parsing.header import PLACEHOLDER_TITLE
from cms.importer.parsing.tree import DocumentImportError, ParsedDocument
from cms.units import naming
from cms.units.merge import merge_url
from cms.units.models import Unit

MAX_BYTES = parsing.MAX_FILE_BYTES  # the one input limit (defined in parsing.text_reader)


class ImportWriteError(DocumentImportError):
    """The files were fine but the database failed while they were written (e.g. the connection dropped).

    A subclass of :class:`DocumentImportError` so the command and the admin
    view give it the same one-line treatment; the transaction was rolled
    back, so nothing is half-written and importing again is safe.
    """


BLOCK_LABELS = {
    "heading": "章节标题",
    "paragraph": "段落",
    "target": "目标",
    "target_group": "单位个性目标",
    "note": "备注",
    "task_list": "任务清单",
    "indicator_table": "指标表",
    "leading_group": "领导小组",
    "phase": "工作阶段",
    "table": "通用表格",
}


@dataclass
class ImportOutcome:
    source: str
    doc: ParsedDocument
    coverage: float
    missing: list[str]
    stats: LoadStats
    report: ImportReport | None = None
    merge_offers: list[dict[str, Any]] = field(default_factory=list)

    def report_text(self) -> str:
        doc, stats = self.doc, self.stats
        lines = [f"文件：{self.source}", f"标题：{doc.title}"]
        if doc.doc_number:
            lines.append(f"发文字号：{doc.doc_number}")
        found, missing = header_fields(doc)
        lines.append(f"识别到的文件头：{'、'.join(found) or '无'}；未找到：{'、'.join(missing) or '无'}")
        lines += [f"  {note}" for note in doc.stated_notes]
        if doc.metadata:
            lines.append("信息公开栏：" + "；".join(f"{k}：{v}" for k, v in doc.metadata.items()))
        if doc.chrome:
            lines.append(f"去除的网页内容 {len(doc.chrome)} 行：")
            lines += [f"  第{line}行：{text[:60]}" for line, text in doc.chrome]
        lines.append(
            ("新建" if stats.created else "更新（新版本）")
            + f"公文，附件 {stats.attachments} 个，目标责任书 {stats.letters} 份"
        )
        if stats.changes:
            lines.append("与现有版本相比的修改：" + "；".join(stats.changes))
        elif not stats.created:
            lines.append("与现有版本相比：没有修改")
        blocks = "，".join(f"{BLOCK_LABELS.get(k, k)} {v}" for k, v in sorted(stats.blocks.items()))
        lines.append(f"识别的结构：{blocks or '无'}")
        lines.append(f"任务 {stats.task_rows} 条，涉及责任单位 {len(stats.units_linked)} 个")
        if stats.units_created:
            lines.append(f"新建待确认单位 {len(stats.units_created)} 个：" + "、".join(stats.units_created))
            for offer in self.merge_offers:
                if offer["similar"]:
                    lines.append(f"  {offer['label']} 可能与以下已有单位相同，可合并：")
                    lines += [f"    {s['label']}：{s['merge_url'] or '（合并功能尚未启用）'}" for s in offer["similar"]]
        if stats.groups_created:
            lines.append(f"新建单位组 {len(stats.groups_created)} 个：" + "、".join(stats.groups_created))
        lines.append(
            f"文字覆盖率：{self.coverage:.2%}" + (f"（缺少：{''.join(self.missing[:20])}）" if self.missing else "")
        )
        if doc.unrecognised:
            lines.append(f"未识别结构、按普通段落保存的行 {len(doc.unrecognised)} 行：")
            lines += [f"  第{line}行：{text[:60]}" for line, text in doc.unrecognised]
        warnings = [f"第{w.line}行：{w.message}" if w.line else w.message for w in doc.warnings] + stats.warnings
        if warnings:
            lines.append(f"警告 {len(warnings)} 条：")
            lines += [f"  {w}" for w in warnings]
        return "\n".join(lines)


SIMILAR_RATIO = 0.6  # difflib ratio from which two names are offered as one unit
MAX_SIMILAR = 3


def _unit_label(unit: Unit) -> str:
    return f"{unit.name}（{unit.jurisdiction.full_name()}）" if unit.jurisdiction else unit.name


def merge_offers(new_pks: Sequence[int]) -> list[dict[str, Any]]:
    """For each new unit, the closest existing units, each with the link that merges the new one into it.

    Closest: the same match key in another jurisdiction (市公安局 of another
    city), else names alike (difflib ratio ≥ 0.6); at most three. Units the
    same import created are not offered: they are not the registry yet.
    """
    new_units = list(Unit.objects.filter(pk__in=new_pks).select_related("jurisdiction__parent"))
    existing = list(Unit.objects.exclude(pk__in=new_pks).select_related("jurisdiction__parent"))
    keys = {unit.pk: naming.match_key(unit.name) for unit in existing}
    offers = []
    for new in sorted(new_units, key=lambda unit: list(new_pks).index(unit.pk)):
        key = naming.match_key(new.name)
        scored = []
        matcher = difflib.SequenceMatcher(None, "", new.name)  # the new name is the cached side
        for other in existing:
            same_key = keys[other.pk] == key
            matcher.set_seq1(other.name)
            # The quick upper bounds skip most of a large registry before the full comparison.
            if not same_key and (matcher.real_quick_ratio() < SIMILAR_RATIO or matcher.quick_ratio() < SIMILAR_RATIO):
                continue
            ratio = matcher.ratio()
            if same_key or ratio >= SIMILAR_RATIO:
                scored.append((not same_key, -ratio, other.pk, other))
        scored.sort(key=lambda item: item[:3])
        similar = []
        for _, _, _, other in scored[:MAX_SIMILAR]:
            try:
                url = merge_url(keep=other, absorb=[new])
            except NoReverseMatch:  # the merge view is not installed in this build
                url = ""
            similar.append({"pk": other.pk, "label": _unit_label(other), "merge_url": url})
        offers.append({"pk": new.pk, "label": _unit_label(new), "similar": similar})
    return offers


HEADER_FIELDS = ("标题", "发文机关", "文号", "主送", "成文日期", "公开属性")


def header_fields(doc: ParsedDocument) -> tuple[list[str], list[str]]:
    """(found, not found) among the header fields the report names."""
    values = {
        "标题": doc.title and doc.title != PLACEHOLDER_TITLE,
        "发文机关": doc.issuer,
        "文号": doc.doc_number,
        "主送": doc.recipients,
        "成文日期": doc.written_date,
        "公开属性": doc.disclosure,
    }
    return [k for k in HEADER_FIELDS if values[k]], [k for k in HEADER_FIELDS if not values[k]]


def read_source(path: Path) -> bytes:
    name = path.name
    if not path.exists():
        raise DocumentImportError(name, "文件不存在")
    if path.is_dir():
        raise DocumentImportError(name, "这是一个目录，不是文件")
    if path.stat().st_size > MAX_BYTES:
        raise DocumentImportError(name, f"文件超过 {parsing.MAX_MEGABYTES} MB，拒绝导入")
    return path.read_bytes()


def parse_source(data: bytes, name: str) -> tuple[ParsedDocument, float, list[str]]:
    """Parse one file and measure its coverage against the text the parser read (the file is read once)."""
    parsed = parsing.parse_source(data, name)
    ratio, missing = coverage(parsed.text, parsed.document)
    return parsed.document, ratio, missing


def import_documents(
    sources: Sequence[tuple[str, bytes]],
    *,
    publish: bool = False,
    disclosure: str | None = None,
    dry_run: bool = False,
    user: Any = None,
    parent: NoticeIndexPage | None = None,
    progress: Callable[[str], None] = lambda message: None,
    metadata: dict[str, DocumentMeta] | None = None,
) -> list[ImportOutcome]:
    """Parse all sources, then import them atomically. Raises DocumentImportError.

    ``metadata`` maps a source name to the fields an editor stated for it
    (command line, sidecar, upload form); they win over what was recognised.
    """
    if disclosure is not None and disclosure not in DISCLOSURE_WORDS.values():
        disclosure = DISCLOSURE_WORDS.get(disclosure, disclosure)
    parsed = []
    for index, (name, data) in enumerate(sources, start=1):
        progress(f"[{index}/{len(sources)}] 解析 {name}")
        doc, ratio, missing = parse_source(data, name)
        stated = (metadata or {}).get(name)
        if stated is not None:
            doc.stated_notes = apply_meta(doc, stated)
        parsed.append((name, doc, ratio, missing))
    writing = "、".join(name for name, *_ in parsed)
    try:
        return _write(
            parsed, publish=publish, disclosure=disclosure, dry_run=dry_run, user=user, parent=parent, progress=progress
        )
    except DatabaseError as error:
        raise ImportWriteError(
            writing, f"写入数据库时出错（数据库连接中断或不可用）：{error}。请确认数据库恢复后重新导入。"
        ) from error


def _write(
    parsed: list[tuple[str, ParsedDocument, float, list[str]]],
    *,
    publish: bool,
    disclosure: str | None,
    dry_run: bool,
    user: Any,
    parent: NoticeIndexPage | None,
    progress: Callable[[str], None],
) -> list[ImportOutcome]:
    """Write the parsed documents and their reports in one transaction: all of them or none."""
    outcomes = []
    # Reference-index rows are written once per page at the end instead of
    # on each of the three saves a page gets (create, revision, publish).
    with transaction.atomic(), disable_reference_index_auto_update():
        target = parent or ensure_site_structure()
        for index, (name, doc, ratio, missing) in enumerate(parsed, start=1):
            progress(f"[{index}/{len(parsed)}] 写入 {name}")
            try:
                stats = Loader(doc, target, publish=publish, disclosure=disclosure).load()
            except ValidationError as exc:
                # The parser should only produce values the models accept; if one
                # slips through, the editor still gets a message, not a traceback.
                raise DocumentImportError(name, "导入的内容未通过校验：" + "；".join(exc.messages)) from exc
            outcome = ImportOutcome(name, doc, ratio, missing, stats, merge_offers=merge_offers(stats.new_units))
            outcome.report = ImportReport.objects.create(
                source_name=name,
                user=user if getattr(user, "pk", None) else None,
                notice=stats.notice,
                coverage=ratio,
                summary={
                    "created": stats.created,
                    "attachments": stats.attachments,
                    "letters": stats.letters,
                    "blocks": stats.blocks,
                    "task_rows": stats.task_rows,
                    "units_created": stats.units_created,
                    "merge_offers": outcome.merge_offers,
                    "groups_created": stats.groups_created,
                    "unrecognised": len(doc.unrecognised),
                    "warnings": len(doc.warnings) + len(stats.warnings),
                    "dry_run": dry_run,
                    "fields_found": header_fields(doc)[0],
                    "fields_missing": header_fields(doc)[1],
                    "chrome": len(doc.chrome),
                },
                text=outcome.report_text(),
            )
            outcomes.append(outcome)
        for outcome in outcomes:
            if outcome.stats.notice is not None:
                for page in outcome.stats.notice.get_descendants(inclusive=True).specific():
                    ReferenceIndex.create_or_update_for_object(page)
        if dry_run:
            transaction.set_rollback(True)
    return outcomes
