"""``parse_source``: the parsed document with the text it was read from, each file read once."""

from __future__ import annotations

import pytest

from cms.importer import service
from cms.importer.parsing import docx_reader, items_text, parse_bytes, parse_source
from cms.importer.parsing.text_reader import decode_text
from tests.docx_writer import text_to_docx

TEXT = "关于下达2024年度安全生产目标责任的通知\n\n各乡镇：\n\n一、总体要求\n\n加强隐患排查。\n"


def test_parse_source__text_file_gives_the_decoded_text_and_the_same_document():
    data = ("\ufeff" + TEXT).encode("utf-8")
    parsed = parse_source(data, "通知.txt")
    assert parsed.text == decode_text(data, "通知.txt")
    assert parsed.document == parse_bytes(data, "通知.txt")


def test_parse_source__docx_text_is_the_read_items_text(monkeypatch):
    data = text_to_docx(TEXT)
    calls: list[str] = []
    real = docx_reader.read_docx

    def counting(raw: bytes, source: str):
        calls.append(source)
        return real(raw, source)

    monkeypatch.setattr(docx_reader, "read_docx", counting)
    parsed = parse_source(data, "通知.docx")
    assert calls == ["通知.docx"]
    assert parsed.text == items_text(real(data, "通知.docx"))
    assert "加强隐患排查。" in parsed.text


@pytest.mark.parametrize("name", ["通知.docx", "通知.txt"])
def test_service_parse_source__reads_the_file_once_and_measures_full_coverage(monkeypatch, name):
    data = text_to_docx(TEXT) if name.endswith(".docx") else TEXT.encode()
    calls: list[str] = []
    real_docx, real_decode = docx_reader.read_docx, service.parsing.decode_text

    def count_docx(raw: bytes, source: str):
        calls.append("docx")
        return real_docx(raw, source)

    def count_decode(raw: bytes, source: str) -> str:
        calls.append("text")
        return real_decode(raw, source)

    monkeypatch.setattr(docx_reader, "read_docx", count_docx)
    monkeypatch.setattr(service.parsing, "decode_text", count_decode)
    document, ratio, missing = service.parse_source(data, name)
    assert calls == (["docx"] if name.endswith(".docx") else ["text"])
    assert document.title and ratio == 1.0 and missing == []
