"""The public rendering of a page, as the page models ask for it (admin preview, Django serving).

Why a registry: the page models must show an editor exactly what the
exporter produces, but cms must not import the exporter (data flows
cms → export).  Documents own this hook; ``cms.publishing`` (the one door
into ``export``) registers the exporter's implementation when the app
registry is ready.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured


class PreviewRenderer(Protocol):
    def markdown(self, page: Any) -> str:
        """The Markdown the public site shows for ``page`` (a notice, attachment or letter)."""
        ...

    def html(self, markdown: str) -> str:
        """``markdown`` as the public site's HTML (same Markdown extensions)."""
        ...


_renderer: PreviewRenderer | None = None


def register(renderer: PreviewRenderer) -> None:
    global _renderer
    _renderer = renderer


def renderer() -> PreviewRenderer:
    if _renderer is None:
        raise ImproperlyConfigured("没有注册公开页面的渲染器：INSTALLED_APPS 需要包含 cms.publishing。")
    return _renderer
