from django.apps import AppConfig


class LettersConfig(AppConfig):
    """Per-unit 目标责任书 generated from a template letter, and their comparison."""

    name = "cms.letters"
    label = "letters"
    verbose_name = "目标责任书生成"
