from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "cms.workflow"
    label = "workflow"
    verbose_name = "审批与权限"
