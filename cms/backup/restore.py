"""Restore of a backup archive (:mod:`cms.backup.service`) into an empty database and MEDIA_ROOT.

Why it works this way (see also the archive's own docstring): ``migrate``
runs first, then one transaction removes the rows migrations made, loads the
backup's rows with constraint checks deferred, checks them and the row
counts, and resets sequences; media files are written inside that
transaction's lifetime and removed again if it fails. Deleting goes through
raw SQL, never the ORM, so Wagtail's signals (unpublish, file removal) do not
fire on the rows being replaced.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction

from cms.core.slugs import fill_empty_page_slugs

from .service import (
    CONTENT_MODELS,
    NATURAL_MODELS,
    PROJECT_APP_PREFIX,
    Archive,
    BackupError,
    Progress,
    backup_models,
    code_migrations,
    model_by_label,
    open_archive,
    quiet,
)


@dataclass
class RestoreResult:
    rows: int
    models: int
    media_files: int
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)


def _table_names(using: str) -> set[str]:
    with connections[using].cursor() as cursor:
        return set(connections[using].introspection.table_names(cursor))


def existing_content(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Rows that mean the database is in use: ``{label: count}``, empty for a new (or never migrated) database.

    Users, revisions, images, documents, any row of the project's own apps,
    and pages other than the plain Wagtail pages that migrations create.
    Content types, permissions, groups, workflows, the default Site and the
    like are created by ``migrate`` and do not count.
    """
    tables = _table_names(using)
    found: dict[str, int] = {}
    for model in backup_models():
        label = model._meta.label_lower
        is_project = model._meta.app_config.name.startswith(PROJECT_APP_PREFIX)
        if model._meta.db_table not in tables or not (
            is_project or label in CONTENT_MODELS or label == "wagtailcore.page"
        ):
            continue
        queryset = model._base_manager.using(using)
        if label == "wagtailcore.page":
            queryset = queryset.exclude(content_type=ContentType.objects.db_manager(using).get_for_model(model))
        count = queryset.count()
        if count:
            found[label] = count
    return found


def check_compatible(manifest: dict[str, Any]) -> None:
    """Refuse a backup made by a different schema: its rows would not fit the tables ``migrate`` creates here."""
    ours, theirs = set(code_migrations()), set(manifest["migrations"])
    newer, older = sorted(theirs - ours), sorted(ours - theirs)
    if newer:
        raise BackupError(
            f"备份来自较新的程序版本（含本程序没有的迁移 {', '.join(newer[:3])}），请用相同版本的程序恢复"
        )
    if older:
        raise BackupError(
            f"备份来自较旧的程序版本（缺少迁移 {', '.join(older[:3])}），"
            "请先用备份时的程序版本恢复，再升级并运行 migrate"
        )


def _media_conflicts(archive: Archive, root: Path) -> list[str]:
    conflicts = []
    for entry in archive.manifest["media"]:
        target = root / entry["path"]
        if target.exists() and (not target.is_file() or _file_sha256(target) != entry["sha256"]):
            conflicts.append(entry["path"])
    return conflicts


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _clear_tables(using: str) -> None:
    """Empty every table the backup fills, including the rows ``migrate`` made.

    Raw SQL, not ``QuerySet.delete()``: deleting through the ORM would fire
    Wagtail's signals (unpublish on page delete, file removal on image and
    document delete). Content types and permissions stay; the backup's are
    matched to them by natural key.
    """
    connection = connections[using]
    keep = {ContentType._meta.db_table, Permission._meta.db_table}
    tables = sorted(set(connection.introspection.django_table_names(only_existing=True)) - keep)
    statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=False)
    if connection.vendor == "postgresql":
        # TRUNCATE refuses tables with deferred foreign-key checks still pending in
        # this transaction (``--replace`` inside a larger one): run them now, and
        # defer again so the backup's rows can load in any order.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        connection.ops.execute_sql_flush(statements)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        return
    connection.ops.execute_sql_flush(statements)


def _load_rows(archive: Archive, using: str) -> int:
    loaded = 0
    for entry in archive.manifest["tables"]:
        with archive.zip.open(entry["file"]) as member:
            lines = io.TextIOWrapper(member, encoding="utf-8", newline="\n")
            objects = serializers.deserialize("jsonl", lines, using=using, handle_forward_references=True)
            deferred = []
            for obj in objects:
                obj.save(using=using)
                loaded += 1
                if obj.deferred_fields:
                    deferred.append(obj)
            for obj in deferred:
                obj.save_deferred_fields(using=using)
    return loaded


