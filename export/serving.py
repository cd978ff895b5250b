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
* ``downloads/<stem>/<中文名>.<fmt>``: a hard link to each ledger file
  (and unit calendar, ``.ics``) under the Chinese name it saves as, next to
  the ASCII ``downloads/<stem>.<fmt>`` the ledger step writes (those survive
  any server and zip tool).  The pages link to the named path, so the name
  travels in the URL: nginx puts it into ``Content-Disposition``
  (``filename*=UTF-8''…``, RFC 5987) from the request itself
  (deploy/nginx-public-map.conf), and a browser that ignores the header,
  or the site opened from disk, still saves the file under that name.
  Nothing is read at nginx start, so a unit that first appears in this
  export downloads under its Chinese name without a reload.  (An earlier
  ``nginx-downloads.conf`` map was only read at reload: new units got
  ASCII names until someone reloaded nginx.)

``nginx-csp.conf`` is read by nginx at (re)load and refused to readers by
the config; the script hashes only change with the theme.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import os
import re
import zlib
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote

from .compression import COMPRESSED_SUFFIXES, compressed
from .ledger_worker import CALENDAR_FORMAT, FORMATS

CSP_FILE = "nginx-csp.conf"
DOWNLOADS_DIR = "downloads"
LEDGER_FORMATS = tuple(FORMATS)

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
# Characters Windows, WPS and zip tools refuse in a file name.
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def compress_site(site_dir: Path) -> int:
    """Write ``.gz`` beside each text file worth compressing; returns how many."""
    written = 0
    for path in sorted(site_dir.rglob("*")):
        if path.suffix not in COMPRESSED_SUFFIXES or not path.is_file():
            continue
        if _is_named_download(site_dir, path):
            continue  # a hard link to a ledger file: link_download_names links its .gz
        written += compress_file(path)
    return written


def compress_file(path: Path, data: bytes | None = None, *, trust_existing: bool = False) -> bool:
    """Write ``<path>.gz`` when worth it; True when written.  ``data``: the file's bytes, if already read.

    An existing ``.gz`` is kept when it still matches the file (or, with
    ``trust_existing``, without looking: the caller knows it was linked with
    its file).  MkDocs' own sitemap.xml.gz is always kept.  Never rewritten
    in place: the old inode may belong to the live site.
    """
    target = path.with_name(path.name + ".gz")
    if target.exists():
        if trust_existing or path.name == "sitemap.xml":
            return False
        if data is None:
            data = path.read_bytes()
        try:
            if gzip.decompress(target.read_bytes()) == data:
                return False
        except (OSError, EOFError, zlib.error):
            pass  # not a gzip of anything: replaced like a stale one
        target.unlink()
    packed = compressed(path.read_bytes() if data is None else data)
    if packed is None:
        return False
    target.write_bytes(packed)
    return True


def _is_named_download(site_dir: Path, path: Path) -> bool:
    parts = path.relative_to(site_dir).parts
    return len(parts) == 3 and parts[0] == DOWNLOADS_DIR


def script_hashes(text: str) -> set[str]:
    """``'sha256-…'`` of every inline ``<script>`` of one page."""
    return {
        f"'sha256-{base64.b64encode(hashlib.sha256(body.encode('utf-8')).digest()).decode('ascii')}'"
        for body in _INLINE_SCRIPT.findall(text)
    }


def inline_script_hashes(site_dir: Path) -> list[str]:
    """``'sha256-…'`` of every distinct inline ``<script>`` in the site's pages, sorted."""
    found: set[str] = set()
    for page in site_dir.rglob("*.html"):
        found |= script_hashes(page.read_text(encoding="utf-8"))
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


