"""Tables in and out: CSV records with line numbers, plain-text tables, cells as JSON values."""
from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from framing.errors import DataError


def json_value(value):
    """A cell as a JSON-serialisable value: NaN/NA become None, numpy scalars and arrays
    become Python numbers and lists."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item"):          # numpy scalars
        return value.item()
    if hasattr(value, "tolist"):        # numpy arrays
        return value.tolist()
    return value


def format_text_table(table: pd.DataFrame, *, max_width: int = 60) -> str:
    """An aligned plain-text table; long cells are shortened with an ellipsis."""
    if table.empty:
        return "(no rows)"

    def cell(value) -> str:
        value = json_value(value)
        text = "" if value is None else str(value).replace("\n", " ")
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    header = [str(c) for c in table.columns]
    rows = [[cell(v) for v in row] for row in table.itertuples(index=False)]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    return "\n".join(lines)


def read_csv_records(path: Path, *, delimiter: str = ",",
                     needed: Sequence[str] = ()) -> tuple[list[dict], list[int], list[str]]:
    """Rows of a CSV file as dicts, the line each row starts on, and the (stripped) header.

    Raises :class:`DataError` naming the file (and line) when a ``needed`` column is missing or
    the CSV is malformed. A UTF-8 byte-order mark is ignored.
    """
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh, delimiter=delimiter)
        fields = [f.strip() for f in reader.fieldnames or []]
        missing = [c for c in needed if c not in fields]
        if missing:
            raise DataError(f"{path}: missing column(s) {', '.join(missing)}; expected "
                            f"{', '.join(needed)}")
        reader.fieldnames = fields
        rows, lines = [], []
        try:
            for row in reader:
                rows.append(row)
                lines.append(reader.line_num)
        except csv.Error as exc:
            raise DataError(f"{path}:{reader.line_num}: bad CSV ({exc})") from None
    return rows, lines, fields
