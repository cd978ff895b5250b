"""Every hook that makes MkDocs faster (export/build.py SPEED_HOOKS) leaves every byte of the site as it was."""

from __future__ import annotations

import pytest

from export.build import INLINE_HOOKS, NAV_CACHE_HOOKS, RAW_HTML_HOOKS, REUSE_MARKDOWN_HOOKS, SPEED_HOOKS
from tests.export.test_inline_hooks import INLINE_PAGE
from tests.export.test_raw_html_hooks import build_with, corpus_docs


@pytest.mark.slow
@pytest.mark.django_db
def test_speed_hooks__site_is_byte_identical_with_each_and_with_all_of_them(tmp_path):
    # The factories' pages (every block kind), the raw-HTML hook's tricky page and a page of every
    # inline syntax; pages the nav lists and pages in many folders at several depths.
    docs, src = corpus_docs(tmp_path)
    (docs / "inline.md").write_text(INLINE_PAGE, encoding="utf-8")
    assert set(SPEED_HOOKS) == {RAW_HTML_HOOKS, REUSE_MARKDOWN_HOOKS, INLINE_HOOKS, NAV_CACHE_HOOKS}

    plain = build_with(docs, tmp_path / "plain", src)
    for hook in SPEED_HOOKS:
        assert build_with(docs, tmp_path / hook.stem, src, (hook,)) == plain, hook.name
    assert build_with(docs, tmp_path / "every", src, SPEED_HOOKS) == plain

    assert {"tricky.html", "inline.html", "index.html", "years/index.html", "units/index.html"} <= plain.keys()
    assert len({name.rsplit("/", 1)[0] for name in plain if "/" in name and name.endswith(".html")}) >= 5
