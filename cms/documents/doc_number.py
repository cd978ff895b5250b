"""The 发文字号 (机关代字〔年份〕序号号) pattern, shared by the model's validation and the importer's recogniser.

Plain ``re`` on purpose: the importer's parser imports it and stays free of Django.
"""

from __future__ import annotations

import re

# 〔〕 is the printed form; editors and OCR type [] ［］ () （） or 【】 instead.
OPEN_BRACKETS = "〔[［(（【"
CLOSE_BRACKETS = "〕]］)）】"
OPEN = f"[{re.escape(OPEN_BRACKETS)}]"
CLOSE = f"[{re.escape(CLOSE_BRACKETS)}]"

# The whole field as stored, after whitespace is removed (the model validates against it).
_CODE = rf"[^\s{re.escape(OPEN_BRACKETS + CLOSE_BRACKETS)}]{{1,20}}"
DOC_NUMBER_RE = re.compile(rf"^(?P<code>{_CODE}){OPEN}(?P<year>\d{{4}}){CLOSE}第?(?P<serial>\d{{1,5}})号$")
