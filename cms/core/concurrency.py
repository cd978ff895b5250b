"""Two editors saving the same page one after the other: the second one is told.

Wagtail 8 knows which revision an edit form was loaded from (the hidden
``loaded_revision_id`` / ``loaded_revision_created_at`` inputs, and
``overwrite_revision_id`` once autosave has written a revision), but refuses
an out-of-date save only for autosave (JSON) requests; a plain form submit
relies on the browser's editing-sessions dialog. Without JavaScript, with
it disabled, or when two saves cross, the second editor's save would quietly
replace the first editor's draft. The page form therefore runs the same
out-of-date test as Wagtail's ``EditView.is_out_of_date`` on every submit
and refuses a stale one with a message naming who saved in between. The
refused form is shown again with the editor's text and now carries the
latest revision id, so a second click on 保存 is a deliberate overwrite; the
other editor's text stays in the revision history either way.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from wagtail.admin.utils import get_user_display_name
from wagtail.models import Revision


def _page_revisions(page: Any) -> QuerySet[Revision]:
    return Revision.page_revisions.filter(object_id=str(page.pk))


def revisions_saved_since_loaded(page: Any, data: Mapping[str, Any], user: Any = None) -> list[Revision]:
    """Revisions of ``page`` saved by someone other than ``user`` after the edit form in ``data`` was loaded.

    The editor's own revisions never count: Wagtail's autosave writes them in
    the background, and a 保存 clicked while an autosave is answering would
    otherwise be refused as if another person had saved.

    Follows Wagtail's ``is_out_of_date``: an autosave revision id, when
    posted, must still be the latest revision; otherwise the loaded revision
    must be the latest one and unchanged (autosave rewrites a revision in
    place, so its ``created_at`` is compared too). Without any of these
    inputs (an old form, a script) nothing can be told: empty list.
    """
    if page is None or page.pk is None:
        return []
    revisions = _page_revisions(page).select_related("user").order_by("created_at", "pk")
    reference = data.get("overwrite_revision_id") or data.get("loaded_revision_id")
    if not reference or not str(reference).isdigit():
        return []
    reference_id = int(reference)
    newer = Q(pk__gt=reference_id)
    loaded_at = _parse(data.get("loaded_revision_created_at") or "")
    if not data.get("overwrite_revision_id") and loaded_at is not None:
        # The loaded revision itself was rewritten by someone's autosave after it was loaded.
        newer |= Q(pk=reference_id) & ~Q(created_at=loaded_at)
    if user is not None and user.pk is not None:
        revisions = revisions.exclude(user_id=user.pk)
    return list(revisions.filter(newer))


def _parse(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def conflict_message(revisions: list[Revision]) -> str:
    """The Chinese message for a refused save, naming who saved and when."""
    names: list[str] = []
    for revision in revisions:
        name = get_user_display_name(revision.user) if revision.user else "系统"
        if name not in names:
            names.append(name)
    last = timezone.localtime(revisions[-1].created_at).strftime("%Y-%m-%d %H:%M:%S")
    return (
        f"保存未完成：您打开本页后，{'、'.join(names)}已保存了新版本（最近一次在 {last}），"
        "直接保存会覆盖其修改。您填写的内容仍在下方表单中：请在新标签页打开“修订历史”查看最新版本并合并，"
        "或再次点击保存确认覆盖（两个版本都会保留在修订历史中）。"
    )
