"""The word index re-cut into small chunks (export/search_chunks.py), on files shaped like Pagefind's."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from export.search_chunks import (
    SIGNATURE,
    Posting,
    UnknownFormat,
    Word,
    bounds,
    cut,
    encode,
    fields,
    packed,
    packed_words,
    read_file,
    read_words,
    rechunk,
    scan_words,
    short_names,
    word_entry,
)


def _word(text: str, pages: int, per_page: int) -> list[Any]:
    # Pagefind's entry: [word, [[page delta, [weight marker, positions…], []], …]]
    return [text, [[1, [-25, *range(per_page)], []] for _ in range(pages)]]


def _bundle(tmp_path: Path, chunks: list[list[list[Any]]]) -> Path:
    bundle = tmp_path / "pagefind"
    (bundle / "index").mkdir(parents=True)
    listed = []
    for n, chunk in enumerate(chunks):
        name = f"zh-cn_old{n}"
        (bundle / "index" / f"{name}.pf_index").write_bytes(packed([chunk]))
        listed.append([chunk[0][0], chunk[-1][0], name])
    meta = ["1.5.2", [["zh-cn_page0", 12]], listed, [], [], ["title"]]
    (bundle / "pagefind.zh-cn_oldmeta.pf_meta").write_bytes(packed(meta))
    entry = {"version": "1.5.2", "languages": {"zh-cn": {"hash": "zh-cn_oldmeta", "wasm": None, "page_count": 1}}}
    (bundle / "pagefind-entry.json").write_text(json.dumps(entry), encoding="utf-8")
    return bundle


def test_read_file__reads_back_what_was_packed_and_refuses_a_gzip_without_the_signature(tmp_path):
    value = [["消防", [[3, [-25, 0, 300, 70000], []]]], 2**33]
    path = tmp_path / "x.pf_index"
    path.write_bytes(packed(value))
    assert read_file(path) == value
    assert encode(value)[:1] == b"\x82"  # a definite array of two, as Pagefind's encoder writes
    path.write_bytes(gzip.compress(encode(value)))
    with pytest.raises(UnknownFormat):
        read_file(path)


def _scanned(*words: list[Any]) -> list[Word]:
    return scan_words(encode([list(words)]))


def test_scan_words__each_entry_its_text_pagefinds_weight_and_its_own_bytes():
    words = [_word("号", 5, 1), _word("各", 3, 300), [_word("委", 2, 2)[0], [[70000, [-25, 2**33], [1, 2]]], []]]
    scanned = _scanned(*words)
    assert [w.text for w in scanned] == ["号", "各", "委"]
    # one per page plus one per position (the weight marker counts, as in Pagefind's indexer)
    assert [w.weight for w in scanned] == [5 * 3, 3 * 302, 3]
    assert [w.raw for w in scanned] == [encode(word) for word in words]


def test_scan_words__refuses_what_copying_would_not_reproduce():
    good = encode([[_word("a", 1, 2)]])
    assert scan_words(good)
    for bad in (
        good.replace(b"\x83\x01\x83", b"\x83\x18\x01\x83"),  # the page number 1 in a longer head than needed
        good.replace(b"\x38\x18\x00\x01", b"\x38\x18\x18\x00\x01"),  # so a position, 0
        b"\x81\x81\xa1\x61a\x01",  # a CBOR map
        good + b"\x00",  # trailing bytes
        good[:-1],  # truncated
    ):
        with pytest.raises(UnknownFormat):
            scan_words(bad)


def test_packed_words__the_bytes_packed_makes_of_the_decoded_words(tmp_path):
    words = [_word("消防", 4, 30), _word("通道", 1, 300)]
    assert packed_words(_scanned(*words)) == packed([words])
    path = tmp_path / "x.pf_index"
    path.write_bytes(packed([words]))
    assert read_words(path) == _scanned(*words)


def test_cut__a_heavy_word_stands_alone_and_light_words_share():
    words = _scanned(_word("号", 5, 1), _word("各", 400, 9), _word("委", 5, 1), _word("大队", 5, 1))
    chunks = cut(words, target=100)
    assert [[w.text for w in chunk] for chunk in chunks] == [["号"], ["各"], ["委", "大队"]]


def test_bounds__neighbours_are_told_apart_by_their_shortest_prefixes():
    chunks = [
        _scanned(_word("消防", 1, 1)),
        _scanned(_word("消防站", 1, 1), _word("消防车", 1, 1)),
        _scanned(_word("通道", 1, 1)),
    ]
    # As Pagefind cuts them: a boundary is the last word's prefix one character past the shared part.
    assert bounds(chunks) == [["消防", "消防"], ["消防站", "消"], ["通", "通道"]]


def test_rechunk__same_words_in_smaller_chunks_and_the_entry_names_the_new_metadata(tmp_path):
    words = [_word(f"w{n:02d}", 10, 5) for n in range(20)]
    bundle = _bundle(tmp_path, [words[:15], words[15:]])
    assert rechunk(bundle, target=140)  # two words of 70 positions each
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    meta_hash = entry["languages"]["zh-cn"]["hash"]
    assert meta_hash != "zh-cn_oldmeta" and not (bundle / "pagefind.zh-cn_oldmeta.pf_meta").exists()
    meta = read_file(bundle / f"pagefind.{meta_hash}.pf_meta")
    assert meta[0] == "1.5.2" and meta[1] == [["zh-cn_page0", 12]] and meta[5] == ["title"]
    files = sorted(p.name for p in (bundle / "index").iterdir())
    assert len(meta[2]) == 10 and files == sorted(f"{name}.pf_index" for _, _, name in meta[2])
    again = [w for _, _, name in meta[2] for w in read_file(bundle / "index" / f"{name}.pf_index")[0]]
    assert again == words


def test_rechunk__a_format_it_cannot_reproduce_is_left_as_pagefind_wrote_it(tmp_path):
    bundle = _bundle(tmp_path, [[_word("a", 1, 1)]])
    chunk = bundle / "index" / "zh-cn_old0.pf_index"
    chunk.write_bytes(gzip.compress(SIGNATURE + b"\xa1\x61a\x01"))  # a CBOR map: not Pagefind 1.5's shape
    before = {p.name: p.read_bytes() for p in bundle.rglob("*") if p.is_file()}
    assert not rechunk(bundle, target=1)
    assert {p.name: p.read_bytes() for p in bundle.rglob("*") if p.is_file()} == before


def test_short_names__each_the_shortest_prefix_no_other_content_shares():
    contents = [f"fragment {n}".encode() for n in range(300)]
    names = short_names(contents, shortest=1)
    assert len(set(names)) == 300
    longer = [name for name in names if len(name) > 1]
    assert longer, "300 names in one character of base 62 must share some"
    for name in longer:  # one character less and another name starts the same
        assert any(other != name and other.startswith(name[:-1]) for other in names), name
    assert short_names([b"same", b"same", b"other"])[0] == short_names([b"same"])[0]
    assert all(len(name) >= 4 and name.isalnum() for name in short_names(contents))


def test_rechunk__fragments_are_renamed_by_their_content_and_the_metadata_follows(tmp_path):
    bundle = _bundle(tmp_path, [[_word("a", 1, 1)]])
    meta_path = next(bundle.glob("*.pf_meta"))
    meta = read_file(meta_path)
    meta[1] = [[f"zh-cn_{n:07x}", 10 + n] for n in range(3)]
    meta_path.write_bytes(packed(meta))
    (bundle / "fragment").mkdir()
    texts = {f"zh-cn_{n:07x}": packed(f"page {n}") for n in range(3)}
    for name, data in texts.items():
        (bundle / "fragment" / f"{name}.pf_fragment").write_bytes(data)
    assert rechunk(bundle)
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    pages = read_file(bundle / f"pagefind.{entry['languages']['zh-cn']['hash']}.pf_meta")[1]
    assert [count for _, count in pages] == [10, 11, 12]
    assert [name for name, _ in pages] == short_names(list(texts.values()))
    files = {p.name: p.read_bytes() for p in (bundle / "fragment").iterdir()}
    assert files == {f"{name}.pf_fragment": data for (name, _), data in zip(pages, texts.values(), strict=True)}


def test_scan_words__pages_of_gives_page_numbers_and_word_entry_writes_the_entry_back():
    # Page numbers are stored as the step from the previous page: 3, +1, +5 is pages 3, 4, 9.
    stored = ["消防", [[3, [-25, 0, 7], []], [1, [-25, 2], [-2, 0]], [5, [-25, 1, 1, 1], []]], []]
    pages_of: list[list[Posting]] = []
    (word,) = scan_words(encode([[stored]]), pages_of)
    assert [(page.page, page.places) for page in pages_of[0]] == [(3, 3), (4, 2), (9, 4)]
    assert word_entry(word.text, pages_of[0], fields(word)) == word
    moved = [page._replace(page=page.page + 10) for page in pages_of[0]]
    assert scan_words(encode([[["消防", [[13, *stored[1][0][1:]], *stored[1][1:]], []]]]))[0] == word_entry(
        "消防", moved, 3
    )
    with pytest.raises(UnknownFormat):
        word_entry("消防", list(reversed(pages_of[0])), 3)


def test_scan_words__pages_of_refuses_a_word_with_metadata_matches_of_its_own():
    # A word entry's third field lists matches in metadata by key number; a patch never renumbers
    # them, so a word that has any is refused (the bundle is then indexed in full).
    stored = ["消防", [[3, [-25, 0], []]], [1, 2]]
    assert scan_words(encode([[stored]]))  # the re-cut copies it as it is
    with pytest.raises(UnknownFormat):
        scan_words(encode([[stored]]), [])
