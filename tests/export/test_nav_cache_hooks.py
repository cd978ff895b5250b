"""The theme's navigation rendered once per folder changes how fast MkDocs builds the site, never what it writes."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from jinja2 import DictLoader, Environment

from export.build import NAV_CACHE_HOOKS, SPEED_HOOKS
from tests.export.test_raw_html_hooks import build_with, corpus_docs, load_hooks


@pytest.mark.django_db
def test_nav_cache_hooks__site_is_byte_identical_with_and_without_them(tmp_path):
    docs, src = corpus_docs(tmp_path)

    plain = build_with(docs, tmp_path / "plain", src)
    cached = build_with(docs, tmp_path / "cached", src, (NAV_CACHE_HOOKS,))
    every = build_with(docs, tmp_path / "every", src, SPEED_HOOKS)

    assert NAV_CACHE_HOOKS in SPEED_HOOKS
    assert plain == cached == every
    # Pages the nav lists (the home and index pages) and pages in many folders, at several depths.
    assert {"index.html", "years/index.html", "units/index.html", "downloads.html"} <= plain.keys()
    assert len({name.rsplit("/", 1)[0] for name in plain if "/" in name and name.endswith(".html")}) >= 5


def _page(url: str) -> SimpleNamespace:
    return SimpleNamespace(url=url)


def test_nav_template__rendered_once_per_folder_and_never_for_a_listed_page():
    hooks = load_hooks(NAV_CACHE_HOOKS)
    renders: list[str] = []

    def seen(url: str) -> str:
        renders.append(url)
        return ""

    # A stand-in for the theme: its nav says where the page's links start from, and counts its renders.
    env = Environment(
        autoescape=True,
        loader=DictLoader(
            {
                "partials/nav.html": "{{ seen(page.url) }}nav from {{ page.url.rsplit('/', 1)[0] }}",
                "main.html": "<body>{% include 'partials/nav.html' %}</body>",
            }
        ),
    )
    env.globals["seen"] = seen
    listed = _page("years/index.html")
    hooks.on_config(SimpleNamespace())
    hooks.on_nav(SimpleNamespace(pages=[listed]), config=None, files=None)
    hooks.on_env(env, config=None, files=None)
    main = env.get_template("main.html")

    first = main.render(page=_page("notices/a.html"))
    second = main.render(page=_page("notices/b.html"))
    other = main.render(page=_page("notices/a/fujian-1.html"))
    main.render(page=listed)
    main.render(page=listed)

    assert first == second == "<body>nav from notices</body>"
    assert other == "<body>nav from notices/a</body>"
    assert renders == ["notices/a.html", "notices/a/fujian-1.html", "years/index.html", "years/index.html"]

    hooks.on_config(SimpleNamespace())  # the next build starts with nothing kept
    main.render(page=_page("notices/c.html"))
    assert renders[-1] == "notices/c.html"