def write_csp(site_dir: Path, script_hashes: Iterable[str] | None = None) -> str:
    """Write ``nginx-csp.conf``; ``script_hashes``: when already collected, else read from the pages."""
    hashes = inline_script_hashes(site_dir) if script_hashes is None else sorted(set(script_hashes))
    policy = content_security_policy(hashes)
    (site_dir / CSP_FILE).unlink(missing_ok=True)  # may be a hard link into the live site
    (site_dir / CSP_FILE).write_text(
        "# Written by export_site from the built pages; included by deploy/nginx.conf.\n"
        f'add_header Content-Security-Policy "{policy}" always;\n',
        encoding="utf-8",
    )
    return policy


def download_file_name(title: str, fmt: str) -> str:
    """The Chinese name a download saves under: its title, made safe for file systems."""
    stem = " ".join(_UNSAFE_NAME.sub(" ", title).split())[:80] or "任务台账"
    return f"{stem}.{fmt}"


def named_download(stem: str, title: str, fmt: str) -> str:
    """``downloads/<stem>/<中文名>.<fmt>``: the path a page links to, as a file path (not URL-quoted)."""
    return f"{DOWNLOADS_DIR}/{stem}/{download_file_name(title, fmt)}"


def named_download_url(stem: str, title: str, fmt: str) -> str:
    """:func:`named_download` as it goes into an ``href``: every byte of the name percent-encoded.

    nginx copies the encoded name from the request into ``filename*=UTF-8''…``
    (it accepts only ``[A-Za-z0-9%._~-]`` there), so nothing of it may stay raw.
    """
    return f"{DOWNLOADS_DIR}/{stem}/{quote(download_file_name(title, fmt), safe='')}"


def link_download_names(
    site_dir: Path, ledgers: Iterable[tuple[str, str]], calendars: Iterable[tuple[str, str]] = ()
) -> list[str]:
    """Hard-link every ledger file (and ``.gz``) to its named path; returns the site paths linked.

    ``ledgers``: (stem, file label) pairs, each in :data:`LEDGER_FORMATS`;
    ``calendars``: (stem, calendar name) of the ledgers that have a ``.ics``.
    A file the ledger step did not write gets no link (the pre-publish check
    then names the page whose link points nowhere).

    Every export makes all of them, incremental ones too (some 6,000 at
    1,000 notices), so each is one ``link`` call where nothing is in the
    way and each ledger's folder is made once, instead of a ``stat``,
    ``mkdir`` and ``unlink`` before every link.  A name already there is
    replaced (the old inode may be the live site's, so it is unlinked,
    never written to).
    """
    wanted = [(stem, title, fmt) for stem, title in ledgers for fmt in LEDGER_FORMATS]
    wanted += [(stem, title, CALENDAR_FORMAT) for stem, title in calendars]
    downloads = os.path.join(site_dir, DOWNLOADS_DIR)
    folders: set[str] = set()
    made: list[str] = []
    for stem, title, fmt in wanted:
        source = os.path.join(downloads, f"{stem}.{fmt}")
        relative = named_download(stem, title, fmt)
        target = os.path.join(site_dir, relative)
        for suffix in ("", ".gz"):
            original, named = source + suffix, target + suffix
            if stem not in folders:
                if not os.path.isfile(original):
                    continue  # no folder for a ledger without files
                os.makedirs(os.path.dirname(named), exist_ok=True)
                folders.add(stem)
            try:
                os.link(original, named)
            except FileNotFoundError:
                continue  # not written (a .gz is only written when worth it)
            except FileExistsError:
                os.unlink(named)
                os.link(original, named)
            made.append(relative + suffix)
    return made


def prepare_for_serving(
    site_dir: Path, ledgers: Iterable[tuple[str, str]], calendars: Iterable[tuple[str, str]] = ()
) -> None:
    """The CSP, the ``.gz`` files, then the named download links to both, in one go.

    The exporter does the same steps in :mod:`export.finish`, interleaved
    with the pre-publish check and Pagefind and only where needed; this is
    the plain whole-site version.
    """
    write_csp(site_dir)
    compress_site(site_dir)
    link_download_names(site_dir, ledgers, calendars)
