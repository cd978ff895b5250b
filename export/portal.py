"""政府网站 conventions the public site must meet (国办发〔2017〕47号 and its 网页设计规范).

Two generated files: the site's identity (主办单位, contact, 网站标识码, 备案号,
portal links; from the snapshot, edited in the admin under 网站标识), which
:mod:`export.mkdocs_hooks` reads into every page's footer and ``<meta>``
tags and then drops from the output, and the 网站地图 page listing every
column of the site.
"""

from __future__ import annotations

import json
from typing import Any

from cms.core.markdown import md_text

from .index_pages import NAV, TOPIC_PAGES, by_issuer, by_year
from .mkdocs_hooks import IDENTITY_FILE, SITE_MAP_PAGE
from .site import Site
from .tree import SitePage, issuer_slug, year_label, year_slug

DEFAULT_IDENTITY = {"site_name": "安全生产和消防工作目标责任"}


def identity_page(snapshot: dict[str, Any]) -> SitePage:
    """The identity as JSON (sorted keys: the same settings give the same bytes)."""
    identity = {**DEFAULT_IDENTITY, **(snapshot.get("identity") or {})}
    return SitePage(IDENTITY_FILE, json.dumps(identity, ensure_ascii=False, sort_keys=True, indent=1) + "\n")


def site_map_page(site: Site) -> SitePage:
    """网站地图: every column and its sub-columns, so a reader (and an inspector) can reach all of them."""
    out = ["---\ntitle: 网站地图\n---\n\n# 网站地图\n\n"]
    for entry in NAV:
        ((label, path),) = entry.items()
        out.append(f"- [{md_text(label)}]({path})\n")
        if path == "years/index.md":
            out += [f"    - [{year_label(y)}](years/{year_slug(y)}.md)\n" for y in by_year(site)]
        elif path == "issuers/index.md":
            out += [f"    - [{md_text(name)}](issuers/{issuer_slug(name)}.md)\n" for name in by_issuer(site)]
        elif path == "topics/index.md":
            out += [f"    - [{label}](topics/{slug}.md)\n" for slug, label, _ in TOPIC_PAGES]
    return SitePage(SITE_MAP_PAGE, "".join(out))
