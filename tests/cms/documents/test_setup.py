import pytest
from wagtail.models import Locale, Page, Site

from cms.documents.models import HomePage, NoticeIndexPage
from cms.documents.setup import ensure_site_structure


@pytest.mark.django_db
def test_ensure_site_structure__is_idempotent_and_wires_the_default_site():
    index = ensure_site_structure()
    again = ensure_site_structure()
    assert index.pk == again.pk
    assert HomePage.objects.count() == 1 and NoticeIndexPage.objects.count() == 1
    assert Site.objects.get(is_default_site=True).root_page.specific == index.get_parent().specific


@pytest.mark.django_db
def test_ensure_site_structure__rebuilds_after_a_flushed_database():
    Site.objects.all().delete()
    Page.objects.all().delete()
    Locale.objects.all().delete()
    index = ensure_site_structure()
    assert index.get_parent().get_parent().is_root()
    assert Site.objects.filter(is_default_site=True).exists()
