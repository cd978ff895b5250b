"""What the web server needs beside the built site: precompressed files, CSP hashes, download names.

The public site is static and served by nginx (deploy/nginx.conf), so the
export prepares, inside the new site before the swap:

* ``<file>.gz`` beside every text file (``gzip_static on``): phones on slow
  networks get a third of the bytes without nginx compressing on each
  request.  Written with mtime 0 and no file name, so the same site gives
  the same bytes.
* ``nginx-csp.conf``: the ``Content-Security-Policy`` header with the
  SHA-256 of every inline script of the built pages.  Material's inline
  scripts change between theme versions and by page depth, so the hashes
  are computed from the output, never typed into the config.
* ``nginx-downloads.conf``: ledger file (and unit calendar, ``.ics``) →
  ``Content-Disposition`` with the Chinese file name (RFC 5987
  ``filename*=UTF-8''…``; the files themselves keep ASCII names that survive
  any server and zip tool).

Both ``nginx-*`` files are read by nginx at (re)load and refused to readers
by the config.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote

COMPRESSED_SUFFIXES = {".html", ".css", ".js", ".json", ".xml", ".txt", ".csv", ".svg", ".map", ".ics"}
MIN_COMPRESS_BYTES = 512
CSP_FILE = "nginx-csp.conf"
DOWNLOAD_NAMES_FILE = "nginx-downloads.conf"
LEDGER_FORMATS = ("csv", "xlsx", "json")
CALENDAR_FORMAT = "ics"

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
# Characters Windows, WPS and zip tools refuse in a file name.
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def compress_site(site_dir: Path) -> int:
    """Write ``.gz`` beside each text file worth compressing; returns how many."""
    written = 0
    for path in sorted(site_dir.rglob("*")):
        if path.suffix not in COMPRESSED_SUFFIXES or not path.is_file():
            continue
        target = path.with_name(path.name + ".gz")
        data = path.read_bytes()
        if target.exists():
            # MkDocs' own sitemap.xml.gz is kept as it is; a .gz hard-linked from the
            # previous site by an incremental export is kept only while it still matches.
            if path.name == "sitemap.xml" or gzip.decompress(target.read_bytes()) == data:
                continue
            target.unlink()  # never rewrite in place: the old inode belongs to the live site
        packed = compressed(data)
        if packed is not None:
            target.write_bytes(packed)
            written += 1
    return written


def compressed(data: bytes) -> bytes | None:
    """The ``.gz`` of a file's bytes, or None when it is not worth one (too small, or no smaller).

    One rule for every writer of ``.gz`` files: :func:`compress_site`, and the
    ledger process, which compresses its files on its own core while the
    pages are built (:func:`compress_site` then keeps them after checking).
    """
    if len(data) < MIN_COMPRESS_BYTES:
        return None
    packed = gzip.compress(data, compresslevel=9, mtime=0)
    return packed if len(packed) < len(data) else None


def inline_script_hashes(site_dir: Path) -> list[str]:
    """``'sha256-…'`` of every distinct inline ``<script>`` in the site's pages, sorted."""
    found = set()
    for page in site_dir.rglob("*.html"):
        for body in _INLINE_SCRIPT.findall(page.read_text(encoding="utf-8")):
            digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii")
            found.add(f"'sha256-{digest}'")
    return sorted(found)


def content_security_policy(script_hashes: Iterable[str]) -> str:
    """The public site's policy: only its own files, the listed inline scripts, no framing by others.

    ``'wasm-unsafe-eval'`` lets the search (Pagefind, loaded from this site)
    compile its WebAssembly; it allows no JavaScript ``eval``.
    """
    scripts = " ".join(["'self'", "'wasm-unsafe-eval'", *script_hashes])
    return (
        "default-src 'self'; "
        f"script-src {scripts}; "
        # Material sets inline style attributes (search result heights, the header shadow).
        "style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; "
        "font-src 'self'; "
        "connect-src 'self'; "
        "worker-src 'self'; "
        "object-src 'none'; "
        "base-uri 'self'; "
        "form-action 'self'; "
        "frame-ancestors 'self'"
    )


def write_csp(site_dir: Path) -> str:
    policy = content_security_policy(inline_script_hashes(site_dir))
    (site_dir / CSP_FILE).unlink(missing_ok=True)  # may be a hard link into the live site
    (site_dir / CSP_FILE).write_text(
        "# Written by export_site from the built pages; included by deploy/nginx.conf.\n"
        f'add_header Content-Security-Policy "{policy}" always;\n',
        encoding="utf-8",
    )
    return policy


def download_file_name(title: str, fmt: str) -> str:
    """The Chinese name a ledger saves under: its title, made safe for file systems."""
    stem = " ".join(_UNSAFE_NAME.sub(" ", title).split())[:80] or "任务台账"
    return f"{stem}.{fmt}"


def content_disposition(title: str, fmt: str, fallback: str = "ledger") -> str:
    """``attachment`` with an ASCII fallback and the UTF-8 name (RFC 6266 / RFC 5987)."""
    name = download_file_name(title, fmt)
    return f"attachment; filename=\"{fallback}.{fmt}\"; filename*=UTF-8''{quote(name, safe='')}"


def _map_entry(file_name: str, disposition: str) -> str:
    value = disposition.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{file_name}" "{value}";'


def write_download_names(
    site_dir: Path, ledgers: Iterable[tuple[str, str]], calendars: Iterable[tuple[str, str]] = ()
) -> None:
    """nginx ``map`` entries: ``<stem>.<fmt>`` → its Content-Disposition, for (stem, title) pairs.

    ``calendars``: (stem, calendar name) of the ledgers that have a ``.ics``
    (a unit's 任务日历), saved as ``东石镇任务日历.ics``.
    """
    lines = ["# Written by export_site: ledger file -> Content-Disposition (see deploy/nginx.conf)."]
    names = dict(calendars)
    for stem, title in sorted(ledgers):
        for fmt in LEDGER_FORMATS:
            lines.append(_map_entry(f"{stem}.{fmt}", content_disposition(title, fmt)))
        if stem in names:
            disposition = content_disposition(names[stem], CALENDAR_FORMAT, fallback="calendar")
            lines.append(_map_entry(f"{stem}.{CALENDAR_FORMAT}", disposition))
    (site_dir / DOWNLOAD_NAMES_FILE).unlink(missing_ok=True)  # may be a hard link into the live site
    (site_dir / DOWNLOAD_NAMES_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")


def prepare_for_serving(
    site_dir: Path, ledgers: Iterable[tuple[str, str]], calendars: Iterable[tuple[str, str]] = ()
) -> None:
    """All of the above, in the new site before it is swapped in."""
    write_csp(site_dir)
    write_download_names(site_dir, ledgers, calendars)
    compress_site(site_dir)
