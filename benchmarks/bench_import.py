"""Time the import of each seed and of all five, on a throwaway SQLite database.

Run from the project root:  .venv/bin/python benchmarks/bench_import.py

Prints, per seed, the parse time (pure Python, the baseline) and the whole
import (parse + write pages, units, revisions, publish), and the ratio, then
the same for all five at once and for a re-import (update) of all five.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
workdir = tempfile.mkdtemp(prefix="bench-import-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/template.sqlite3"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from wagtail.models import Page  # noqa: E402

from cms.documents.setup import ensure_site_structure  # noqa: E402
from cms.importer.parsing import parse_bytes  # noqa: E402
from cms.importer.service import import_documents  # noqa: E402

SEEDS = [(p.name, p.read_bytes()) for p in sorted((ROOT / "content" / "seeds").glob("00*.txt"))]


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


TEMPLATE = Path(workdir) / "template.sqlite3"


def reset() -> None:
    """A fresh copy of the migrated database for each measurement (SQLite only)."""
    connection = connections["default"]
    connection.close()
    run = Path(workdir) / "run.sqlite3"
    shutil.copyfile(TEMPLATE, run)
    connection.settings_dict["NAME"] = str(run)


def main() -> None:
    connections["default"].settings_dict["NAME"] = str(TEMPLATE)
    call_command("migrate", verbosity=0)
    ensure_site_structure()
    print(f"{'file':<28}{'parse s':>9}{'import s':>10}{'ratio':>8}{'pages':>7}")
    for name, data in SEEDS:
        reset()
        parse = timed(lambda data=data, name=name: parse_bytes(data, name))
        total = timed(lambda source=(name, data): import_documents([source], publish=True, disclosure="主动公开"))
        print(f"{name:<28}{parse:>9.3f}{total:>10.2f}{total / parse:>8.0f}{Page.objects.count() - 3:>7}")
    reset()
    parse = sum(timed(lambda d=d, n=n: parse_bytes(d, n)) for n, d in SEEDS)
    total = timed(lambda: import_documents(SEEDS, publish=True, disclosure="主动公开"))
    print(f"{'all five (new)':<28}{parse:>9.3f}{total:>10.2f}{total / parse:>8.0f}{Page.objects.count() - 3:>7}")
    again = timed(lambda: import_documents(SEEDS, publish=True, disclosure="主动公开"))
    print(f"{'all five (re-import)':<28}{parse:>9.3f}{again:>10.2f}{again / parse:>8.0f}{Page.objects.count() - 3:>7}")


if __name__ == "__main__":
    main()
