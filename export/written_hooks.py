"""MkDocs hook that names each page once it is on disk, so the exporter can finish it while MkDocs goes on.

Why: reading every built page, hashing its inline scripts, collecting its
links and writing its ``.gz`` (export/finish.py) took 12–15 s after MkDocs
at 1,000 notices, while a core sat idle during MkDocs (issue 17: a full
export no slower than a bare ``mkdocs build``).  With this hook the
exporter does that work page by page as MkDocs writes them.

MkDocs writes a page right after its ``on_post_page`` hooks, and has no
event after the write; so each ``on_post_page`` (last of the hooks) names
the *previous* page, which is complete by then, and ``on_post_build`` names
the last.  A page whose HTML is blank is not written by MkDocs and is not
named.  Names are site paths (``dest_uri``), one per line, appended to the
file ``EXPORT_WRITTEN_LOG`` names; without that variable the hook does
nothing.

Loaded by MkDocs in the ``mkdocs build`` subprocess (``hooks:`` added by
export/build.py): imports nothing from Django or the project.
"""

from __future__ import annotations

import os
from typing import IO, Any

from mkdocs.plugins import event_priority

WRITTEN_VARIABLE = "EXPORT_WRITTEN_LOG"

_state: dict[str, Any] = {"log": None, "pending": None}


def _name_pending() -> None:
    log: IO[str] | None = _state["log"]
    if log is not None and _state["pending"] is not None:
        log.write(_state["pending"] + "\n")
        log.flush()
    _state["pending"] = None


def on_config(config: Any) -> None:
    path = os.environ.get(WRITTEN_VARIABLE)
    _state.update(log=open(path, "a", encoding="utf-8") if path else None, pending=None)  # noqa: SIM115 - closed after the build


@event_priority(-100)  # after every other hook: the output is what MkDocs writes
def on_post_page(output: str, *, page: Any, config: Any) -> str:
    _name_pending()  # the previous page was written before this one was rendered
    if output.strip():
        _state["pending"] = page.file.dest_uri
    return output


def on_post_build(*, config: Any) -> None:
    _name_pending()
    if _state["log"] is not None:
        _state["log"].close()
        _state["log"] = None
