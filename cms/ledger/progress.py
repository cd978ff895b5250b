"""Recording progress (填报) and the office's review (复核) of ledger items.

Every report and every review is one ``TaskProgress`` row, so the item's
history is the list of its rows; the latest one is the item's status (see
:func:`cms.ledger.sync.apply_progress`). Evidence files become Wagtail
documents or images in a collection only logged-in users can open, so the
public site never links them and their URLs do not leak them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, CollectionViewRestriction

from .models import REPORT_STATUSES, ProgressStatus, Task, TaskProgress

EVIDENCE_COLLECTION = "任务进展佐证"
IMAGE_EXTENSIONS = frozenset({"jpg", "jpeg", "png", "gif", "webp"})


class ProgressError(Exception):
    """The report or review cannot be recorded; the message is for the user."""


def evidence_collection() -> Collection:
    """The login-only collection that holds every evidence file (created once).

    A flushed database (transactional and live-server tests, ``flush``) has
    lost the root collection Wagtail's migration created, so it is recreated
    here rather than failing the report.
    """
    root = Collection.get_first_root_node() or Collection.add_root(name="Root")
    collection = root.get_children().filter(name=EVIDENCE_COLLECTION).first()
    if collection is None:
        collection = root.add_child(name=EVIDENCE_COLLECTION)
    if not CollectionViewRestriction.objects.filter(collection=collection).exists():
        CollectionViewRestriction.objects.create(
            collection=collection, restriction_type=CollectionViewRestriction.LOGIN
        )
    return collection


def evidence_kind(name: str) -> str:
    """'image', 'document', or '' for a file type that is not accepted."""
    extension = Path(name).suffix.lower().lstrip(".")
    if extension in IMAGE_EXTENSIONS:
        return "image"
    if extension in getattr(settings, "WAGTAILDOCS_EXTENSIONS", ()) or not getattr(
        settings, "WAGTAILDOCS_EXTENSIONS", None
    ):
        return "document"
    return ""


def check_evidence(files: Iterable[UploadedFile]) -> None:
    for upload in files:
        if not evidence_kind(upload.name or ""):  # an upload without a name has no type to accept
            allowed = "、".join(sorted({*IMAGE_EXTENSIONS, *getattr(settings, "WAGTAILDOCS_EXTENSIONS", ())}))
            raise ProgressError(f"文件“{upload.name}”的类型不支持，可上传：{allowed}。")


def _store_evidence(progress: TaskProgress, files: Iterable[UploadedFile], user: Any, title: str) -> None:
    collection = evidence_collection()
    for upload in files:
        file_name = upload.name or ""  # check_evidence refused files without a name
        name = f"{title}-{Path(file_name).stem}"[:255]
        if evidence_kind(file_name) == "image":
            image = get_image_model()(title=name, file=upload, collection=collection, uploaded_by_user=user)
            image.save()
            progress.evidence_images.add(image)
        else:
            document = get_document_model()(title=name, file=upload, collection=collection, uploaded_by_user=user)
            document.save()
            progress.evidence_documents.add(document)


@dataclass(frozen=True)
class Report:
    status: str
    note: str = ""
    achieved: float | None = None
    reported_on: date | None = None


@transaction.atomic
def record_progress(
    task: Task, user: Any, unit: Any, report: Report, files: Iterable[UploadedFile] = ()
) -> TaskProgress:
    """A unit's report on ``task``, with its evidence files, in one transaction."""
    if report.status not in REPORT_STATUSES:
        raise ProgressError("销号和退回由办公室复核时决定，单位不能直接选择。")
    files = list(files)
    check_evidence(files)
    progress = TaskProgress.objects.create(
        row_id=task.row_id,
        unit=unit,
        status=report.status,
        note=report.note,
        achieved=report.achieved,
        reported_on=report.reported_on or timezone.localdate(),
        user=user,
    )
    _store_evidence(progress, files, user, (task.task or task.detail)[:40])
    return progress


@transaction.atomic
def review(task: Task, user: Any, decision: str, reason: str = "", on: date | None = None) -> TaskProgress:
    """The office closes (销号) the item or sends it back (退回) with a reason."""
    if decision not in (ProgressStatus.CLOSED, ProgressStatus.RETURNED):
        raise ProgressError("复核只能选择“销号”或“退回”。")
    if decision == ProgressStatus.RETURNED and not reason.strip():
        raise ProgressError("退回时请写明理由。")
    if task.status == ProgressStatus.CLOSED:
        raise ProgressError("该任务已销号。")
    return TaskProgress.objects.create(
        row_id=task.row_id,
        status=decision,
        note=reason.strip(),
        reported_on=on or timezone.localdate(),
        user=user,
    )


def history(task: Task) -> list[TaskProgress]:
    """Reports and reviews of ``task``, newest first, with their evidence."""
    return list(
        TaskProgress.objects.filter(row_id=task.row_id)
        .select_related("unit", "user")
        .prefetch_related("evidence_documents", "evidence_images")
    )
