"""Output helpers shared by the subcommands: tables as text, JSON Lines or CSV."""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Literal, TextIO

import pandas as pd

from framing.errors import FramingError

TableFormat = Literal["table", "jsonl", "csv"]


def add_format_option(parser, choices=("table", "jsonl", "csv"), default="table") -> None:
    parser.add_argument("--format", choices=choices, default=default,
                        help=f"output format (default: {default})")


def _json_value(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item"):          # numpy scalars
        return value.item()
    if hasattr(value, "tolist"):        # numpy arrays
        return value.tolist()
    return value


def write_jsonl(records, out: TextIO) -> None:
    for record in records:
        out.write(json.dumps({k: _json_value(v) for k, v in record.items()},
                             ensure_ascii=False) + "\n")


def write_table(table: pd.DataFrame, dest: str | Path = "-", fmt: TableFormat = "table",
                *, max_width: int = 60) -> None:
    """Write ``table`` to ``dest`` ("-" is stdout) as an aligned text table, JSONL or CSV."""
    out = sys.stdout if str(dest) == "-" else None
    try:
        handle = out or open(dest, "w", encoding="utf-8", newline="")
    except OSError as exc:
        raise FramingError(f"cannot write {dest}: {exc.strerror}") from exc
    try:
        if fmt == "jsonl":
            write_jsonl(table.to_dict(orient="records"), handle)
        elif fmt == "csv":
            table.to_csv(handle, index=False)
        else:
            handle.write(format_text_table(table, max_width=max_width) + "\n")
    finally:
        if out is None:
            handle.close()


def format_text_table(table: pd.DataFrame, *, max_width: int = 60) -> str:
    """An aligned plain-text table; long cells are shortened with an ellipsis."""
    if table.empty:
        return "(no rows)"

    def cell(value) -> str:
        value = _json_value(value)
        text = "" if value is None else str(value).replace("\n", " ")
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    header = [str(c) for c in table.columns]
    rows = [[cell(v) for v in row] for row in table.itertuples(index=False)]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    return "\n".join(lines)
