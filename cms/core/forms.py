from __future__ import annotations

from typing import Any

from wagtail.admin.forms import WagtailAdminPageForm


class DocumentPageForm(WagtailAdminPageForm):
    """Editors may leave the URL empty: an ASCII slug is generated on save."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = "公开网站上的网址，只能使用英文字母、数字和连字符；留空将自动生成。"
