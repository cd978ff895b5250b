"""One Markdown converter per build changes how fast MkDocs builds the site, never what it writes."""

from __future__ import annotations

from types import SimpleNamespace

from mkdocs.structure import pages

from export.build import REUSE_MARKDOWN_HOOKS
from tests.export.test_raw_html_hooks import load_hooks


def test_converter__one_instance_per_config_reset_between_pages():
    hooks = load_hooks(REUSE_MARKDOWN_HOOKS)
    config = {"markdown_extensions": ["toc", "tables"], "mdx_configs": {}}
    first = hooks._converter(config)
    first.convert("# 一\n\n[a]: http://example.org\n")
    assert first.references

    again = hooks._converter(config)

    assert again is first and not again.references and again.toc_tokens == []
    assert hooks._converter({**config}) is not first  # another build's config: a converter of its own


def test_on_config__patches_render_for_its_release_only_and_the_build_end_restores_it(monkeypatch):
    hooks = load_hooks(REUSE_MARKDOWN_HOOKS)
    original = pages.Page.render
    try:
        hooks.on_config(SimpleNamespace())
        assert pages.Page.render is hooks._render
        hooks.on_post_build(config=SimpleNamespace())
        assert pages.Page.render is original

        monkeypatch.setattr(hooks, "MKDOCS_VERSION", "0.0")
        hooks.on_config(SimpleNamespace())
        assert pages.Page.render is original
    finally:
        pages.Page.render = original  # type: ignore[method-assign]
