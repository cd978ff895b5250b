"""Running MkDocs for the export: the derived config, the subprocess, and sharded builds.

The root ``mkdocs.yml`` is the single place the site is configured; this
module re-points its directories for a build in a temporary directory, runs
``mkdocs build --strict`` in a child process (a crash in MkDocs or a plugin
cannot take the caller down), and splits a large site's pages between
processes (``export/partial_hooks.py`` is the MkDocs side of that split).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from .children import die_with_parent
from .index_pages import NAV
from .outdir import ExportError, no_space_message
from .partial_hooks import PLAN_VARIABLE

if TYPE_CHECKING:
    from .finish import PageStream

PROJECT_DIR = Path(__file__).resolve().parent.parent
ROOT_CONFIG = PROJECT_DIR / "mkdocs.yml"
DEFAULT_SOURCE_DIR = PROJECT_DIR / "site_src"

MkdocsRunner = Callable[[Path, Path, dict[str, str]], "subprocess.CompletedProcess[str]"]

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def hand_written(src_dir: Path, relative: str | Path) -> Path:
    """A hand-written part: from ``src_dir`` if it has one, else the project's ``site_src``."""
    candidate = src_dir / relative
    return candidate if candidate.exists() else DEFAULT_SOURCE_DIR / relative


def _source_path(value: str, root_dir: Path, src_dir: Path) -> str:
    """A path from the root mkdocs.yml made absolute, re-homed into ``src_dir`` when it lives in site_src/."""
    absolute = (root_dir / value).resolve()
    try:
        relative = absolute.relative_to(DEFAULT_SOURCE_DIR.resolve())
    except ValueError:
        return str(absolute)
    return str(hand_written(src_dir, relative).resolve())


def build_config(
    *,
    docs_dir: Path,
    site_dir: Path,
    src_dir: Path,
    base_url: str | None = None,
    root_config: Path = ROOT_CONFIG,
) -> dict[str, Any]:
    """The root mkdocs.yml with absolute paths, the small nav and the optional site URL.

    The root file is the single place the site is configured; the build only
    re-points its directories (MkDocs resolves relative paths against the
    config file's folder, and the generated config lives in a temp dir).
    """
    from mkdocs.utils.yaml import yaml_load  # heavy: loads MkDocs' plugins, wanted only when a site is built

    root_dir = root_config.parent.resolve()
    with open(root_config, "rb") as handle:
        config = yaml_load(handle)
    config["docs_dir"] = str(docs_dir.resolve())
    config["site_dir"] = str(site_dir.resolve())
    theme = config.get("theme")
    if isinstance(theme, dict) and theme.get("custom_dir"):
        theme["custom_dir"] = _source_path(theme["custom_dir"], root_dir, src_dir)
    if config.get("hooks"):
        config["hooks"] = [str((root_dir / hook).resolve()) for hook in config["hooks"]]
    config["nav"] = NAV
    # Documents are left out of the nav on purpose; MkDocs would list every one of them.
    validation = config.setdefault("validation", {})
    if isinstance(validation, dict) and isinstance(validation.setdefault("nav", {}), dict):
        validation["nav"].setdefault("omitted_files", "ignore")
    if base_url:
        config["site_url"] = base_url if base_url.endswith("/") else base_url + "/"
    return config


def write_config(config: dict[str, Any], path: Path) -> None:
    try:
        text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
    except yaml.YAMLError as error:
        raise ExportError(f"mkdocs.yml 中有无法转写的配置项：{error}") from error
    path.write_text(text, encoding="utf-8")


