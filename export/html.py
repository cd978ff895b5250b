"""Markdown → HTML with the extensions ``mkdocs.yml`` enables.

The admin preview uses this so an editor sees what the public site shows.
"""

from __future__ import annotations

import markdown

MARKDOWN_EXTENSIONS = ["tables", "attr_list", "md_in_html", "toc"]


def to_html(text: str) -> str:
    return markdown.markdown(text, extensions=MARKDOWN_EXTENSIONS, output_format="html")
