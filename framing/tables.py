"""Tables as plain text, and table cells as JSON values, for terminal and file output."""
from __future__ import annotations

import math

import pandas as pd


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
