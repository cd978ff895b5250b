"""The body builder's collector: tokens and unplaced lines land in the lists it was given."""

from __future__ import annotations

from cms.importer.parsing.recognise.body import BodyNotes
from cms.importer.parsing.tree import ParsedDocument, SourceParagraph


def test_body_notes__report_into_the_documents_own_lists():
    doc = ParsedDocument(source="x.txt", title="")
    notes = BodyNotes(doc.stripped_tokens, doc.unrecognised)
    notes.token(" 一、 ")
    notes.token("  ")
    block = notes.unplaced(SourceParagraph("短行", 4))
    assert doc.stripped_tokens == ["一、"]
    assert doc.unrecognised == [(4, "短行")]
    assert (block.type, block.value, block.line) == ("paragraph", {"level": 0, "text": "短行"}, 4)


def test_body_notes__placed_drops_only_that_line_and_keeps_the_same_list():
    doc = ParsedDocument(source="x.txt", title="")
    notes = BodyNotes(doc.stripped_tokens, doc.unrecognised)
    for line in (2, 3, 2):
        notes.unplaced(SourceParagraph(f"第{line}行", line))
    notes.placed(2)
    assert doc.unrecognised == [(3, "第3行")]
    assert notes.unrecognised is doc.unrecognised
