"""The admin upload form for importing one Word or text file.

The form only checks what the importer cannot (size before reading, which
公文库 this user may add to); everything about the file's content is left to
the importer, so the editor sees the same message as on the command line.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile

from cms.documents.models import NoticeIndexPage
from cms.importer.loader import DISCLOSURE_WORDS
from cms.importer.parsing import MAX_MEGABYTES, too_large
from cms.importer.parsing.header import metadata_doc_number
from cms.importer.service import MAX_BYTES

META_FIELDS = ("title", "issuer", "number", "date", "year")

# Values are what ``import_documents(disclosure=…)`` accepts; "" keeps what the text says.
DISCLOSURE_CHOICES = [("", "以原文为准"), *((word, word) for word in DISCLOSURE_WORDS)]


def addable_notice_indexes(user: Any) -> list[NoticeIndexPage]:
    """公文库 pages under which ``user`` may create a notice, in tree order."""
    indexes = list(NoticeIndexPage.objects.order_by("path"))
    if getattr(user, "is_superuser", False):
        return indexes
    return [index for index in indexes if index.permissions_for_user(user).can_add_subpage()]


def can_import(user: Any) -> bool:
    """Superusers always (the importer creates the 公文库 on a fresh site); others need one."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or addable_notice_indexes(user))


class ImportForm(forms.Form):
    file = forms.FileField(
        label="文件",
        # Empty files reach the importer, whose message names the file.
        allow_empty_file=True,
        help_text=f"Word（.docx）或纯文本（.txt），不超过 {MAX_MEGABYTES} MB。导入结果为草稿，核对后再提交审核。",
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.txt"}),
    )
    parent = forms.ModelChoiceField(
        label="公文库",
        queryset=NoticeIndexPage.objects.none(),
        required=False,
        empty_label="默认公文库",
        help_text="公文放在哪个公文库中；同一公文库中已有同一文号的公文时，导入为它的新版本。",
    )
    disclosure = forms.ChoiceField(
        label="公开属性",
        choices=DISCLOSURE_CHOICES,
        required=False,
        initial="",
        widget=forms.RadioSelect,
        help_text="“以原文为准”时按文中“此件主动公开”等文字确定；原文未写明的按“依申请公开”保存。",
    )

    # For files without a 版头 (as ``import_document --title …``): filled fields win over the text.
    title = forms.CharField(label="标题", required=False, max_length=255, help_text="原文没有标题或识别有误时填写。")
    issuer = forms.CharField(label="发文机关", required=False, max_length=120)
    number = forms.CharField(label="发文字号", required=False, max_length=60, help_text="例如 晋政文〔2022〕201号。")
    date = forms.DateField(label="成文日期", required=False, help_text="例如 2022-11-23。")
    year = forms.IntegerField(label="年度", required=False, min_value=1949, max_value=2100)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        indexes = addable_notice_indexes(user)
        field = cast(forms.ModelChoiceField, self.fields["parent"])
        field.queryset = NoticeIndexPage.objects.filter(pk__in=[index.pk for index in indexes]).order_by("path")
        # The default 公文库 is the first one; a non-superuser who cannot add
        # there must pick one explicitly instead of failing after the upload.
        default = NoticeIndexPage.objects.order_by("path").first()
        if not user.is_superuser and (default is None or default not in indexes):
            field.required = True
            field.empty_label = None
        elif len(indexes) <= 1:
            field.widget = forms.HiddenInput()

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_BYTES:
            raise forms.ValidationError(f"{upload.name}：{too_large(upload.size)}")
        return upload

    def clean_number(self) -> str:
        number: str = self.cleaned_data.get("number") or ""
        if number and not metadata_doc_number(number):
            raise forms.ValidationError(f"发文字号“{number}”的格式不对，应如“晋政文〔2022〕201号”。")
        return number

    def stated(self) -> dict[str, Any]:
        """The header fields the editor filled in, as ``build_meta`` takes them."""
        return {key: self.cleaned_data.get(key) for key in META_FIELDS if self.cleaned_data.get(key) not in (None, "")}

    def source(self) -> tuple[str, bytes]:
        """(file name, bytes) as ``import_documents`` takes them."""
        upload: UploadedFile = self.cleaned_data["file"]
        upload.seek(0)
        return upload.name or "upload.txt", upload.read()
