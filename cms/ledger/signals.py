from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from .models import TaskProgress
from .sync import apply_progress, drop_page_tasks, sync_page_tasks


@receiver(page_published)
def on_published(sender: Any, instance: Any, **kwargs: Any) -> None:
    if hasattr(instance.specific_class, "body"):
        sync_page_tasks(instance)


@receiver(page_unpublished)
def on_unpublished(sender: Any, instance: Any, **kwargs: Any) -> None:
    drop_page_tasks(instance)


@receiver(post_save, sender=TaskProgress)
def on_progress(sender: Any, instance: TaskProgress, created: bool, raw: bool = False, **kwargs: Any) -> None:
    # A restore (or fixture) loads tasks with their status as saved; re-applying
    # each stored report on top would overwrite it with whichever loads last.
    if raw:
        return
    apply_progress(instance)
