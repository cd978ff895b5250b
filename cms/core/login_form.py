"""The admin login form with every label in Chinese.

Wagtail's LoginForm declares ``password`` without a label, so Django derives
"Password" from the field name, which no catalogue can translate.
"""

from __future__ import annotations

from django import forms
from wagtail.admin.forms.auth import LoginForm


class ChineseLoginForm(LoginForm):
    password = forms.CharField(
        label="密码",
        widget=forms.PasswordInput(attrs={"placeholder": "请输入密码"}),
        strip=False,
    )
