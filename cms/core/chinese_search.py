"""Chinese words in the search index and in queries: overlapping character pairs.

PostgreSQL's and SQLite's full-text parsers split text at spaces and
punctuation only, so "2023年岩前镇人民政府消防工作目标责任" is one token and a
search for 岩前镇 or 消防 finds nothing.  Every run of Chinese characters is
therefore also indexed as its overlapping character pairs (岩前 前镇 镇人 …), and
a query is turned into the pairs of its own Chinese runs, all required.  A
document contains the phrase only if it contains every pair, so this finds
substrings without a dictionary (jieba would cut 岩前镇 differently depending on
the surrounding words, and miss names it does not know).  The original text
stays in the index too, so Latin words and numbers match as before.
"""

from __future__ import annotations

import re
from typing import Any

from modelsearch.query import And, Boost, Not, Or, Phrase, PlainText, SearchQuery

HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def han_pairs(run: str) -> list[str]:
    """The overlapping pairs of one run of Chinese characters (a single character stays as it is)."""
    if len(run) < 2:
        return [run] if run else []
    return [run[i : i + 2] for i in range(len(run) - 1)]


def index_text(text: str) -> str:
    """``text`` followed by what a query may ask for in it, for the index.

    That is the pairs and the single characters of each Chinese run (a query
    of one character, 镇, finds every 镇), and the Latin words and numbers cut
    out of mixed tokens ("2023年岩前镇" is one token to the parsers; 2023 alone
    must match too).
    """
    runs = HAN_RUN.findall(text or "")
    if not runs:
        return text
    pairs = " ".join(pair for run in runs for pair in han_pairs(run) if len(run) > 1)
    singles = " ".join(sorted({char for run in runs for char in run}))
    return f"{text} {pairs} {singles} {HAN_RUN.sub(' ', text)}"


def query_text(query: str) -> str:
    """A query with each Chinese run replaced by its pairs; other words are kept."""
    return HAN_RUN.sub(lambda match: f" {' '.join(han_pairs(match.group()))} ", query).strip()


def chinese_query(query: Any) -> Any:
    """A search query (string or query object) whose Chinese words are searched as pairs.

    Each Chinese word needs all of its pairs; words keep the query's own
    operator between them ("三年行动 岩前镇" with "or" finds either phrase).
    """
    if isinstance(query, str):
        return _plain_text(query, PlainText.DEFAULT_OPERATOR) if has_han(query) else query
    if isinstance(query, PlainText) and has_han(query.query_string):
        return _plain_text(query.query_string, query.operator, query.boost)
    if isinstance(query, Phrase) and has_han(query.query_string):
        return PlainText(query_text(query.query_string), operator="and")
    if isinstance(query, Boost):
        return Boost(chinese_query(query.subquery), query.boost)
    if isinstance(query, And):
        return And([chinese_query(q) for q in query.subqueries])
    if isinstance(query, Or):
        return Or([chinese_query(q) for q in query.subqueries])
    if isinstance(query, Not):
        return Not(chinese_query(query.subquery))
    return query


def _plain_text(query_string: str, operator: str, boost: float = 1) -> SearchQuery:
    if operator == "and":
        return PlainText(query_text(query_string), operator="and", boost=boost)
    words = [PlainText(query_text(word), operator="and", boost=boost) for word in query_string.split()]
    return words[0] if len(words) == 1 else Or(words)


def has_han(text: str) -> bool:
    return bool(HAN_RUN.search(text or ""))
