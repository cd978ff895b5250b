"""Make Wagtail's rich-text converter safe under a threaded server.

Wagtail's ``ContentstateConverter`` keeps one HTML parser per converter, and
there is one converter per rich-text block definition, shared by every
request in the process. Under gunicorn with ``--threads`` (or runserver, also
threaded) two requests that open or save pages with paragraphs at the same
time feed the same parser: the load test got "500 AssertionError:
unexpected call to parse_endtag" opening an edit view, and the same race can
hand one page's text to another request without an error. Conversion takes
milliseconds, so one process-wide lock around it costs nothing measurable.
"""

from __future__ import annotations

import threading
from functools import wraps
from typing import Any

from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter

_LOCK = threading.RLock()
_PATCHED = "_cms_threadsafe"


def patch_contentstate_converter() -> None:
    """Serialise ``from_database_format`` / ``to_database_format`` (idempotent)."""
    for name in ("from_database_format", "to_database_format"):
        original = getattr(ContentstateConverter, name)
        if getattr(original, _PATCHED, False):
            continue

        def locked(self: Any, value: str, _original: Any = original) -> str:
            with _LOCK:
                return _original(self, value)

        wrapped = wraps(original)(locked)
        setattr(wrapped, _PATCHED, True)
        setattr(ContentstateConverter, name, wrapped)
