"""Data flows content → cms → export → site, and the imports say so.

Walks the import statements (top-level and inside functions) of every module
with ``ast``, so the rules hold for code nobody runs in the tests too:

* no module under ``cms/`` except ``cms/publishing/`` (which owns exports)
  imports ``export``;
* no module under ``export/`` except the snapshot reader imports Django or
  Wagtail models, or any cms module other than the pure helpers below
  (block rendering, Markdown, slugs, ledger tables and deadlines, choice
  lists): those hold no models and need no database.
"""

from __future__ import annotations

import ast
import io
import tokenize
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SNAPSHOT_READER = "export/snapshot.py"
# cms modules export may use: rendering and table helpers without models or queries.
PURE_CMS_HELPERS = frozenset(
    {
        "cms.core.blocks",  # blocks render their own stored JSON to Markdown
        "cms.core.markdown",
        "cms.core.slugs",
        "cms.core.tasks",  # walks the task-list JSON
        "cms.core.indicators",  # walks the indicator-table JSON
        "cms.core.targets",  # walks the target-group JSON
        "cms.ledger.tables",
        "cms.ledger.deadlines",
        "cms.ledger.schedule",  # dates every obligation (pure)
        "cms.ledger.obligations",  # walks targets and indicators (pure)
        "cms.ledger.cadence",  # a setting, no models
        "cms.ledger.ical",  # RFC 5545 writing for the units' calendars (pure)
        "cms.units.choices",
        "cms.documents.choices",
    }
)
MODEL_MODULES = ("django.db.models", "django.apps", "wagtail.models")


def imported_modules(path: Path, package: str | None = None) -> Iterator[tuple[int, str]]:
    """(line, absolute module name) of every import in the file, relative ones resolved against ``package``."""
    if package is None:
        package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            yield node.lineno, module
            # ``from cms.units import models`` imports the models module too.
            for alias in node.names:
                yield node.lineno, f"{module}.{alias.name}"


def modules_under(folder: str) -> list[Path]:
    return sorted(path for path in (ROOT / folder).rglob("*.py") if "migrations" not in path.parts)


def _is(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def test_imported_modules__sees_function_level_relative_and_from_imports(tmp_path):
    # The walker itself must find what the rules look for, or the rules pass vacuously.
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from export import render\n    from ..units import models\n", encoding="utf-8")
    found = {module for _line, module in imported_modules(sample, package="cms.core")}
    assert {"export", "export.render", "cms.units", "cms.units.models"} <= found


@pytest.mark.parametrize("path", modules_under("cms"), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_cms_modules__only_publishing_imports_export(path):
    if path.relative_to(ROOT).parts[:2] == ("cms", "publishing"):
        return
    offending = [(line, module) for line, module in imported_modules(path) if _is(module, "export")]
    assert offending == [], f"{path.relative_to(ROOT)} imports export (only cms/publishing may)"


@pytest.mark.parametrize("path", modules_under("export"), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_export_modules__only_the_snapshot_reader_touches_models(path):
    if path.relative_to(ROOT).as_posix() == SNAPSHOT_READER:
        return
    offending = [
        (line, module)
        for line, module in imported_modules(path)
        if any(_is(module, prefix) for prefix in MODEL_MODULES)
        or module.endswith(".models")
        or (_is(module, "cms") and not any(_is(module, helper) for helper in PURE_CMS_HELPERS) and module != "cms")
    ]
    assert offending == [], f"{path.relative_to(ROOT)} reaches into models/cms beyond the pure helpers"


def function_level_imports_without_reason(path: Path) -> list[tuple[int, str]]:
    """(line, text) of each import inside a function with no comment on its line or the line above.

    One comment may give the reason for a run of imports that follow each
    other in the same body (isort splits them into groups with blank lines),
    so the run is covered when its first import is. Comments are found with
    ``tokenize`` so a ``#`` inside a string does not count as a reason.
    """
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    commented = {
        token.start[0]
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT
    }
    missing = set()  # a set: nested functions are walked once per enclosing function
    for function in ast.walk(ast.parse(source, filename=str(path))):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(function):
            for statements in (getattr(node, name, None) for name in ("body", "orelse", "finalbody")):
                if not isinstance(statements, list):
                    continue
                run_has_reason = False
                for statement in statements:
                    if not isinstance(statement, (ast.Import, ast.ImportFrom)):
                        run_has_reason = False
                        continue
                    line = statement.lineno
                    run_has_reason = run_has_reason or line in commented or line - 1 in commented
                    if not run_has_reason:
                        missing.add((line, lines[line - 1].strip()))
    return sorted(missing)


def test_function_level_imports__finder_sees_nested_and_ignores_hash_in_strings(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\n"
        "def f():\n"
        "    # models import this module at load time\n"
        "    from a import b\n"
        "    from c import d  # heavy\n"
        "    y = 1\n"
        "    x = '#'; import e\n"
        "    def g():\n"
        "        import h\n"
        "        import i\n"
        "    if y:\n"
        "        # POSIX only\n"
        "        import j\n"
        "\n"
        "        import k\n",
        encoding="utf-8",
    )
    assert function_level_imports_without_reason(sample) == [
        (7, "x = '#'; import e"),
        (9, "import h"),
        (10, "import i"),
    ]


@pytest.mark.parametrize(
    "path", [*modules_under("cms"), *modules_under("export")], ids=lambda p: p.relative_to(ROOT).as_posix()
)
def test_function_level_imports__each_has_a_reason(path):
    # Top-level imports everywhere; an import inside a function must say why (a cycle, a heavy dependency).
    relative = path.relative_to(ROOT).as_posix()
    missing = function_level_imports_without_reason(path)
    assert missing == [], f"{relative}: move these imports to the top, or say on/above the line why they cannot"
