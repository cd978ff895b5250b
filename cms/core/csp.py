"""Wagtail admin widgets started without inline scripts, for the Content-Security-Policy.

Wagtail 8's chooser widgets (page, snippet, image, document) append
``<script>new XChooser(id, options);</script>`` to their HTML from Python,
and its date widgets and InlinePanel do the same in templates.  The policy
allows scripts from our own origin only, so those calls are moved into
``<template data-cms-init>`` markers that cms/core/static/cms/admin-csp-init.js
(loaded on every admin page) turns into the same calls.  The browser test
tests/browser/test_csp.py fails if a Wagtail upgrade brings a new inline script.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from wagtail.admin.widgets.chooser import BaseChooser
from wagtail.admin.widgets.workflows import AdminTaskChooser


def render_chooser(
    self: BaseChooser, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
) -> SafeString:
    """BaseChooser.render with the initialiser call as a marker instead of an inline script."""
    if not attrs or "id" not in attrs:
        raise TypeError("BaseChooser cannot be rendered without an 'id' attribute")
    id_ = attrs["id"]
    value_data = self.get_value_data(value)
    widget_html = self.render_html(name, value_data, attrs)
    if isinstance(self, AdminTaskChooser):
        # Its initialiser is a function: createTaskChooser(id).
        initialiser, options = "createTaskChooser", {}
    elif type(self).render_js_init is not BaseChooser.render_js_init:
        # Some other chooser with an initialiser we do not know: Wagtail's own
        # rendering, which the browser test would report as a violation.
        return BaseChooser.__dict__["_cms_original_render"](self, name, value, attrs, renderer)
    else:
        initialiser, options = self.js_constructor, self.get_js_init_options(id_, name, value_data)
    marker = format_html(
        '<template data-cms-init="{}" data-field="{}" data-config="{}"></template>',
        initialiser,
        id_,
        json.dumps(options),
    )
    return mark_safe(f"{widget_html}{marker}")  # noqa: S308 - widget_html is Wagtail's own escaped output


def install() -> None:
    """Replace BaseChooser.render once (called from CoreConfig.ready)."""
    if "_cms_original_render" not in BaseChooser.__dict__:
        BaseChooser._cms_original_render = BaseChooser.render
        BaseChooser.render = render_chooser
