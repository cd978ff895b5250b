"""MkDocs hooks: the theme's navigation rendered once per folder for the pages it does not list.

Why: Material renders its navigation (``partials/nav.html``, a macro call
per item) into every page.  Profiled over the 9,168 pages of 1,000 notices
that was about a tenth of ``mkdocs build``, the export's critical path
(issue 17), and nearly every page rendered the same thing: the site's nav
lists only the home page and the five index pages, so for a notice, an
attachment, a 目标责任书 or a unit page no item is active and no item is
the page itself (the two things the template asks of the page).  What is
left that depends on the page is where its links point from: the ``url``
filter makes every link relative to the page's folder.  So for a page the
nav does not list, the navigation is the same for every page of its folder.

While a build runs, ``partials/nav.html`` is answered by a small template
that keys the theme's own ``partials/nav.html`` (whatever the theme and
the site's overrides resolve it to, reached under :data:`PREFIX`) by the
page's folder, renders it the first time and gives back the same text for
the folder's other pages.  A page the nav lists, or no page, renders the
theme's template as before.  ``tests/export/test_speed_hooks.py``
builds whole sites with and without the hook and compares every byte.

Loaded by MkDocs in the ``mkdocs build`` subprocess (``hooks:`` added by
export/build.py): imports nothing from Django or the project.
"""

from __future__ import annotations

import posixpath
from typing import Any

from jinja2 import BaseLoader, ChoiceLoader, DictLoader, Environment, PrefixLoader

PREFIX = "gk-theme"  # the theme's own templates, as the build would load them
NAV = "partials/nav.html"
_TEMPLATE = (
    "{%- set gk_key = gk_nav_key(page) -%}"
    "{%- if gk_key is not none and gk_nav_has(gk_key) -%}{{ gk_nav_get(gk_key) }}"
    "{%- else -%}"
    '{%- set gk_html -%}{% include "' + PREFIX + "/" + NAV + '" %}{%- endset -%}'
    "{{ gk_nav_put(gk_key, gk_html) }}"
    "{%- endif -%}"
)

_state: dict[str, Any] = {"listed": frozenset(), "texts": {}}


def _key(page: Any) -> str | None:
    """The page's folder, or None for no page or a page the nav lists (its item is active: rendered as is)."""
    if page is None or id(page) in _state["listed"] or not isinstance(getattr(page, "url", None), str):
        return None
    return str(posixpath.dirname(page.url))


def _has(key: str) -> bool:
    return key in _state["texts"]


def _get(key: str) -> Any:
    return _state["texts"][key]


def _put(key: str | None, text: Any) -> Any:
    if key is not None:
        _state["texts"][key] = text
    return text


def on_config(config: Any) -> None:
    _state.update(listed=frozenset(), texts={})


def on_nav(nav: Any, *, config: Any, files: Any) -> None:
    _state["listed"] = frozenset(id(page) for page in nav.pages)


def on_env(env: Environment, *, config: Any, files: Any) -> None:
    original = env.loader
    assert isinstance(original, BaseLoader), "MkDocs' theme environment has a loader"
    env.loader = ChoiceLoader([DictLoader({NAV: _TEMPLATE}), PrefixLoader({PREFIX: original}), original])
    env.globals.update(gk_nav_key=_key, gk_nav_has=_has, gk_nav_get=_get, gk_nav_put=_put)
