"""One-file backup of the database and the media files, and its restore.

Why it looks like this:

* **Database-agnostic.** Rows are written with Django's serialiser (JSON
  Lines, one member per model), not ``pg_dump``/``.dump``, so a backup taken on
  SQLite restores into PostgreSQL and back. Primary keys are kept (revisions,
  log entries and stored JSON refer to them); only content types and
  permissions are written by natural key, because ``migrate`` recreates those
  in the target with ids of its own.
* **One snapshot.** Every model is read inside :func:`cms.core.db.consistent_read`,
  so a publish during the backup cannot give pages without their revisions.
* **Self-checking.** ``manifest.json`` records the format version, the
  Django/Wagtail versions, the migrations the data belongs to, and per model
  the row count and SHA-256 of its member (per media file its size and
  SHA-256). Restore verifies all of it before it writes anything, so a
  truncated, corrupt or foreign file is refused by name.
* **Into an empty database.** Restore runs ``migrate`` itself. Migrations
  create rows of their own (root page, default Site, locale, root
  collection, groups and the approval workflow); they are removed in the
  same transaction that loads the backup, so the restored database holds
  exactly the backed-up rows and nothing collides. A database that already
  holds content is refused unless ``replace`` is given.
* **Derived data is rebuilt, not copied.** The search index is backend
  specific (FTS5 on SQLite, tsvector on PostgreSQL) and sessions are
  throw-away logins, so neither is in the archive; the index is rebuilt
  after the restore.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import shutil
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

import django
import wagtail
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.jsonl import Serializer as JsonlSerializer
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, router, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model
from django.utils import timezone

from cms.core.db import consistent_read
from cms.core.slugs import fill_empty_page_slugs

FORMAT = "mubiao-zeren-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA_DIR = "data/"
MEDIA_DIR = "media/"

# Rebuilt or throw-away, never restored (see module docstring).
EXCLUDED_APPS = frozenset({"wagtailsearch"})
EXCLUDED_MODELS = frozenset({"sessions.session"})
# Written by natural key and matched against what ``migrate`` recreates.
NATURAL_MODELS: tuple[type[Model], ...] = (ContentType, Permission)
# Rows in these (besides the project's own apps) mean "this database holds content".
CONTENT_MODELS = ("auth.user", "wagtailcore.revision", "wagtailimages.image", "wagtaildocs.document")
PROJECT_APP_PREFIX = "cms."

Progress = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that was refused or failed; the message is for editors (Chinese)."""


@dataclass
class BackupResult:
    path: Path
    rows: int
    models: int
    media_files: int
    size: int
    seconds: float


@dataclass
class RestoreResult:
    rows: int
    models: int
    media_files: int
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)


def _quiet(message: str) -> None:
    """Default progress sink."""


# ---------------------------------------------------------------- models


def backup_models() -> list[type[Model]]:
    """Models whose rows go into a backup, natural-key models first.

    The order is fixed (content types, permissions, then by label) so the
    same data always gives the same archive, and rows that are referenced by
    natural key are loaded before the rows that refer to them.
    """
    chosen = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed or meta.app_label in EXCLUDED_APPS or meta.label_lower in EXCLUDED_MODELS:
            continue
        if model in NATURAL_MODELS or not router.allow_migrate_model(DEFAULT_DB_ALIAS, model):
            continue
        chosen.append(model)
    return [*NATURAL_MODELS, *sorted(chosen, key=lambda model: model._meta.label_lower)]


def _model_by_label(label: str) -> type[Model]:
    try:
        return apps.get_model(label)
    except LookupError as error:
        raise BackupError(f"备份中有本程序没有的数据表 {label}") from error


