"""Publishing or unpublishing a document queues an export (debounced, after commit).

``manage.py publish_scheduled`` goes through the same Wagtail actions, so
scheduled publication (定时发布) and expiry (到期) arrive here too; they are
told apart from editor actions by the revision's ``approved_go_live_at``
(still set on the in-memory revision that the scheduler publishes) and by
``expired`` on the unpublished page.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from cms.core.models import DocumentPage

from .models import ExportReason
from .services import request_export


def is_document(page: Any) -> bool:
    """Only document pages feed the public site; home and index pages are written by the exporter itself."""
    return issubclass(page.specific_class, DocumentPage)


@receiver(page_published)
def on_page_published(sender: Any, instance: Any, revision: Any = None, **kwargs: Any) -> None:
    # A publish with go_live_at in the future only schedules: nothing public changed yet.
    if not is_document(instance) or not instance.live:
        return
    scheduled = revision is not None and revision.approved_go_live_at is not None
    reason = ExportReason.SCHEDULED if scheduled else ExportReason.PUBLISH
    request_export(reason=reason, user=getattr(revision, "user", None), title=instance.title)


@receiver(page_unpublished)
def on_page_unpublished(sender: Any, instance: Any, **kwargs: Any) -> None:
    if not is_document(instance):
        return
    reason = ExportReason.EXPIRY if getattr(instance, "expired", False) else ExportReason.UNPUBLISH
    request_export(reason=reason, title=instance.title)