def _verify_counts(archive: Archive, using: str) -> None:
    """Every model holds exactly the backed-up rows (natural-key models: at least, migrate may add current ones)."""
    for entry in archive.manifest["tables"]:
        model = model_by_label(entry["model"])
        count = model._base_manager.using(using).count()
        if count != entry["rows"] and not (model in NATURAL_MODELS and count >= entry["rows"]):
            raise BackupError(f"恢复后 {entry['model']} 有 {count} 行，备份中为 {entry['rows']} 行")


def _restore_media(archive: Archive, root: Path) -> list[Path]:
    """Put the backed-up media files in place; returns the files created.

    A file already there with the same content is left alone; one with other
    content is only there with ``replace`` (otherwise refused beforehand) and
    is overwritten. If the restore fails, created files are removed again.
    """
    written = []
    try:
        for entry in archive.manifest["media"]:
            target = root / entry["path"]
            if target.is_file() and _file_sha256(target) == entry["sha256"]:
                continue
            existed = target.exists()
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.part")
            with archive.zip.open(entry["file"]) as source, partial.open("wb") as sink:
                shutil.copyfileobj(source, sink, 1 << 20)
            os.replace(partial, target)
            if not existed:
                written.append(target)
    except BaseException:
        _remove(written)
        raise
    return written


def _remove(paths: Iterable[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def check_target(archive: Archive, *, replace: bool, using: str = DEFAULT_DB_ALIAS) -> None:
    """Everything that can refuse a restore, checked before anything is written."""
    check_compatible(archive.manifest)
    if replace:
        return
    found = existing_content(using)
    if found:
        summary = "、".join(f"{label} {count} 行" for label, count in sorted(found.items())[:5])
        raise BackupError(
            f"目标数据库已有内容（{summary}），未写入任何内容。请恢复到新建的空数据库；"
            "确需用备份覆盖现有全部数据时加 --replace"
        )
    conflicts = _media_conflicts(archive, Path(settings.MEDIA_ROOT))
    if conflicts:
        raise BackupError(
            f"媒体目录 {settings.MEDIA_ROOT} 中已有与备份不同的文件（{', '.join(conflicts[:3])}），未写入任何内容；"
            "确需覆盖时加 --replace"
        )


def restore_backup(
    path: Path, *, replace: bool = False, using: str = DEFAULT_DB_ALIAS, progress: Progress = quiet
) -> RestoreResult:
    """Restore the archive at ``path`` into the (empty) database ``using`` and MEDIA_ROOT.

    Order: verify the archive and the target (refusals write nothing), run
    ``migrate``, then in one transaction clear what migrations created, load
    every row, check constraints and row counts and reset sequences; media
    files are put in place before that transaction commits and removed again
    if it fails. The search index is rebuilt last.
    """
    started = time.monotonic()
    timings: dict[str, float] = {}

    def lap(name: str, since: float) -> float:
        now = time.monotonic()
        timings[name] = now - since
        return now

    def seconds(name: str) -> str:
        return f"（{timings[name]:.1f} 秒）"

    archive = open_archive(path)
    with archive.zip:
        mark = lap("verify", started)
        progress(
            f"备份文件校验通过：{archive.manifest['created_at']}，{len(archive.manifest['tables'])} 张表，"
            f"{archive.rows} 行，{len(archive.manifest['media'])} 个媒体文件{seconds('verify')}"
        )
        check_target(archive, replace=replace, using=using)
        call_command("migrate", database=using, interactive=False, verbosity=0)
        mark = lap("migrate", mark)
        progress(f"数据库结构已迁移{seconds('migrate')}")
        root = Path(settings.MEDIA_ROOT)
        connection = connections[using]
        written: list[Path] = []
        try:
            with transaction.atomic(using=using):
                _clear_tables(using)
                with connection.constraint_checks_disabled():
                    rows = _load_rows(archive, using)
                connection.check_constraints()
                statements = connection.ops.sequence_reset_sql(no_style(), backup_models())
                if statements:
                    with connection.cursor() as cursor:
                        for statement in statements:
                            cursor.execute(statement)
                _verify_counts(archive, using)
                fill_empty_page_slugs()  # rows saved before every save path made a slug
                mark = lap("load", mark)
                progress(f"数据已载入：{rows} 行{seconds('load')}")
                written = _restore_media(archive, root)
        except (DeserializationError, DatabaseError) as error:
            _remove(written)
            raise BackupError(f"载入备份 {path} 失败，数据库未改动：{error}") from error
        except BaseException:
            _remove(written)
            raise
        mark = lap("media", mark)
        progress(f"媒体文件已恢复：{len(written)} 个{seconds('media')}")
        call_command("update_index", verbosity=0)  # Wagtail indexes the default database
        lap("search_index", mark)
        progress(f"搜索索引已重建{seconds('search_index')}")
    return RestoreResult(rows, len(archive.manifest["tables"]), len(written), time.monotonic() - started, timings)
