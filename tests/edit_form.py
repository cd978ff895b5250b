"""The POST data a browser sends when an editor saves a page's edit form unchanged.

Wagtail's StreamField editor is built in the browser by JavaScript, which
posts every block as flat ``body-0-type`` / ``body-0-value-text`` … fields.
Anything that saves pages through the real admin views without a browser
(the tests, the load test) has to post that same shape, built from the page
the editor opened, or it would silently revert the fields it did not mean to
touch. This module builds it from the page object, through the page's own
edit form, so every field, block and formset the editor sees is included.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from django import forms
from wagtail import blocks
from wagtail.blocks.field_block import ChooserBlock

from cms.core.task_grid.form import TaskGridFormMixin, grid_enabled

# A multiple choice (主送单位 …) posts one value per selected option, like the browser.
FormData = dict[str, str | list[str]]


def _field_value(field: forms.Field, value: Any) -> str | None:
    """What an input for ``field`` posts when it shows ``value`` (``None``: nothing is posted)."""
    widget = field.widget
    if isinstance(widget, forms.CheckboxInput):
        return "on" if value else None
    formatted = widget.format_value(field.prepare_value(value))
    if isinstance(formatted, list):  # a single <select> formats its value as a list of the selected options
        formatted = formatted[0] if formatted else ""
    return "" if formatted is None else str(formatted)


def block_form_data(block: blocks.Block, value: Any, prefix: str, data: FormData) -> None:
    """Add the fields the StreamField JavaScript posts for ``value`` of ``block`` under ``prefix``."""
    if isinstance(block, blocks.StreamBlock):
        children = list(value) if value is not None else []
        data[f"{prefix}-count"] = str(len(children))
        for i, child in enumerate(children):
            data[f"{prefix}-{i}-type"] = child.block_type
            data[f"{prefix}-{i}-deleted"] = ""
            data[f"{prefix}-{i}-order"] = str(i)
            data[f"{prefix}-{i}-id"] = child.id or ""
            block_form_data(child.block, child.value, f"{prefix}-{i}-value", data)
    elif isinstance(block, blocks.ListBlock):
        items = list(value.bound_blocks) if isinstance(value, blocks.list_block.ListValue) else []
        if not items and value:
            items = [blocks.list_block.ListValue.ListChild(block.child_block, item) for item in value]
        data[f"{prefix}-count"] = str(len(items))
        for i, item in enumerate(items):
            data[f"{prefix}-{i}-deleted"] = ""
            data[f"{prefix}-{i}-order"] = str(i)
            data[f"{prefix}-{i}-id"] = item.id or ""
            block_form_data(block.child_block, item.value, f"{prefix}-{i}-value", data)
    elif isinstance(block, TaskGridFormMixin) and grid_enabled():
        # The task-list grid posts the whole list as one JSON field (cms/core/task_grid).
        data[prefix] = json.dumps(block.get_form_state(value), ensure_ascii=False)
    elif isinstance(block, blocks.StructBlock):
        for name, child_block in block.child_blocks.items():
            child_value = value.get(name) if value is not None else child_block.get_default()
            block_form_data(child_block, child_value, f"{prefix}-{name}", data)
    elif isinstance(block, ChooserBlock):
        data[prefix] = "" if value is None else str(value.pk)
    elif isinstance(block, blocks.FieldBlock):
        posted = _field_value(block.field, block.value_for_form(value) if value is not None else None)
        if posted is not None:
            data[prefix] = posted
    else:  # pragma: no cover - every block in use is one of the kinds above
        raise TypeError(f"不支持的块类型：{type(block).__name__}")


def _form_data(form: forms.BaseForm, data: FormData) -> None:
    for name, field in form.fields.items():
        bound = form[name]
        if isinstance(field, blocks.BlockField):
            block_form_data(field.block, bound.value(), bound.html_name, data)
            continue
        value = bound.value()
        if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
            data[bound.html_name] = [str(getattr(item, "pk", item)) for item in value or []]
            continue
        posted = _field_value(field, value)
        if posted is not None:
            data[bound.html_name] = posted
    for formset in getattr(form, "formsets", {}).values():
        _form_data(formset.management_form, data)
        for child in formset.forms:
            _form_data(child, data)


def edit_form_data(page: Any, *, for_user: Any = None) -> FormData:
    """The edit form of ``page`` (a specific page object, e.g. a revision's
    ``as_object()``) as the browser posts it when nothing is changed.

    Buttons (``action-submit`` …) and the hidden ``loaded_revision_id`` /
    ``loaded_revision_created_at`` are not form fields: callers add them.
    """
    form_class = page.get_edit_handler().get_form_class()
    form = form_class(instance=page, parent_page=page.get_parent(), for_user=for_user)
    data: FormData = {}
    _form_data(form, data)
    return data


_LOADED_INPUT = re.compile(
    r'<input type="hidden" name="(loaded_revision_id|loaded_revision_created_at)" value="([^"]*)"'
)


def loaded_revision_inputs(edit_view_html: str) -> FormData:
    """The hidden ``loaded_revision_*`` inputs of a rendered Wagtail edit view."""
    return {name: html.unescape(value) for name, value in _LOADED_INPUT.findall(edit_view_html)}


def opened_form_data(edit_view_html: str, *, for_user: Any = None) -> FormData:
    """What the browser posts after rendering ``edit_view_html`` when the editor changes nothing.

    The content comes from the revision the page names as loaded, so it is
    exactly what that editor saw even if someone has saved since.
    """
    from wagtail.models import Revision

    inputs = loaded_revision_inputs(edit_view_html)
    revision = Revision.page_revisions.get(pk=int(inputs["loaded_revision_id"]))
    return {**edit_form_data(revision.as_object(), for_user=for_user), **inputs}
