"""The site worked out once from a snapshot: the tree, its units and their assignments.

Pure data over the plain-data snapshot of :mod:`export.snapshot`: no ORM,
no files, no clock.  Everything the public can reach is decided from the
snapshot alone, so nothing that is not public can leak into a page, and the
same snapshot always gives the same pages (DESIGN.md: output is
deterministic).  The page renderers (export/document_pages.py,
export/index_pages.py, export/unit_pages.py, export/portal.py) and the
ledger downloads (export/downloads.py) all read one :class:`Site`;
export/pages.py puts their pages together.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cms.core.markdown import MarkdownContext, escape_html

from .assignments import Assignment, collect_assignments
from .tree import DocumentPage, Groups, document_pages, href, stored_unit_id


@dataclass
class Site:
    """Everything needed to render pages, worked out once from a snapshot."""

    snapshot: dict[str, Any]
    notices: list[DocumentPage]
    units: dict[int, dict[str, Any]]  # only units with a public page, in registry order
    unit_paths: dict[int, str]
    assignments: dict[int, list[Assignment]]
    groups: Groups = field(default_factory=Groups)

    @classmethod
    def from_snapshot(
        cls, snapshot: dict[str, Any], made: Callable[[DocumentPage, Groups], list[Assignment]] | None = None
    ) -> Site:
        """``made``: each notice's assignments, when the caller keeps them (export/render_cache.py)."""
        notices = document_pages(snapshot)
        registry = {u["id"]: u for u in snapshot.get("units", [])}
        groups = Groups.from_snapshot(snapshot)
        assignments = collect_assignments(notices, set(registry), groups, made)
        units = {uid: u for uid, u in registry.items() if uid in assignments}
        unit_paths = {uid: f"units/{u.get('slug') or uid}.md" for uid, u in units.items()}
        return cls(snapshot, notices, units, unit_paths, assignments, groups)

    def context_factory(self, from_path: str) -> Callable[[], MarkdownContext]:
        """Block renderers link units to their public page, relative to ``from_path``."""
        names = {uid: u["name"] for uid, u in self.units.items()}

        def unit_link(unit_id: int | None, name: str) -> str:
            uid = stored_unit_id(unit_id)
            label = escape_html(name or (names.get(uid, "") if uid is not None else ""))
            if uid in self.unit_paths:
                target = escape_html(href(from_path, self.unit_paths[uid], html=True))
                return f'<a class="unit-link" href="{target}">{label}</a>'
            return label

        return lambda: MarkdownContext(unit_link=unit_link, unit_names=dict(names))
