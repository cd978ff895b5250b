from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from cms.units.models import UnitGroup

from .models import TaskProgress
from .sync import apply_progress, drop_page_tasks, resync_group, sync_page_tasks


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


@receiver(m2m_changed, sender=UnitGroup.members.through)
def on_group_members(sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any) -> None:
    """A group gained or lost members: the items addressed through it move with them."""
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        resync_group(instance)
    elif pk_set:
        for group in UnitGroup.objects.filter(pk__in=pk_set):
            resync_group(group)