def code_migrations() -> list[str]:
    """The migrations the current code consists of, as ``app.name`` (squashes resolved as on a new database)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted(f"{app}.{name}" for app, name in loader.graph.nodes)


def _unapplied_migrations(using: str) -> list[str]:
    applied = {f"{app}.{name}" for app, name in MigrationRecorder(connections[using]).applied_migrations()}
    return [name for name in code_migrations() if name not in applied]


# ------------------------------------------------------------ serialising


class _PreciseEncoder(DjangoJSONEncoder):
    """Django's encoder, but datetimes and times keep every microsecond.

    ``DjangoJSONEncoder`` cuts them to milliseconds (ECMA-262 style), which
    loses data and is not stable: a value with 0 < microsecond < 1000 is
    written ``…:00.000``; restored, it has microsecond 0 and is written ``…:00``
    on the next backup, so a restored database did not re-back-up byte-identically.
    """

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            if timezone.is_aware(o):
                raise ValueError("JSON can't represent timezone-aware times.")
            return o.isoformat()
        return super().default(o)


class _Serializer(JsonlSerializer):
    """JSON Lines with natural keys only for references to content types and permissions.

    Django's flag is all-or-nothing; users, groups, sites and collections keep
    their ids here, because revisions and other stored JSON refer to them by id.
    """

    _current: dict[str, Any]  # the row being written (set by Django's serialiser)

    def start_serialization(self) -> None:
        super().start_serialization()
        self._permission_keys = {
            permission.pk: permission.natural_key()
            for permission in Permission.objects.using(self.options.get("using", DEFAULT_DB_ALIAS)).select_related(
                "content_type"
            )
        }
        self.json_kwargs.pop("using", None)
        self.json_kwargs["cls"] = _PreciseEncoder

    def _natural(self, model: type[Model], pk: Any) -> Any:
        if model is ContentType:
            return ContentType.objects.get_for_id(pk).natural_key()
        return self._permission_keys[pk]

    def handle_fk_field(self, obj: Model, field: Any) -> None:
        model = field.remote_field.model
        if model in NATURAL_MODELS:
            pk = getattr(obj, field.attname)
            self._current[field.name] = None if pk is None else self._natural(model, pk)
            return
        self.use_natural_foreign_keys = False
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj: Model, field: Any) -> None:
        model = field.remote_field.model
        if model in NATURAL_MODELS and field.remote_field.through._meta.auto_created:
            pks = getattr(obj, field.name).order_by("pk").values_list("pk", flat=True)
            self._current[field.name] = [self._natural(model, pk) for pk in pks]
            return
        self.use_natural_foreign_keys = False
        super().handle_m2m_field(obj, field)


class _HashingWriter(io.RawIOBase):
    """Passes bytes through to ``target`` while counting them, their lines and their SHA-256."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.digest = hashlib.sha256()
        self.size = 0
        self.lines = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.target.write(chunk)
        self.digest.update(chunk)
        self.size += len(chunk)
        self.lines += chunk.count(b"\n")
        return len(chunk)


# Natural-key rows are ordered by natural key: their ids differ between databases, and
# ordering by id would make two backups of the same content differ.
_ORDER: dict[type[Model], tuple[str, ...]] = {
    ContentType: ("app_label", "model"),
    Permission: ("content_type__app_label", "content_type__model", "codename"),
}


def _write_model(archive: zipfile.ZipFile, model: type[Model], using: str) -> dict[str, Any]:
    label = model._meta.label_lower
    name = f"{DATA_DIR}{label}.jsonl"
    queryset = model._base_manager.using(using).order_by(*_ORDER.get(model, (model._meta.pk.attname,)))
    with archive.open(name, "w", force_zip64=True) as member:
        hashing = _HashingWriter(member)
        text = io.TextIOWrapper(io.BufferedWriter(hashing, 1 << 16), encoding="utf-8", newline="\n")
        _Serializer().serialize(
            queryset.iterator(chunk_size=2000),
            stream=text,
            use_natural_primary_keys=model in NATURAL_MODELS,
            using=using,
        )
        text.flush()
        text.detach().flush()
    return {
        "model": label,
        "file": name,
        "rows": hashing.lines,
        "bytes": hashing.size,
        "sha256": hashing.digest.hexdigest(),
    }


def _media_files(root: Path) -> list[tuple[str, Path]]:
    if not root.is_dir():
        return []
    files = [(path.relative_to(root).as_posix(), path) for path in root.rglob("*") if path.is_file()]
    return sorted(files)


def _write_media(archive: zipfile.ZipFile, relative: str, path: Path) -> dict[str, Any]:
    name = f"{MEDIA_DIR}{relative}"
    with path.open("rb") as source, archive.open(name, "w", force_zip64=True) as member:
        hashing = _HashingWriter(member)
        shutil.copyfileobj(source, hashing, 1 << 20)
    return {"path": relative, "file": name, "bytes": hashing.size, "sha256": hashing.digest.hexdigest()}


def default_backup_path() -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(getattr(settings, "BACKUP_DIR", settings.BASE_DIR / "backups")) / f"backup-{stamp}.zip"


