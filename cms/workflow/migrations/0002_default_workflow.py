"""Groups 编辑 / 审核 / 签发 and the workflow 公文审批 (审核 → 签发).

Only the parts that do not need the page tree: on a fresh database the
公文库 does not exist yet, so page permissions and the workflow's assignment
to it are made by ``cms.workflow.setup.ensure_workflow()``, which
``ensure_site_structure()`` calls.
"""

from django.db import migrations


def create_default_workflow(apps, schema_editor):
    from cms.workflow.setup import ensure_workflow_base

    ensure_workflow_base(apps)


class Migration(migrations.Migration):

    dependencies = [
        ("workflow", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0083_workflowcontenttype"),
        ("ledger", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_default_workflow, migrations.RunPython.noop)]
