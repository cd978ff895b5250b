"""Telepath adapter: TaskListBlock is drawn by task-grid.js instead of Wagtail's StructBlock form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.functional import cached_property
from wagtail.admin.telepath import register
from wagtail.blocks.struct_block import StructBlockAdapter

from cms.core.blocks import TaskListBlock

from .form import grid_enabled


class TaskGridAdapter(StructBlockAdapter):
    js_constructor = "cms.core.TaskGridBlockDefinition"

    def js_args(self, block: TaskListBlock) -> list[Any]:
        if not grid_enabled():
            return super().js_args(block)
        meta = {
            "label": block.label,
            "icon": block.meta.icon,
            "blockDefId": block.definition_prefix,
            "isPreviewable": False,
            "description": "",
            "unitSearchUrl": reverse("task_grid:units"),
        }
        return [block.name, block.get_form_state(block.get_default()), meta]

    @cached_property
    def media(self) -> forms.Media:
        return super().media + forms.Media(js=["cms/task-grid.js"], css={"all": ["cms/task-grid.css"]})


def install() -> None:
    if grid_enabled():
        register(TaskGridAdapter(), TaskListBlock)
