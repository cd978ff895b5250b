"""Recognise the structure of a 公文 / 附件 from the flat item stream.

The input is what a reader yields (paragraphs and tables in order); the output
is a ``ParsedDocument``: header fields, body blocks, attachments (nested where
an attachment has its own 附件), per-unit letters, task lists and tables.

Principles:

* nothing is dropped: every character of the source ends up in a field, a
  block or ``stripped_tokens`` (numbering and label tokens); ``coverage``
  checks this;
* numbering is structure: ``一、`` / ``（一）`` / ``1.`` / ``（1）`` become a
  level and the token is stripped, because the renderer derives numbers;
* whatever cannot be placed stays a plain paragraph where it was and is listed
  in ``unrecognised``, so an editor can check it.

The package holds one module per concern: ``patterns``, ``frame`` (the
recogniser: header, tail, attachment segments), ``attachments``, ``body`` and
``tables``; ``recognise`` is the one name others import.
"""

from __future__ import annotations

from .frame import recognise

__all__ = ["recognise"]
