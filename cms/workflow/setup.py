"""The default editorial workflow (起草 → 审核 → 签发) and unit sections.

Everything here is *initial* configuration: it is created once, when missing,
and afterwards belongs to the administrator, who changes groups, steps and
reviewers in Wagtail's standard admin (设置 → 工作流 / 用户组). Nothing else in
the project refers to these names, so renaming or re-wiring them in the admin
is safe; the only cost is that a missing object is created again the next time
the site structure is ensured.

Drafting is not a workflow task: in Wagtail a workflow starts when the
editor submits a draft, so 起草 is the editor's draft + submit, and the
workflow 公文审批 has two group-approval tasks, 审核 then 签发.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps as global_apps
from django.db import transaction

EDITORS = "编辑"
REVIEWERS = "审核"
SIGNERS = "签发"
WORKFLOW_NAME = "公文审批"
UNIT_GROUP_PREFIX = "编辑-"

# Page permissions each default group gets on the 公文库 subtree. Review
# needs "change" so a reviewer can open the editor and fix a typo; approving
# itself happens through the workflow task, never through "publish".
# "lock" lets whoever is reworking a document lock it (Wagtail then refuses
# everyone else's save) instead of two people editing at once; 签发 may also
# "unlock" a page someone left locked.
PAGE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    EDITORS: ("add", "change", "lock"),
    REVIEWERS: ("change", "lock"),
    SIGNERS: ("change", "publish", "lock", "unlock"),
}
UNIT_PAGE_PERMISSIONS: tuple[str, ...] = ("add", "change", "lock")

# (model, action) pairs on the ledger app. Editors report progress; reviewers
# and signers only read the ledger.
LEDGER_PERMISSIONS: dict[str, tuple[tuple[str, str], ...]] = {
    EDITORS: (("task", "view"), ("taskprogress", "add"), ("taskprogress", "view")),
    REVIEWERS: (("task", "view"), ("taskprogress", "view")),
    SIGNERS: (("task", "view"), ("taskprogress", "view")),
}
UNIT_LEDGER_PERMISSIONS: tuple[tuple[str, str], ...] = LEDGER_PERMISSIONS[EDITORS]

# The approval steps, in order: (task name, approving group).
WORKFLOW_STEPS: tuple[tuple[str, str], ...] = ((REVIEWERS, REVIEWERS), (SIGNERS, SIGNERS))

_VERBOSE = {"task": "任务", "taskprogress": "任务进展"}


def _permission(apps: Any, app_label: str, model: str, codename: str, name: str) -> Any:
    """Get or create a Permission row.

    On a fresh database Django creates model permissions only after all
    migrations (post_migrate), so the data migration has to create the rows it
    needs itself; Django later sees them and does not duplicate them.
    """
    content_type_model = apps.get_model("contenttypes", "ContentType")
    permission_model = apps.get_model("auth", "Permission")
    content_type, _ = content_type_model.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = permission_model.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return permission


def _admin_access(apps: Any) -> Any:
    return _permission(apps, "wagtailadmin", "admin", "access_admin", "Can access Wagtail admin")


def _ledger_permissions(apps: Any, pairs: tuple[tuple[str, str], ...]) -> list[Any]:
    return [
        _permission(apps, "ledger", model, f"{action}_{model}", f"Can {action} {_VERBOSE[model]}")
        for model, action in pairs
    ]


def _group_with_permissions(apps: Any, name: str, ledger: tuple[tuple[str, str], ...]) -> Any:
    """The named group; model permissions are set only when it is created,
    so an administrator's later changes survive re-running setup."""
    group_model = apps.get_model("auth", "Group")
    group, created = group_model.objects.get_or_create(name=name)
    if created:
        group.permissions.add(_admin_access(apps), *_ledger_permissions(apps, ledger))
    return group


def ensure_workflow_base(apps: Any = global_apps, *, create_workflow: bool = True) -> Any | None:
    """Create the tree-independent parts: groups, approval tasks, the workflow.

    Works with the historical ``apps`` of a migration as well as with the real
    registry, so the data migration and :func:`ensure_workflow` share it.
    Returns the workflow named 公文审批 (``None`` if it is absent and
    ``create_workflow`` is false).
    """
    groups = {name: _group_with_permissions(apps, name, LEDGER_PERMISSIONS[name]) for name in PAGE_PERMISSIONS}

    workflow_model = apps.get_model("wagtailcore", "Workflow")
    workflow = workflow_model.objects.filter(name=WORKFLOW_NAME).order_by("pk").first()
    if workflow is not None or not create_workflow:
        return workflow

    content_type_model = apps.get_model("contenttypes", "ContentType")
    task_model = apps.get_model("wagtailcore", "GroupApprovalTask")
    workflow_task_model = apps.get_model("wagtailcore", "WorkflowTask")
    task_content_type, _ = content_type_model.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    workflow = workflow_model.objects.create(name=WORKFLOW_NAME, active=True)
    for order, (task_name, group_name) in enumerate(WORKFLOW_STEPS):
        task = task_model.objects.create(name=task_name, active=True, content_type=task_content_type)
        task.groups.add(groups[group_name])
        workflow_task_model.objects.create(workflow=workflow, task=task, sort_order=order)
    return workflow


