"""Admin menu item, URLs, and buttons on letter and attachment pages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest
from django.urls import include, path, reverse
from django.utils.http import urlencode
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.models import Page

from cms.documents.models import AttachmentPage, ResponsibilityLetterPage

from . import views
from .views import can_generate


@hooks.register("register_admin_urls")
def register_letter_urls() -> list[Any]:
    urls = [
        path("generate/", views.GenerateLettersView.as_view(), name="generate"),
        path("compare/<int:pk>/", views.CompareLetterView.as_view(), name="compare"),
    ]
    return [path("letters/", include((urls, "letters"), namespace="letters"))]


class GenerateMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return can_generate(request.user)


@hooks.register("register_admin_menu_item")
def register_generate_menu_item() -> MenuItem:
    return GenerateMenuItem("生成目标责任书", reverse("letters:generate"), name="letters", icon_name="copy", order=306)


class _LetterMenuItem(PageMenuItem):
    """Shown to users who may edit the letter (compare) or add under its attachment (generate)."""

    def __init__(self, *args: Any, check: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.check = check

    def is_shown(self, user: Any) -> bool:
        if self.check == "edit":
            return self.page.permissions_for_user(user).can_edit()
        target = self.page if isinstance(self.page, AttachmentPage) else self.page.get_parent()
        return target.permissions_for_user(user).can_add_subpage()


def _letter_buttons(page: Page) -> Iterator[PageMenuItem]:
    specific_class = page.specific_class
    if specific_class is ResponsibilityLetterPage:
        yield _LetterMenuItem(
            "与模板比较", reverse("letters:compare", args=[page.pk]), "doc-full", 80, page=page, check="edit"
        )
        yield _LetterMenuItem(
            "以此为模板生成责任书",
            reverse("letters:generate") + "?" + urlencode({"template": page.pk}),
            "copy",
            81,
            page=page,
            check="add",
        )
    elif specific_class is AttachmentPage and ResponsibilityLetterPage.objects.child_of(page).exists():
        yield _LetterMenuItem(
            "生成目标责任书",
            reverse("letters:generate") + "?" + urlencode({"attachment": page.pk}),
            "copy",
            80,
            page=page,
            check="add",
        )


@hooks.register("register_page_header_buttons")
def letter_header_buttons(page: Page, user: Any, view_name: str, next_url: str | None = None) -> Iterator[Any]:
    """In the "…" menu of the page header, i.e. on the edit page of a letter."""
    yield from _letter_buttons(page)


@hooks.register("register_page_listing_more_buttons")
def letter_listing_buttons(page: Page, user: Any, next_url: str | None = None) -> Iterator[Any]:
    """In the "…" menu of each row of the page explorer."""
    yield from _letter_buttons(page)
