"""Site structure a fresh install needs: 首页 → 公文库, wired to the default Site."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from cms.workflow.setup import ensure_workflow

from .models import HomePage, NoticeIndexPage

HOME_TITLE = "安全生产和消防工作目标责任"
INDEX_TITLE = "公文库"


@transaction.atomic
def ensure_site_structure() -> NoticeIndexPage:
    """Create (once) the home page and the notice index; return the index."""
    home = HomePage.objects.first()
    if home is None:
        # A flushed database (transactional tests, `flush`) has lost what
        # Wagtail's migrations created: the default locale and the root page.
        Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
        root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
        home = HomePage(title=HOME_TITLE, slug="portal", intro="本站公开发布安全生产和消防工作目标责任文件及任务台账。")
        root.add_child(instance=home)
        home.save_revision().publish()
        site = Site.objects.filter(is_default_site=True).first()
        old_root = site.root_page if site else None
        if site:
            site.root_page = home
            site.site_name = HOME_TITLE
            site.save()
        else:
            Site.objects.create(
                hostname="localhost", port=80, root_page=home, is_default_site=True, site_name=HOME_TITLE
            )
        # Wagtail's placeholder "Welcome" page is of no use to anyone here.
        if old_root and old_root.specific_class is Page and not old_root.get_children().exists():
            old_root.delete()
    index = NoticeIndexPage.objects.child_of(home).first()
    if index is None:
        index = NoticeIndexPage(title=INDEX_TITLE, slug="notices")
        home.add_child(instance=index)
        index.save_revision().publish()
    ensure_workflow(index)
    return index
