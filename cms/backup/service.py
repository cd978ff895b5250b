"""One-file backup of the database and the media files: the archive format, writing it, verifying it.

Restoring an archive is :mod:`cms.backup.restore`.

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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

import django
import wagtail
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.jsonl import Serializer as JsonlSerializer
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model
from django.utils import timezone

from cms.core.db import consistent_read

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


def quiet(message: str) -> None:
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


def model_by_label(label: str) -> type[Model]:
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
        """Related ids in id order, whatever the related model's ``Meta.ordering``.

        Django lists them in that ordering (units by name, where names can tie) or
        in whatever order the database returns, which need not survive a restore:
        the same rows must always give the same bytes. Rows of an explicit
        ``through`` model are written with that model, as Django does.
        """
        if not field.remote_field.through._meta.auto_created:
            return
        model = field.remote_field.model
        related = getattr(obj, field.name).order_by("pk")
        if model in NATURAL_MODELS:
            self._current[field.name] = [self._natural(model, pk) for pk in related.values_list("pk", flat=True)]
            return
        # Django's own pk formatting (private in the stubs), so the deserialiser reads what it always read.
        value_of = self._value_from_field  # type: ignore[attr-defined]
        others = related.select_related(None).only("pk")
        self._current[field.name] = [value_of(other, other._meta.pk) for other in others]


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
    out: Path | None = None, *, using: str = DEFAULT_DB_ALIAS, progress: Progress = quiet
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
            model_by_label(entry["model"])
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
