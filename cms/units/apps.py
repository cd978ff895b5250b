from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "cms.units"
    label = "units"
    verbose_name = "责任单位"
