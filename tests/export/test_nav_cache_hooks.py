"""The theme's navigation rendered once per folder changes how fast MkDocs builds the site, never what it writes."""

from __future__ import annotations

from types import SimpleNamespace

from jinja2 import DictLoader, Environment

from export.build import NAV_CACHE_HOOKS
from tests.export.test_raw_html_hooks import load_hooks


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
