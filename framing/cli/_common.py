"""Output helpers shared by the subcommands: tables as text, JSON Lines or CSV."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Literal, TextIO

import pandas as pd

from framing.errors import FramingError
from framing.tables import format_text_table, json_value

TableFormat = Literal["table", "jsonl", "csv"]


def add_format_option(parser, choices=("table", "jsonl", "csv"), default="table") -> None:
    parser.add_argument("--format", choices=choices, default=default,
                        help=f"output format (default: {default})")


def write_jsonl(records, out: TextIO) -> None:
    for record in records:
        out.write(json.dumps({k: json_value(v) for k, v in record.items()},
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
