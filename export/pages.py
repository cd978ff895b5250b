"""All pages of the public site, put together from one :class:`export.site.Site`.

The renderers each own one kind of page (documents, indexes, units, the
portal files); this module only calls them in turn and adds each page's
ledger download links, so no renderer needs to know about another.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .document_pages import document_site_pages
from .downloads import calendar_link, download_links, downloads_page, ledgers
from .index_pages import home_page, issuer_pages, topic_pages, year_pages
from .portal import identity_page, site_map_page
from .site import Site
from .tree import SitePage, walk
from .unit_pages import unit_pages

if TYPE_CHECKING:
    from .render_cache import RenderCache


def build_pages(
    snapshot: dict[str, Any],
    home_text: str = "",
    site: Site | None = None,
    ledger_items: list[Any] | None = None,
    cache: RenderCache | None = None,
) -> list[SitePage]:
    """All pages of the site, sorted by path (``site``: the snapshot already worked out).

    ``cache``: each notice's document pages from the previous export where
    their inputs are the same (export/render_cache.py); the listing pages
    (units, years, issuers, topics, home, downloads) are always rendered.
    """
    site = site or Site.from_snapshot(snapshot)
    pages: list[SitePage] = []
    for notice in site.notices:
        entry = cache.entry(notice) if cache is not None else None
        if entry is None:
            pages += document_site_pages(site, notice)
            continue
        if entry.pages is None:
            entry.pages = document_site_pages(site, notice)
        pages += entry.pages
    pages += unit_pages(site, cache)
    pages += year_pages(site)
    pages += issuer_pages(site)
    pages += topic_pages(site)
    pages.append(home_page(site, home_text))
    # The site identity file and 网站地图 (政府网站 conventions, see export/portal.py).
    pages += [identity_page(site.snapshot), site_map_page(site)]
    pages = _with_download_links(site, pages, ledger_items)
    return sorted(pages, key=lambda p: p.path)


def _with_download_links(site: Site, pages: list[SitePage], items: list[Any] | None) -> list[SitePage]:
    """Link each notice, attachment and unit page to its ledger; add the downloads page."""
    items = ledgers(site) if items is None else items
    stems = {ledger.name for ledger in items}
    labels = {ledger.name: ledger.file_label for ledger in items}
    calendars = {ledger.name: ledger.calendar for ledger in items if ledger.calendar}
    targets: dict[str, str] = {}
    for notice in site.notices:
        stem = "notice-" + notice.path.removeprefix("notices/").removesuffix(".md")
        if stem in stems:
            for page in walk([notice]):
                targets[page.path] = stem
    for path in site.unit_paths.values():
        stem = "unit-" + path.removeprefix("units/").removesuffix(".md")
        if stem in stems:
            targets[path] = stem

    def links(path: str, stem: str) -> str:
        # A unit's calendar sits right under its ledger downloads (a notice's page has none).
        calendar = calendar_link(path, stem, calendars[stem]) if stem in calendars else ""
        return download_links(path, stem, labels[stem]) + calendar

    out = [SitePage(p.path, p.text + "\n" + links(p.path, targets[p.path])) if p.path in targets else p for p in pages]
    out.append(SitePage("downloads.md", downloads_page(items)))
    return out