def create_backup(
    out: Path | None = None, *, using: str = DEFAULT_DB_ALIAS, progress: Progress = _quiet
) -> BackupResult:
    """Write the database and MEDIA_ROOT to one archive at ``out``.

    The archive is written beside ``out`` and renamed into place only when
    complete, so an interrupted backup never leaves a file that looks whole.
    """
    started = time.monotonic()
    out = Path(out or default_backup_path())
    pending = _unapplied_migrations(using)
    if pending:
        raise BackupError(f"数据库还有未执行的迁移（{', '.join(pending[:3])} 等），请先运行 manage.py migrate 再备份")
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
    os.close(handle)
    try:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
            tables = []
            with consistent_read(using):
                taken_at = timezone.now()
                for model in backup_models():
                    tables.append(_write_model(archive, model, using))
            rows = sum(entry["rows"] for entry in tables)
            progress(f"数据库：{len(tables)} 张表，{rows} 行")
            media = [_write_media(archive, rel, path) for rel, path in _media_files(Path(settings.MEDIA_ROOT))]
            progress(f"媒体文件：{len(media)} 个，{sum(entry['bytes'] for entry in media)} 字节")
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": timezone.localtime(taken_at).isoformat(timespec="seconds"),
                "database_vendor": connections[using].vendor,
                "django": django.get_version(),
                "wagtail": wagtail.__version__,
                "migrations": code_migrations(),
                "tables": tables,
                "media": media,
            }
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return BackupResult(out, rows, len(tables), len(media), out.stat().st_size, time.monotonic() - started)


# ------------------------------------------------------------- verifying


@dataclass
class Archive:
    """A verified archive: its manifest, and the open zip to read members from."""

    path: Path
    manifest: dict[str, Any]
    zip: zipfile.ZipFile

    @property
    def rows(self) -> int:
        return sum(entry["rows"] for entry in self.manifest["tables"])


def _safe_media_path(relative: str) -> bool:
    path = PurePosixPath(relative)
    return bool(relative) and not path.is_absolute() and ".." not in path.parts and "\\" not in relative


def _check_member(archive: zipfile.ZipFile, entry: dict[str, Any], count_lines: bool) -> None:
    digest, size, lines = hashlib.sha256(), 0, 0
    with archive.open(entry["file"]) as member:
        while chunk := member.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
            lines += chunk.count(b"\n")
    if size != entry["bytes"] or digest.hexdigest() != entry["sha256"]:
        raise BackupError(f"{entry['file']} 的校验和不符")
    if count_lines and lines != entry["rows"]:
        raise BackupError(f"{entry['file']} 应有 {entry['rows']} 行，实有 {lines} 行")


def _read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read(MANIFEST).decode("utf-8"))
    except KeyError as error:
        raise BackupError("不是本系统的备份文件（没有 manifest.json）") from error
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError("manifest.json 无法解析") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("不是本系统的备份文件（格式标识不符）")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"备份格式版本 {manifest.get('format_version')} 不受支持（本程序为 {FORMAT_VERSION}）")
    for key in ("tables", "media", "migrations"):
        if not isinstance(manifest.get(key), list):
            raise BackupError(f"manifest.json 缺少 {key}")
    return manifest


def open_archive(path: Path) -> Archive:
    """Open and fully verify a backup archive; any problem raises :class:`BackupError` naming ``path``."""
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError as error:
        raise BackupError(f"备份文件 {path} 不存在") from error
    except (zipfile.BadZipFile, OSError) as error:
        raise BackupError(f"备份文件 {path} 不完整或已损坏（不是完整的 zip 文件）") from error
    try:
        manifest = _read_manifest(archive)
        listed = {MANIFEST}
        for entry in manifest["tables"]:
            _model_by_label(entry["model"])
            _check_member(archive, entry, count_lines=True)
            listed.add(entry["file"])
        for entry in manifest["media"]:
            if not _safe_media_path(entry["path"]) or entry["file"] != f"{MEDIA_DIR}{entry['path']}":
                raise BackupError(f"媒体文件路径不安全：{entry['path']!r}")
            _check_member(archive, entry, count_lines=False)
            listed.add(entry["file"])
        extra = sorted(set(archive.namelist()) - listed)
        if extra:
            raise BackupError(f"含有清单以外的文件：{', '.join(extra[:3])}")
    except BackupError as error:
        archive.close()
        raise BackupError(f"备份文件 {path} 无法使用：{error}") from error
    except (KeyError, TypeError) as error:
        archive.close()
        raise BackupError(f"备份文件 {path} 无法使用：清单 manifest.json 不完整（{error}）") from error
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
        archive.close()
        raise BackupError(f"备份文件 {path} 已损坏：{error}") from error
    return Archive(path, manifest, archive)


# -------------------------------------------------------------- restoring


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
        model = _model_by_label(entry["model"])
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
    path: Path, *, replace: bool = False, using: str = DEFAULT_DB_ALIAS, progress: Progress = _quiet
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
