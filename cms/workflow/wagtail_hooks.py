"""Admin hooks that keep each group to the pages it may see.

Wagtail's explorer already shows a user only the pages they hold permissions
on (and their ancestors), but its page chooser lists the whole tree, drafts
included: an editor of 乙镇 searching the chooser read the titles of 甲镇's
unpublished notices, although a unit group may only see its own section.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from wagtail import hooks
from wagtail.permission_policies.pages import PagePermissionPolicy


@hooks.register("construct_page_chooser_queryset")
def limit_chooser_to_explorable_pages(pages: QuerySet, request: HttpRequest) -> QuerySet:
    """The chooser offers what the explorer shows; superusers still see everything."""
    user: Any = request.user
    if user.is_superuser:
        return pages
    explorable = PagePermissionPolicy().explorable_instances(user)
    return pages.filter(pk__in=explorable.values("pk"))
