"""A table's quality report, computed without labels (in the spirit of camelot's `parsing_report`).

Three counts that should be zero on a well-read table: words printed inside the table's frame that
ended in no cell, header or title; numbers in value columns that were read as neither a value nor a
flagged parse status (a `text` value holding digits); cells with text under a column that has no header
although the table prints one (a row that does not fit the header's columns). They flag tables to look
at; they decide nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extract.model import LogicalTable

from .rows import NormalizedTable

_DIGITS = re.compile(r"\d")


@dataclass(frozen=True)
class TableQuality:
    words_lost: int
    numbers_unread: int
    cells_without_header: int


def table_quality(t: LogicalTable, nt: NormalizedTable) -> TableQuality:
    unread = sum(1 for v in nt.values if v.parse_status == "text" and _DIGITS.search(v.value_raw or ""))
    headed = [bool(c.header.strip()) for c in nt.columns]
    outside = 0
    if any(headed):
        outside = sum(1 for r in nt.rows for i, text in enumerate(r.cells)
                      if text.strip() and i < len(headed) and not headed[i])
    return TableQuality(len(t.lost_words), unread, outside)
