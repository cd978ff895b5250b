"""Import a Word/text file from the admin, then show what was recognised.

The upload always creates (or updates) a DRAFT: the editor reviews the
result and submits it to the workflow; publishing straight from an upload
would skip 审核.  Bad input never reaches the database: the importer parses
before it writes, and its message is shown on the form.
"""

from __future__ import annotations

import logging
from typing import Any, cast

from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.documents.models import AttachmentPage, NoticePage, ResponsibilityLetterPage
from cms.units.merge import merge_url
from cms.units.models import Unit

from .forms import ImportForm, can_import
from .metadata import build_meta
from .models import ImportReport
from .parsing.tree import DocumentImportError
from .service import BLOCK_LABELS, import_documents

logger = logging.getLogger(__name__)


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    """A 403 in the admin's look; Wagtail's own handling would redirect to the dashboard instead."""
    context = {"page_title": "没有权限", "header_title": "没有权限", "header_icon": "lock", "message": message}
    return TemplateResponse(request, "importer/forbidden.html", context, status=403)


class _NotPermitted(Exception):
    """Raised inside the import transaction to roll it back."""


class ImportView(WagtailAdminTemplateMixin, FormView):
    template_name = "importer/import_form.html"
    form_class = ImportForm
    page_title = "导入文件"
    header_icon = "upload"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not can_import(request.user):
            return forbidden(request, "您没有导入文件的权限：需要在某个公文库下新建页面的权限。")
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict[str, str]]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["recent_reports"] = ImportReport.objects.filter(user=cast(Any, self.request.user))[:5]
        return context

    def form_valid(self, form: ImportForm) -> HttpResponse:
        name, data = form.source()
        user = self.request.user
        try:
            stated = build_meta(name, form.stated())
        except DocumentImportError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        try:
            # The outer transaction lets us undo an update of a notice this
            # user may not edit, after the importer has found it.
            with transaction.atomic():
                (outcome,) = import_documents(
                    [(name, data)],
                    publish=False,
                    disclosure=form.cleaned_data.get("disclosure") or None,
                    user=user,
                    parent=form.cleaned_data.get("parent"),
                    metadata={name: stated},
                )
                notice = outcome.stats.notice
                if (
                    not outcome.stats.created
                    and notice is not None
                    and not notice.permissions_for_user(user).can_edit()
                ):
                    raise _NotPermitted
        except DocumentImportError as error:
            form.add_error("file", str(error))
            return self.form_invalid(form)
        except _NotPermitted:
            form.add_error("file", f"{name}：公文库中已有这份公文，您没有修改它的权限，未导入任何内容。")
            return self.form_invalid(form)
        except Exception:  # an editor must see a message, never a traceback
            logger.exception("import of %s failed", name)
            form.add_error("file", f"{name}：导入失败，未写入任何内容。请检查文件后重试，或联系管理员。")
            return self.form_invalid(form)
        assert outcome.report is not None  # import_documents saves a report for every file it imports
        return HttpResponseRedirect(reverse("importer:report", args=[outcome.report.pk]))


def _page_rows(notice: NoticePage) -> list[dict[str, Any]]:
    """The notice and everything imported under it, indented by depth, for edit links."""
    rows = []
    for page in notice.get_descendants(inclusive=True).specific().order_by("path"):
        if isinstance(page, NoticePage):
            kind = "公文"
        elif isinstance(page, AttachmentPage):
            kind = page.label
        elif isinstance(page, ResponsibilityLetterPage):
            kind = "目标责任书"
        else:
            kind = page.specific_class._meta.verbose_name if page.specific_class else "页面"
        rows.append(
            {
                "page": page,
                "kind": kind,
                "indent": page.depth - notice.depth,
                "edit_url": reverse("wagtailadmin_pages:edit", args=[page.pk]),
                "status": "已发布（有未发布的修改）"
                if page.live and page.has_unpublished_changes
                else ("已发布" if page.live else "草稿"),
            }
        )
    return rows


class ImportReportView(WagtailAdminTemplateMixin, TemplateView):
    """The report right after an upload (also reachable later from 导入报告)."""

    template_name = "importer/import_report.html"
    page_title = "导入报告"
    header_icon = "doc-full"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.report = get_object_or_404(ImportReport.objects.select_related("notice"), pk=kwargs["pk"])
        user = request.user
        notice = self.report.notice
        allowed = (
            user.is_superuser
            or (self.report.user_id is not None and self.report.user_id == user.pk)
            or (notice is not None and notice.permissions_for_user(user).can_edit())
        )
        if not allowed:
            return forbidden(request, "您没有查看这份导入报告的权限。")
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self) -> str:
        return self.report.source_name

    def get_breadcrumbs_items(self) -> list[dict[str, str]]:
        return [
            *self.breadcrumbs_items,
            {"url": reverse("importer:upload"), "label": "导入文件"},
            {"url": "", "label": self.report.source_name},
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        report = self.report
        summary = report.summary or {}
        notice = report.notice
        context.update(
            report=report,
            summary=summary,
            block_counts=[(BLOCK_LABELS.get(k, k), v) for k, v in sorted((summary.get("blocks") or {}).items())],
            coverage_percent=f"{report.coverage:.2%}",
            notice=notice,
            page_rows=_page_rows(notice) if notice is not None else [],
            upload_url=reverse("importer:upload"),
            merge_offers=_merge_offers(summary.get("merge_offers") or []),
            groups_created=summary.get("groups_created") or [],
        )
        return context


def _merge_offers(stored: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The report's merge offers for the units that still exist, with links built now.

    A unit merged or deleted since the import drops out, so a link never
    points at a unit that is gone; the URL comes from the merge view as installed.
    """
    pks = {offer["pk"] for offer in stored} | {s["pk"] for offer in stored for s in offer.get("similar", [])}
    units = Unit.objects.in_bulk(pks)
    offers = []
    for offer in stored:
        new = units.get(offer["pk"])
        if new is None:
            continue
        similar = []
        for item in offer.get("similar", []):
            keep = units.get(item["pk"])
            if keep is None:
                continue
            try:
                url = merge_url(keep=keep, absorb=[new])
            except NoReverseMatch:  # the merge view is not installed in this build
                url = ""
            similar.append({"label": item["label"], "merge_url": url})
        offers.append({"label": offer["label"], "similar": similar, "edit_url": _unit_edit_url(new)})
    return offers


def _unit_edit_url(unit: Unit) -> str:
    try:
        return reverse("wagtailsnippets_units_unit:edit", args=[unit.pk])
    except NoReverseMatch:
        return ""
