"""Admin hooks of the shared core app."""

from __future__ import annotations

from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString
from wagtail import hooks


@hooks.register("insert_global_admin_js")
def csp_widget_starter() -> SafeString:
    """Load the script that replaces Wagtail's inline widget scripts, refused by our Content-Security-Policy."""
    return format_html('<script src="{}"></script>', static("cms/admin-csp-init.js"))
