"""Admin hooks of the shared core app."""

from __future__ import annotations

from django.templatetags.static import static
from django.urls import URLResolver, include, path
from django.utils.html import format_html
from django.utils.safestring import SafeString
from wagtail import hooks

from .task_grid import adapter as task_grid_adapter
from .task_grid import views as task_grid_views

task_grid_adapter.install()


@hooks.register("insert_global_admin_js")
def csp_widget_starter() -> SafeString:
    """Load the script that replaces Wagtail's inline widget scripts, refused by our Content-Security-Policy."""
    return format_html('<script src="{}"></script>', static("cms/admin-csp-init.js"))


@hooks.register("register_admin_urls")
def task_grid_urls() -> list[URLResolver]:
    return [path("task-grid/", include(([path("units/", task_grid_views.unit_search, name="units")], "task_grid")))]
