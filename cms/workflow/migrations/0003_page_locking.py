"""Give the default groups Wagtail's page locking where they already edit.

New installs get "lock" (and "unlock" for 签发) from
``cms.workflow.setup.PAGE_PERMISSIONS``; on an existing database the groups'
page permissions were set before, so they are added here on every page
where the group may already change pages.
"""

from django.db import migrations

from cms.workflow.setup import PAGE_PERMISSIONS, UNIT_GROUP_PREFIX, UNIT_PAGE_PERMISSIONS


def grant_locking(apps, schema_editor):
    group_page_permission = apps.get_model("wagtailcore", "GroupPagePermission")
    permission_model = apps.get_model("auth", "Permission")
    for grant in group_page_permission.objects.filter(permission__codename="change_page").select_related("group"):
        name = grant.group.name
        actions = PAGE_PERMISSIONS.get(name) or (UNIT_PAGE_PERMISSIONS if name.startswith(UNIT_GROUP_PREFIX) else ())
        for action in ("lock", "unlock"):
            if action not in actions:
                continue
            permission = permission_model.objects.filter(
                content_type__app_label="wagtailcore", codename=f"{action}_page"
            ).first()
            if permission is not None:
                group_page_permission.objects.get_or_create(group=grant.group, page=grant.page, permission=permission)


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0002_default_workflow"),
        ("wagtailcore", "0083_workflowcontenttype"),
    ]

    operations = [migrations.RunPython(grant_locking, migrations.RunPython.noop)]
