"""Every save path gives every page a valid ASCII slug (issue 12 part 1).

Wagtail 8 runs only ``minimal_clean`` when saving a page that is not live;
before ``DocumentPage._set_core_field_defaults`` made the slug there, the first
draft under a parent was stored with ``slug=''`` and the next one collided.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import Page

from cms.core.slugs import fill_empty_page_slugs
from cms.documents.models import AttachmentPage, NoticePage, ResponsibilityLetterPage
from cms.importer.service import import_documents
from cms.letters.generate import generate_letters
from cms.units.models import Unit, UnitKind
from tests.cms.documents.test_admin_forms import notice_form

SEEDS = Path(__file__).resolve().parents[3] / "content" / "seeds"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def seeds() -> list[tuple[str, bytes]]:
    return [(path.name, path.read_bytes()) for path in sorted(SEEDS.glob("0*.txt"))]


def assert_every_slug_valid() -> None:
    pages = list(Page.objects.filter(depth__gt=1))
    bad = [(page.pk, page.title, page.slug) for page in pages if not SLUG.match(page.slug)]
    assert bad == []
    for page in pages:
        siblings = [p.slug for p in page.get_siblings(inclusive=True)]
        assert len(siblings) == len(set(siblings)), page.title


def test_import_documents__all_seeds_as_drafts_twice_updates_without_duplicates(notice_index):
    first = import_documents(seeds())
    assert len(first) == 5 and all(outcome.stats.created for outcome in first)
    pages = Page.objects.count()
    notices = NoticePage.objects.count()
    assert notices == 5 and not NoticePage.objects.filter(live=True).exists()
    assert_every_slug_valid()
    slugs = dict(Page.objects.values_list("pk", "slug"))

    second = import_documents(seeds())
    assert not any(outcome.stats.created for outcome in second)
    assert Page.objects.count() == pages and NoticePage.objects.count() == notices
    assert dict(Page.objects.values_list("pk", "slug")) == slugs  # a re-import keeps the URLs
    assert_every_slug_valid()


def test_import_documents__dry_run_on_a_fresh_database_succeeds_and_writes_nothing(notice_index):
    before = Page.objects.count()
    (outcome,) = import_documents([seeds()[1]], dry_run=True)
    assert outcome.stats.attachments > 1  # several drafts under one parent: the case that collided
    assert Page.objects.count() == before


def test_import_documents__publish_gives_live_pages_ascii_slugs(notice_index):
    import_documents(seeds()[2:3], publish=True, disclosure="主动公开")
    assert NoticePage.objects.filter(live=True).count() == 1
    assert_every_slug_valid()
    for page in Page.objects.filter(depth__gt=2).specific():
        assert page.url_path.isascii(), page.url_path


def test_admin_upload__all_five_seeds_twice_as_drafts(admin_client, notice_index):
    for _ in range(2):
        for name, data in seeds():
            response = admin_client.post("/admin/import/", {"file": SimpleUploadedFile(name, data), "disclosure": ""})
            assert response.status_code == 302, response.content.decode()[:3000]
    assert NoticePage.objects.count() == 5
    assert not NoticePage.objects.filter(live=True).exists()
    assert_every_slug_valid()


def test_admin_create__a_chinese_title_with_the_url_left_empty_gets_an_ascii_slug(admin_client, notice_index):
    url = reverse("wagtailadmin_pages:add", args=("documents", "noticepage", notice_index.pk))
    for title in ["关于做好安全生产工作的通知", "关于做好消防工作的通知"]:
        response = admin_client.post(url, {**notice_form(title=title), "slug": ""})
        assert response.status_code == 302, response.content.decode()[:3000]
    assert NoticePage.objects.count() == 2
    assert_every_slug_valid()


def test_generate_letters__drafts_for_new_units_get_ascii_slugs(admin_user, notice_index):
    path = next(SEEDS.glob("002_*.txt"))
    (outcome,) = import_documents([(path.name, path.read_bytes())])
    attachment = AttachmentPage.objects.child_of(outcome.stats.notice).get(number=1)
    template = ResponsibilityLetterPage.objects.child_of(attachment).first()
    units = [
        Unit.objects.create(name=name, kind=UnitKind.TOWNSHIP) for name in ["测试甲镇人民政府", "测试乙镇人民政府"]
    ]
    result = generate_letters(template, units, admin_user)
    assert len(result.created) == 2
    assert_every_slug_valid()


def test_fill_empty_page_slugs__repairs_rows_stored_without_a_slug_and_their_urls(notice_index):
    import_documents(seeds()[2:3])
    notice = NoticePage.objects.get()
    child = notice.get_children().first()
    # what the old bug stored (and what a backup taken then restores)
    broken = notice.get_parent().url_path + "/"
    for page in notice.get_descendants():
        Page.objects.filter(pk=page.pk).update(url_path=page.url_path.replace(notice.url_path, broken, 1))
    Page.objects.filter(pk=notice.pk).update(slug="", url_path=broken)
    assert fill_empty_page_slugs() == 1
    notice.refresh_from_db()
    child.refresh_from_db()
    assert SLUG.match(notice.slug)
    assert child.url_path == f"{notice.url_path}{child.slug}/"
    assert fill_empty_page_slugs() == 0
