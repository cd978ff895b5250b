"""Chinese names for the groups, workflow and task Wagtail's own migrations create.

Wagtail installs "Moderators", "Editors" and a "Moderators approval" workflow
and task; editors meet these names in the workflow report's filters and the
group lists.  Only the untouched English names are renamed, so a name an
administrator chose is kept.
"""

from django.db import migrations

RENAMES = {
    ("auth", "Group"): {"Moderators": "Wagtail 默认审核组", "Editors": "Wagtail 默认编辑组"},
    ("wagtailcore", "Workflow"): {"Moderators approval": "Wagtail 默认审批"},
    ("wagtailcore", "Task"): {"Moderators approval": "Wagtail 默认审批"},
}


def _rename(apps, backwards: bool) -> None:
    for (app_label, model_name), names in RENAMES.items():
        model = apps.get_model(app_label, model_name)
        for old, new in names.items():
            if backwards:
                old, new = new, old
            if not model.objects.filter(name=new).exists():
                model.objects.filter(name=old).update(name=new)


def forwards(apps, schema_editor):
    _rename(apps, backwards=False)


def backwards(apps, schema_editor):
    _rename(apps, backwards=True)


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0003_page_locking"),
        ("wagtailcore", "0048_add_default_workflows"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
