"""The pages of the documents themselves: each notice, attachment and 目标责任书.

One Markdown page per node of the document tree (:mod:`export.tree`),
rendered by :mod:`export.render` with unit references linked to the units'
public pages.
"""

from __future__ import annotations

from .front_matter import front_matter
from .render import release_date, render_attachment, render_letter, render_notice
from .site import Site
from .tree import DocumentPage, SitePage, href, issuer_name, lastmod


def document_site_pages(site: Site, page: DocumentPage) -> list[SitePage]:
    """The page of ``page`` and of every document below it."""
    ctx = site.context_factory(page.path)
    links = [(child.link_label, href(page.path, child.path)) for child in page.children]
    notice_href = href(page.path, page.notice_path, html=True)
    if page.kind == "notice":
        text = render_notice(page.record, ctx, attachment_links=links)
    elif page.kind == "attachment":
        text = render_attachment(page.record, page.notice, ctx, child_links=links, notice_href=notice_href)
    else:
        unit_html = ctx().unit_link(page.record.get("unit_id"), "")
        text = render_letter(page.record, page.notice, unit_html, ctx, notice_href=notice_href)
    article = {"pubdate": (release_date(page.notice) or "")[:10], "source": issuer_name(page.notice)}
    if page.kind != "notice":
        article["notice_title"] = " ".join((page.notice.get("title") or "").split())
    front = front_matter(title=page.title, lastmod=lastmod(page.record), search="document", article=article)
    out = [SitePage(page.path, front + text)]
    for child in page.children:
        out += document_site_pages(site, child)
    return out
