"""Header fields given beside the file: ``--title --issuer --number --date --year`` or ``NAME.meta.toml``.

Many documents offices hold have no 版头 (a plan, a list, a letter saved on
its own): the issuer, year and title are known to the editor but not written
in the file. What the editor states wins over what the recogniser found, and
the report says which fields came from where.

A sidecar is a TOML file next to the document, named after it
(``001_方案.txt`` → ``001_方案.meta.toml``)::

    title = "百崎回族乡安全生产专项整治三年行动实施方案"
    issuer = "百崎回族乡人民政府"
    number = "泉台百〔2020〕5号"
    date = 2020-06-01
    year = 2020
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import Any

from cms.importer.parsing.header import metadata_date, metadata_doc_number
from cms.importer.parsing.tree import DocumentImportError, ParsedDocument

__all__ = ["DocumentMeta", "apply_meta", "read_sidecar", "sidecar_path"]

FIELD_LABELS = {"title": "标题", "issuer": "发文机关", "number": "发文字号", "date": "成文日期", "year": "年度"}


@dataclass(frozen=True)
class DocumentMeta:
    """Fields an editor states for a document; ``None`` leaves the recogniser's value."""

    title: str | None = None
    issuer: str | None = None
    number: str | None = None
    date: date | None = None
    year: int | None = None

    def merged(self, other: DocumentMeta) -> DocumentMeta:
        """``other``'s stated fields over this one's (the command line over the sidecar)."""
        values = {
            f.name: getattr(other, f.name) if getattr(other, f.name) is not None else getattr(self, f.name)
            for f in fields(self)
        }
        return DocumentMeta(**values)

    def stated(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}


def build_meta(source: str, raw: dict[str, Any]) -> DocumentMeta:
    """Check and normalise raw values (strings from a form or the command line, TOML values)."""
    unknown = sorted(set(raw) - set(FIELD_LABELS))
    if unknown:
        raise DocumentImportError(
            source, f"元数据中有不认识的项：{'、'.join(unknown)}（可用：{'、'.join(FIELD_LABELS)}）。"
        )
    values: dict[str, Any] = {}
    for key in ("title", "issuer"):
        if raw.get(key) not in (None, ""):
            values[key] = str(raw[key]).strip()
    if raw.get("number") not in (None, ""):
        number = metadata_doc_number(str(raw["number"]))
        if not number:
            raise DocumentImportError(source, f"发文字号“{raw['number']}”的格式不对，应如“晋政文〔2022〕201号”。")
        values["number"] = number
    if raw.get("date") not in (None, ""):
        value = raw["date"]
        written = value if isinstance(value, date) else metadata_date(str(value))
        if written is None:
            raise DocumentImportError(source, f"成文日期“{value}”不是有效日期，应如 2022-11-23。")
        values["date"] = written
    if raw.get("year") not in (None, ""):
        try:
            year = int(raw["year"])
        except (TypeError, ValueError):
            year = 0
        if not 1949 <= year <= 2100:
            raise DocumentImportError(source, f"年度“{raw['year']}”不是有效年份。")
        values["year"] = year
    return DocumentMeta(**values)


def sidecar_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.meta.toml")


def read_sidecar(path: Path) -> DocumentMeta:
    """The sidecar beside ``path`` (an empty ``DocumentMeta`` when there is none)."""
    sidecar = sidecar_path(path)
    if not sidecar.is_file():
        return DocumentMeta()
    try:
        raw = tomllib.loads(sidecar.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise DocumentImportError(sidecar.name, f"元数据文件格式不对（应为 TOML）：{error}") from error
    return build_meta(sidecar.name, raw)


def apply_meta(doc: ParsedDocument, meta: DocumentMeta) -> list[str]:
    """Put the stated fields on ``doc``; returns report lines naming what changed."""
    notes = []
    old: object  # the year (int) or a str / date field, as recognised
    current = {"title": doc.title, "issuer": doc.issuer, "number": doc.doc_number, "date": doc.written_date}
    for key, value in meta.stated().items():
        if key == "year":
            old = doc.year
            doc.year = value
        else:
            old = current[key]
            setattr(doc, {"number": "doc_number", "date": "written_date"}.get(key, key), value)
        if old != value:
            shown = old if old not in (None, "") else "未识别"
            notes.append(f"{FIELD_LABELS[key]}按导入时的填写设为“{value}”（原识别为：{shown}）")
    if meta.date is not None and meta.year is None and doc.year is None:
        doc.year = meta.date.year
    if meta.title is not None:
        doc.warnings = [w for w in doc.warnings if "未识别标题" not in w.message and "没有标题" not in w.message]
    if meta.date is not None:
        doc.warnings = [w for w in doc.warnings if "成文日期" not in w.message]
    return notes