def _grant_page_permissions(group: Any, page: Any, actions: tuple[str, ...]) -> None:
    # Migrations import this module for its names: it imports no models at load time.
    from django.contrib.auth.models import Permission
    from wagtail.models import GroupPagePermission

    for action in actions:
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=f"{action}_page")
        GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)


def _main_index() -> Any | None:
    # Migrations import this module for its names: it imports no models at load time.
    from cms.documents.models import HomePage, NoticeIndexPage

    home = HomePage.objects.first()
    if home is None:
        return None
    return NoticeIndexPage.objects.child_of(home).order_by("path").first()


@transaction.atomic
def ensure_workflow(index: Any | None = None) -> Any | None:
    """Idempotently set up the default approval on the 公文库 ``index``.

    Called by the data migration's counterpart in
    :func:`cms.documents.setup.ensure_site_structure` once the page tree
    exists. A group that already has page permissions, and a 公文库 that
    already has a workflow, are left as the administrator configured them.
    Returns the workflow in force on the index (``None`` without a 公文库).
    """
    # Migrations import this module for its names: it imports no models at load time.
    from django.contrib.auth.models import Group
    from wagtail.models import GroupPagePermission, WorkflowPage

    index = index or _main_index()
    assigned = WorkflowPage.objects.filter(page=index).select_related("workflow").first() if index else None
    workflow = ensure_workflow_base(create_workflow=assigned is None)
    if index is None:
        return workflow

    for name, actions in PAGE_PERMISSIONS.items():
        group = Group.objects.get(name=name)
        if not GroupPagePermission.objects.filter(group=group).exists():
            _grant_page_permissions(group, index, actions)

    if assigned is not None:
        return assigned.workflow
    WorkflowPage.objects.create(page=index, workflow=workflow)
    return workflow


def _reviewer_groups(workflow: Any) -> list[Any]:
    """Groups approving any task of ``workflow``, read from the workflow
    itself so that steps re-configured in the admin are honoured."""
    # Migrations import this module for its names: it imports no models at load time.
    from django.contrib.auth.models import Group

    if workflow is None:
        return []
    return list(
        Group.objects.filter(
            groupapprovaltask__workflow_tasks__workflow=workflow, groupapprovaltask__active=True
        ).distinct()
    )


def _free_slug(parent: Any, base: str) -> str:
    slug, n = base, 1
    siblings = parent.get_children()
    while siblings.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def create_unit_section(unit: Any) -> tuple[Any, Any]:
    """Give ``unit`` its own 公文库 section and an editors' group limited to it.

    The section (``<单位>公文``) sits under the home page beside the main
    公文库; the group ``编辑-<单位>`` may add and change pages only there and
    report progress only on the unit's tasks. The section follows the same
    workflow as the main 公文库, and that workflow's approving groups get on
    the section the page permissions they hold on the main 公文库, because
    finishing a workflow publishes as the last approver. Idempotent.
    """
    # Migrations import this module for its names: it imports no models at load time.
    from wagtail.models import GroupPagePermission, WorkflowPage

    from cms.documents.models import HomePage, NoticeIndexPage
    from cms.documents.setup import ensure_site_structure

    from .models import UnitEditorScope

    group_name = f"{UNIT_GROUP_PREFIX}{unit.name}"
    existing = UnitEditorScope.objects.filter(unit=unit, group__name=group_name).select_related("group").first()
    if existing is not None and existing.section is not None:
        return existing.group, existing.section.specific

    main_index = ensure_site_structure()
    workflow = main_index.get_workflow()
    home = HomePage.objects.get()

    section = NoticeIndexPage(title=f"{unit.name}公文", slug=_free_slug(home, f"notices-{unit.slug}"))
    home.add_child(instance=section)
    section.save_revision().publish()

    group = _group_with_permissions(global_apps, group_name, UNIT_LEDGER_PERMISSIONS)
    _grant_page_permissions(group, section, UNIT_PAGE_PERMISSIONS)
    for reviewer in _reviewer_groups(workflow):
        for grant in GroupPagePermission.objects.filter(group=reviewer, page=main_index):
            GroupPagePermission.objects.get_or_create(group=reviewer, page=section, permission=grant.permission)
    if workflow is not None:
        WorkflowPage.objects.update_or_create(page=section, defaults={"workflow": workflow})

    UnitEditorScope.objects.update_or_create(group=group, defaults={"unit": unit, "section": section})
    return group, section
