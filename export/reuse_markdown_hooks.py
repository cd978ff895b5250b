"""MkDocs hooks: one Python-Markdown converter for the whole build, reset between pages.

Why: MkDocs makes a new ``markdown.Markdown`` for every page
(``Page.render`` in mkdocs/structure/pages.py), and making one registers
every extension and builds every block and inline parser again.  Profiled
over the 9,168 pages of 1,000 notices that was 7.5% of ``mkdocs build``,
the export's critical path (issue 17).  Python-Markdown is made to be
reused: ``Markdown.reset()`` clears what one conversion leaves behind (the
HTML stash, references, each extension's own state such as the table of
contents).  MkDocs' four per-page processors (raw-HTML anchors, anchor
links, relative paths, the title) are made anew for each page, as MkDocs
makes them, and registered under their fixed names, which replaces the
previous page's.

So while a build runs, ``Page.render`` is replaced by :func:`_render`:
MkDocs' own steps in MkDocs' order, but the converter comes from
:func:`_converter`.  Only for the MkDocs release whose ``render`` this
mirrors (:data:`MKDOCS_VERSION`, the lock's); with another release the hook
does nothing and MkDocs renders as it always does.  The original is put back
when the build ends.  ``tests/export/test_speed_hooks.py`` builds
whole sites with and without the hook and compares every byte.

Loaded by MkDocs in the ``mkdocs build`` subprocess (``hooks:`` added by
export/build.py): imports nothing from Django or the project.
"""

from __future__ import annotations

import logging
from typing import Any

import markdown
import mkdocs
from mkdocs.structure import pages
from mkdocs.structure.toc import get_toc

# The release whose Page.render _render follows step by step (requirements/lock.txt).
MKDOCS_VERSION = "1.6.1"

_original_render = pages.Page.render
_state: dict[str, Any] = {"config": None, "converter": None}


def _converter(config: Any) -> markdown.Markdown:
    """The build's converter, reset for the next page; made on first use with the config's extensions."""
    converter: markdown.Markdown | None = _state["converter"]
    if converter is None or _state["config"] is not config:
        converter = markdown.Markdown(
            extensions=config["markdown_extensions"],
            extension_configs=config["mdx_configs"] or {},
        )
        _state.update(config=config, converter=converter)
        return converter
    return converter.reset()


def _render(self: Any, config: Any, files: Any) -> None:
    """``Page.render`` of MkDocs 1.6.1 with the build's converter instead of a new one per page."""
    if self.markdown is None:
        raise RuntimeError("`markdown` field hasn't been set (via `read_source`)")
    md = _converter(config)
    raw_html = pages._RawHTMLPreprocessor()
    raw_html._register(md)
    anchors = pages._ExtractAnchorsTreeprocessor(self.file, files, config)
    anchors._register(md)
    relative = pages._RelativePathTreeprocessor(self.file, files, config)
    relative._register(md)
    title = pages._ExtractTitleTreeprocessor()
    title._register(md)

    self.content = md.convert(self.markdown)
    self.toc = get_toc(getattr(md, "toc_tokens", []))
    self._title_from_render = title.title
    self.present_anchor_ids = anchors.present_anchor_ids | raw_html.present_anchor_ids
    if pages.log.getEffectiveLevel() > logging.DEBUG:
        self.links_to_anchors = relative.links_to_anchors


def on_config(config: Any) -> None:
    _state.update(config=None, converter=None)
    if mkdocs.__version__ == MKDOCS_VERSION:
        pages.Page.render = _render  # type: ignore[method-assign]


def _restore() -> None:
    pages.Page.render = _original_render  # type: ignore[method-assign]
    _state.update(config=None, converter=None)


def on_post_build(*, config: Any) -> None:
    _restore()


def on_build_error(*, error: Exception) -> None:
    _restore()
