from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminPageForm

from .concurrency import conflict_message, revisions_saved_since_loaded


class DocumentPageForm(WagtailAdminPageForm):
    """Editors may leave the URL empty: an ASCII slug is generated on save.

    A submit whose form was loaded from an older revision than the latest is
    refused (see :mod:`cms.core.concurrency`), so one editor's save never
    silently replaces another's.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = "公开网站上的网址，只能使用英文字母、数字和连字符；留空将自动生成。"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.is_bound and self.instance.pk is not None:
            newer = revisions_saved_since_loaded(self.instance, self.data, getattr(self, "for_user", None))
            if newer:
                raise ValidationError(conflict_message(newer), code="stale_revision")
        return cleaned
