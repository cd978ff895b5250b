"""Admin views: generate per-unit letters from a template, and compare a letter with its template."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy

from cms.documents.models import ResponsibilityLetterPage

from .clauses import Clause, body_clauses
from .compare import compare_clauses
from .forms import GenerateLettersForm
from .generate import (
    GenerationResult,
    LetterGenerationError,
    existing_letters,
    generate_letters,
    latest,
    name_replacements,
    replace_names,
)
from .models import LetterOrigin


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    """A 403 in the admin's look; Wagtail's own handling would redirect to the dashboard instead."""
    context = {"page_title": "没有权限", "header_title": "没有权限", "header_icon": "lock", "message": message}
    return TemplateResponse(request, "letters/forbidden.html", context, status=403)


def can_generate(user: Any) -> bool:
    """Anyone who may add pages somewhere; the chosen attachment is checked again on submit."""
    return bool(getattr(user, "is_authenticated", False) and PagePermissionPolicy().user_has_permission(user, "add"))


class GenerateLettersView(WagtailAdminTemplateMixin, FormView):
    template_name = "letters/generate_form.html"
    form_class = GenerateLettersForm
    page_title = "生成目标责任书"
    header_icon = "copy"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not can_generate(request.user):
            return forbidden(request, "您没有生成目标责任书的权限：需要在附件下新建页面的权限。")
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict[str, str]]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def _initial_template(self) -> ResponsibilityLetterPage | None:
        """From ?template=<letter> (letter page) or ?attachment=<page> (its first letter).

        Only a template the user may generate from: the form shows its title
        and the units that already have letters, which a unit's editors must
        not learn about another unit's section.
        """
        template = None
        try:
            if "template" in self.request.GET:
                template = ResponsibilityLetterPage.objects.filter(pk=int(self.request.GET["template"])).first()
            elif "attachment" in self.request.GET:
                template = _first_letter_under(int(self.request.GET["attachment"]))
        except ValueError:
            return None
        if template is None or not template.get_parent().permissions_for_user(self.request.user).can_add_subpage():
            return None
        return template

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        template = self._initial_template()
        if template is not None:
            initial["template"] = template.pk
        return initial

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        template = self._initial_template()
        if template is not None:
            attachment = template.get_parent()
            context["initial_template"] = template
            context["existing_units"] = sorted(
                (letter.unit.name for letter in existing_letters(attachment).values()), key=str
            )
        context["submit_button_label"] = "生成草稿"
        # generic/form.html renders {{ media.js }}: the page chooser needs its script.
        context["media"] = context["form"].media
        return context

    def form_valid(self, form: GenerateLettersForm) -> HttpResponse:
        try:
            result = generate_letters(form.cleaned_data["template"], form.cleaned_data["units"], self.request.user)
        except LetterGenerationError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        return self.render_result(result)

    def render_result(self, result: GenerationResult) -> HttpResponse:
        rows = [
            {
                "unit": item.unit,
                "page": item.page,
                "leftovers": item.leftovers,
                "edit_url": reverse("wagtailadmin_pages:edit", args=[item.page.pk]),
                "compare_url": reverse("letters:compare", args=[item.page.pk]),
            }
            for item in result.created
        ]
        skipped = [
            {"unit": unit, "page": page, "edit_url": reverse("wagtailadmin_pages:edit", args=[page.pk])}
            for unit, page in result.skipped
        ]
        context = self.get_context_data(
            result=result,
            created_rows=rows,
            skipped_rows=skipped,
            attachment_url=reverse("wagtailadmin_explore", args=[result.attachment.pk]),
        )
        return self.response_class(
            request=self.request,
            template="letters/generate_result.html",
            context=context,
            using=self.template_engine,
        )


def _first_letter_under(page_id: int) -> ResponsibilityLetterPage | None:
    parent = Page.objects.filter(pk=page_id).first()
    if parent is None:
        return None
    return ResponsibilityLetterPage.objects.child_of(parent).order_by("path").first()


class CompareLetterView(WagtailAdminTemplateMixin, TemplateView):
    """Only the clauses of a letter that differ from its template.

    The template is the one the letter was generated from, or ``?template=``
    (any letter under the same attachment, e.g. for imported letters).  The
    template's unit name is replaced by this letter's before comparing, so
    the substitution itself is not reported as a difference.
    """

    template_name = "letters/compare.html"
    page_title = "与模板比较"
    header_icon = "doc-full"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.letter = get_object_or_404(ResponsibilityLetterPage, pk=kwargs["pk"])
        if not self.letter.permissions_for_user(request.user).can_edit():
            return forbidden(request, "您没有编辑这份责任书的权限，不能查看比较。")
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self) -> str:
        return self.letter.title

    def get_breadcrumbs_items(self) -> list[dict[str, str]]:
        return [
            *self.breadcrumbs_items,
            {"url": reverse("wagtailadmin_pages:edit", args=[self.letter.pk]), "label": self.letter.title},
            {"url": "", "label": self.page_title},
        ]

    def siblings(self) -> list[ResponsibilityLetterPage]:
        return list(
            ResponsibilityLetterPage.objects.sibling_of(self.letter, inclusive=False)
            .select_related("unit")
            .order_by("path")
        )

    def choose_template(self, siblings: list[ResponsibilityLetterPage]) -> ResponsibilityLetterPage | None:
        requested = self.request.GET.get("template")
        if requested:
            try:
                page = ResponsibilityLetterPage.objects.filter(pk=int(requested)).first()
            except ValueError:
                page = None
            # A template the user may not edit would show another section's (draft) clauses.
            if page is None or page.pk == self.letter.pk or not page.permissions_for_user(self.request.user).can_edit():
                raise Http404("没有这份模板责任书")
            return page
        origin = LetterOrigin.objects.filter(letter=self.letter).select_related("template").first()
        if origin and origin.template:
            return origin.template
        return siblings[0] if siblings else None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        siblings = self.siblings()
        template = self.choose_template(siblings)
        origin = LetterOrigin.objects.filter(letter=self.letter).first()
        context.update(
            letter=self.letter,
            template_page=template,
            siblings=siblings,
            origin=origin,
            edit_url=reverse("wagtailadmin_pages:edit", args=[self.letter.pk]),
        )
        if template is None:
            return context
        current, source = latest(self.letter), latest(template)
        replacements = name_replacements(template.unit, self.letter.unit)
        template_clauses = [
            Clause(c.label, replace_names(c.text, replacements), c.block_type)
            for c in [Clause("标题", source.title, "title"), *body_clauses(source.body.raw_data)]
        ]
        letter_clauses = [Clause("标题", current.title, "title"), *body_clauses(current.body.raw_data)]
        context.update(
            comparison=compare_clauses(template_clauses, letter_clauses),
            template_edit_url=reverse("wagtailadmin_pages:edit", args=[template.pk]),
        )
        return context