def run_mkdocs(config_path: Path, site_dir: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` in a subprocess: a crash in MkDocs or a plugin cannot take the caller down."""
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config_path), "-d", str(site_dir)]
    return subprocess.run(  # noqa: S603 - fixed argv, no shell
        command,
        capture_output=True,
        text=True,
        env=env,
        cwd=config_path.parent,
        check=False,
        preexec_fn=die_with_parent(os.getpid()),
    )


def mkdocs_env(epoch: int) -> dict[str, str]:
    env = dict(os.environ)
    env["SOURCE_DATE_EPOCH"] = str(epoch)
    env["NO_MKDOCS_2_WARNING"] = "1"
    env["PYTHONHASHSEED"] = "0"
    return env


def failure_excerpt(output: str, limit: int = 15) -> str:
    lines = [_ANSI.sub("", line).rstrip() for line in output.splitlines() if line.strip()]
    problems = [line for line in lines if line.lstrip().startswith(("WARNING", "ERROR", "Error", "Aborted"))]
    return "\n".join((problems or lines)[-limit:])


def shard_pages(weights: dict[str, int], shards: int) -> list[list[str]]:
    """Split pages into ``shards`` sets of about equal Markdown size (largest first, to the lightest set).

    Size, not count: a unit page can be a thousand times a notice's.  Ties are
    broken by path, so the split never varies.
    """
    sets: list[list[str]] = [[] for _ in range(shards)]
    loads = [0] * shards
    for path, weight in sorted(weights.items(), key=lambda kv: (-kv[1], kv[0])):
        lightest = min(range(shards), key=lambda n: (loads[n], n))
        sets[lightest].append(path)
        loads[lightest] += weight + 1
    return sets


# Below this many pages a second mkdocs process costs more to start (theme, Markdown) than it saves.
SHARD_MIN_PAGES = 400


def default_shards(pages: int) -> int:
    """One mkdocs process per core left over, at most two; one for small sites.

    The ledger process and Pagefind run beside MkDocs and keep a core busy,
    so on a 2-core machine a second shard only competes with them: measured
    at 100 notices (948 pages, load ~3), MkDocs took 4.0–4.3 s in one process
    and 5.5–5.7 s in two, for the same total export time.  More processes
    than cores only add memory.
    """
    spare = (os.cpu_count() or 1) - 1
    return 1 if pages < SHARD_MIN_PAGES else max(1, min(2, spare))


def run_partial(
    runner: MkdocsRunner,
    config_path: Path,
    site_dir: Path,
    env: dict[str, str],
    pages: Iterable[str],
    work: Path,
    static: bool = True,
    stream: PageStream | None = None,
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """One ``mkdocs build`` that renders only ``pages`` (see export/partial_hooks.py); (result, report path).

    ``stream``: finishes the pages as this build writes them (export/finish.py).
    """
    name = site_dir.name
    report = work / f"{name}.report.json"
    plan = work / f"{name}.plan.json"
    content = {"build": sorted(pages), "report": str(report), "static": static}
    plan.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    written = stream.watch(site_dir, work) if stream is not None else {}
    return runner(config_path, site_dir, {**env, PLAN_VARIABLE: str(plan), **written}), report


def check_mkdocs(result: subprocess.CompletedProcess[str], out_dir: Path) -> None:
    if result.returncode != 0:
        output = (result.stdout or "") + "\n" + (result.stderr or "")
        if "[Errno 28]" in output or "No space left on device" in output:
            raise ExportError(no_space_message(out_dir.parent, f"原有网站 {out_dir} "))
        excerpt = failure_excerpt(output)
        raise ExportError(
            f"网站构建失败（mkdocs 退出码 {result.returncode}），原有网站 {out_dir} 保持不变。\n{excerpt}"
        )


def read_report(path: Path, out_dir: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        message = f"网站构建结果不完整（缺少分批构建的记录 {path.name}），原有网站 {out_dir} 保持不变。"
        raise ExportError(message) from error


def build_shards(
    run: MkdocsRunner,
    config_path: Path,
    site_dir: Path,
    env: dict[str, str],
    shards: list[list[str]],
    work: Path,
    out_dir: Path,
    stream: PageStream | None = None,
) -> None:
    """Build each page set in its own ``mkdocs build`` at the same time; merge them into ``site_dir``.

    Every shard sees every file (same nav, same link checks, same sitemap and
    theme files); shard 0's tree is the base, the others contribute the pages
    they built (with the ``.gz`` ``stream`` wrote beside them).
    """
    dirs = [site_dir] + [work / f"site-{n}" for n in range(1, len(shards))]
    with ThreadPoolExecutor(max_workers=len(shards)) as pool:
        futures = [
            pool.submit(run_partial, run, config_path, shard_dir, env, pages, work, shard_dir == site_dir, stream)
            for shard_dir, pages in zip(dirs, shards, strict=True)
        ]
        outcomes = [future.result() for future in futures]
    if stream is not None:  # done with the shards' trees before their pages move
        stream.close()
    for result, _ in outcomes:
        check_mkdocs(result, out_dir)
    reports = [read_report(report_path, out_dir) for _, report_path in outcomes]
    dests = {page["src"]: page for page in reports[0]["pages"]}
    for shard_dir, report in zip(dirs[1:], reports[1:], strict=True):
        for src in report["built"]:
            page = dests[src]
            target = site_dir / page["dest"]
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(shard_dir / page["dest"], target)
            with contextlib.suppress(FileNotFoundError):
                os.replace(shard_dir / f"{page['dest']}.gz", target.with_name(f"{target.name}.gz"))
    for shard_dir in dirs[1:]:
        shutil.rmtree(shard_dir, ignore_errors=True)
