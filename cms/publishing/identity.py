"""政府网站 identity of the public site: who runs it and how to reach them.

The national rules for government websites (国办发〔2017〕47号 and its
网页设计规范) require every page's footer to name the 主办单位, give a way
to contact the office, show the 网站标识码 and the ICP/公安 filing numbers,
and link to the portal's 我为政府网站找错 and 依申请公开 pages.  Editors
keep these in the admin (设置 → 网站标识); the export copies them into the
snapshot as plain data, so the static site never reads the database.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Site

# Field name → what the snapshot calls it (identifiers stay English, labels Chinese).
IDENTITY_FIELDS = (
    "site_name",
    "site_url",
    "sponsor",
    "organiser",
    "contact_phone",
    "contact_email",
    "contact_address",
    "site_code",
    "icp_number",
    "police_number",
    "error_report_url",
    "on_request_url",
)
DEFAULT_SITE_NAME = "安全生产和消防工作目标责任"


@register_setting(icon="site")
class SiteIdentity(BaseSiteSetting):
    site_name = models.CharField("网站名称", max_length=100, default=DEFAULT_SITE_NAME)
    site_url = models.URLField(
        "公开网站地址",
        blank=True,
        help_text="例如 https://www.example.gov.cn/zwgk/aqsc/ ；用于网站地图、robots.txt 和 meta SiteDomain。",
    )
    sponsor = models.CharField(
        "主办单位", max_length=120, blank=True, help_text="例如 某某县人民政府安全生产委员会办公室。"
    )
    organiser = models.CharField("承办单位", max_length=120, blank=True)
    contact_phone = models.CharField("联系电话", max_length=60, blank=True)
    contact_email = models.EmailField("联系邮箱", blank=True)
    contact_address = models.CharField("联系地址", max_length=200, blank=True)
    site_code = models.CharField(
        "网站标识码", max_length=20, blank=True, help_text="全国政府网站基本数据库分配的标识码。"
    )
    icp_number = models.CharField("ICP备案号", max_length=60, blank=True, help_text="例如 闽ICP备12345678号。")
    police_number = models.CharField(
        "公安备案号", max_length=60, blank=True, help_text="例如 闽公网安备 35058202000001号。"
    )
    error_report_url = models.URLField("我为政府网站找错", blank=True, help_text="门户“我为政府网站找错”页面的地址。")
    on_request_url = models.URLField(
        "依申请公开", blank=True, help_text="门户依申请公开（申请政府信息公开）页面的地址。"
    )

    panels = [
        MultiFieldPanel([FieldPanel("site_name"), FieldPanel("site_url"), FieldPanel("site_code")], heading="网站"),
        MultiFieldPanel([FieldPanel("sponsor"), FieldPanel("organiser")], heading="主办与承办"),
        MultiFieldPanel(
            [FieldPanel("contact_phone"), FieldPanel("contact_email"), FieldPanel("contact_address")],
            heading="联系方式",
        ),
        MultiFieldPanel([FieldPanel("icp_number"), FieldPanel("police_number")], heading="备案"),
        MultiFieldPanel([FieldPanel("error_report_url"), FieldPanel("on_request_url")], heading="门户链接"),
    ]

    class Meta:
        verbose_name = "网站标识"
        verbose_name_plural = "网站标识"


def identity_record() -> dict[str, Any]:
    """The default site's identity as plain data (defaults when it was never saved).

    Read without ``for_site``, which creates a missing row: the snapshot runs
    in a read-only transaction.
    """
    site = Site.objects.filter(is_default_site=True).first() or Site.objects.order_by("pk").first()
    identity = SiteIdentity.objects.filter(site=site).first() if site else None
    identity = identity or SiteIdentity()
    record = {name: (getattr(identity, name) or "").strip() for name in IDENTITY_FIELDS}
    record["site_name"] = record["site_name"] or DEFAULT_SITE_NAME
    return record
