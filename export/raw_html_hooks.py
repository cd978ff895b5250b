"""MkDocs hooks that keep the generated pages' big HTML blocks away from Python-Markdown's HTML parser.

Why: the exporter writes most of a page as raw HTML (task tables, unit
summaries, 信息公开 tables, download lines).  Python-Markdown copies a raw
HTML block to the output unchanged, but first walks it twice with the
pure-Python ``html.parser``: once to find where the block ends (the
``md_in_html`` preprocessor) and once in MkDocs to collect its anchor ids.
That was more than half of ``mkdocs build``'s time for the site.

So before a page is converted, the *inside* of each top-level HTML block
(``<table …>INSIDE</table>`` at the start of a line, after a blank line) is
swapped for a short token, and put back into the converted page before any
other ``on_page_content`` hook sees it.  The output is the same bytes: the
block starts where it did, and it ends where it did because the inside is
balanced in its own tag (checked here); Markdown never touches the inside of
a raw block.  Insides that ``html.parser`` would read differently from a
plain tag scan (comments, ``<script>``, ``<style>``, ``markdown=`` for
``md_in_html``) are left in place.  Should a token not come back exactly
as ``<tag …>TOKEN</tag>``, the page is converted again from its original
Markdown, so an unforeseen case is slower, never different.  The anchor ids
of the swapped insides are given back to MkDocs, so its anchor checks see
the same page.

Loaded by MkDocs in the ``mkdocs build`` subprocess (``hooks:`` added by
export/mkdocs_run.py): imports nothing from Django or the project.
``tests/export/test_speed_hooks.py`` compares whole sites built with
and without it.
"""

from __future__ import annotations

import re
from typing import Any

from mkdocs.plugins import event_priority

# Python-Markdown's block-level tags the exporter starts a block with.
BLOCK_TAGS = ("table", "div", "p", "ul", "ol", "dl", "section", "details", "figure", "blockquote", "nav", "aside")
# Below this an inside costs html.parser less than the swap is worth.
MIN_INSIDE = 64
TOKEN_PREFIX = "GKRAWHTML"  # noqa: S105 - a marker in page text, not a secret
# What html.parser reads otherwise than a plain tag scan, or md_in_html would convert.
_UNSAFE = re.compile(r"<!|<\?|<(?:script|style|textarea|title|plaintext|xmp)\b|\smarkdown\s*=", re.I)
_START = re.compile(rf"(?:\A|(?<=\n\n))<({'|'.join(BLOCK_TAGS)})(?=[\s>])[^<>]*>", re.I)
_ID = re.compile(r"""\s(id|name)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""", re.I)
_TAG = re.compile(r"<[a-zA-Z][^>]*>")
# The page attribute a page's set-aside blocks wait in (export/partial_hooks.py drops it for pages not built).
STASH_ATTRIBUTE = "_gk_raw_html"
# Set by export/partial_hooks.py on a page it reads but does not render (its title and date only).
NOT_RENDERED_ATTRIBUTE = "_gk_not_rendered"


def _tag_scanner(tag: str) -> re.Pattern[str]:
    return re.compile(rf"<(/?){tag}(?=[\s/>])[^>]*>", re.I)


_SCANNERS = {tag: _tag_scanner(tag) for tag in BLOCK_TAGS}


def _block_end(text: str, tag: str, start: int) -> int:
    """Where the inside of the block opened just before ``start`` ends (its ``</tag>``), or -1."""
    depth = 1
    for match in _SCANNERS[tag.lower()].finditer(text, start):
        if match.group(1):
            depth -= 1
            if depth == 0:
                return match.start()
        elif not match.group().endswith("/>"):
            depth += 1
    return -1


def stash_blocks(markdown: str) -> tuple[str, list[tuple[str, str, str]]]:
    """(Markdown with insides swapped for tokens, [(token, opening tag, inside)])."""
    if TOKEN_PREFIX in markdown:
        return markdown, []
    parts: list[str] = []
    stashed: list[tuple[str, str, str]] = []
    position = 0
    skipped = 0
    for start in _START.finditer(markdown):
        if start.start() < max(position, skipped):
            continue  # inside a block already looked at
        end = _block_end(markdown, start.group(1), start.end())
        if end < 0:
            break  # unbalanced from here on: leave the rest to Markdown
        inside = markdown[start.end() : end]
        if _UNSAFE.search(start.group()) or _UNSAFE.search(inside):
            # Where this block ends, or whether md_in_html converts what follows, is not ours to
            # guess: the rest of the page goes to Markdown as it is.
            break
        if len(inside) < MIN_INSIDE or "<" not in inside:
            skipped = end
            continue
        token = f"{TOKEN_PREFIX}{len(stashed)}Z"
        parts += [markdown[position : start.end()], token]
        stashed.append((token, start.group(), inside))
        position = end
    if not stashed:
        return markdown, []
    parts.append(markdown[position:])
    return "".join(parts), stashed


def restore_blocks(content: str, stashed: list[tuple[str, str, str]]) -> str | None:
    """The converted page with every inside back, or None when a token did not come out as it went in."""
    pieces = []
    position = 0
    for token, opening, inside in stashed:
        found = content.find(f"{opening}{token}</", position)
        if found < 0:
            return None
        at = found + len(opening)
        pieces += [content[position:at], inside]
        position = at + len(token)
    pieces.append(content[position:])
    restored = "".join(pieces)
    # A token Markdown copied elsewhere too (never seen) would survive the swap back.
    return None if TOKEN_PREFIX in restored else restored


def anchor_ids(inside: str) -> set[str]:
    """The ids (and ``<a name>``) MkDocs' own raw-HTML scan would have found in ``inside``."""
    # Imported here: while MkDocs loads a hook, the hook's folder (export/, which has an html.py)
    # comes first on sys.path.
    from html import unescape

    found = set()
    for tag in _TAG.finditer(inside):
        text = tag.group()
        lowered = text.lower()
        if "id" not in lowered and "name" not in lowered:
            continue
        is_a = text[1:2] in "aA" and text[2:3].isspace()
        for key, *values in _ID.findall(text):
            if key.lower() == "id" or is_a:
                found.add(unescape("".join(values)))
    return found


@event_priority(-100)  # after every other hook has seen the Markdown
def on_page_markdown(markdown: str, *, page: Any, config: Any, files: Any) -> str:
    if getattr(page, NOT_RENDERED_ATTRIBUTE, False):
        return markdown  # a partial build reads this page only for its title and date: nothing to set aside
    swapped, stashed = stash_blocks(markdown)
    if stashed:
        setattr(page, STASH_ATTRIBUTE, (markdown, stashed))
    return swapped


@event_priority(100)  # before every other hook sees the HTML
def on_page_content(content: str, *, page: Any, config: Any, files: Any) -> str:
    saved = vars(page).pop(STASH_ATTRIBUTE, None)
    if saved is None:
        return content
    original, stashed = saved
    restored = restore_blocks(content, stashed)
    if restored is None:
        page.markdown = original
        page.render(config, files)
        return str(page.content)
    page.markdown = original
    ids = page.present_anchor_ids
    if ids is not None:
        for _, _, inside in stashed:
            ids |= anchor_ids(inside)
    return restored
