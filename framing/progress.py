"""A progress line on stderr for long runs, shown only when stderr is a terminal."""
from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def progress(items: Iterable[T], *, label: str, total: int | None = None,
             every: float = 0.2) -> Iterator[T]:
    """Yield ``items`` unchanged, redrawing ``label: N [/ total]`` on stderr at most every
    ``every`` seconds. Quiet (zero cost beyond a counter) when stderr is not a terminal."""
    stream = sys.stderr
    if not stream.isatty():
        yield from items
        return
    last = 0.0
    count = 0
    for count, item in enumerate(items, 1):
        now = time.monotonic()
        if now - last >= every:
            last = now
            shown = f"{count}/{total}" if total else str(count)
            stream.write(f"\r{label}: {shown}")
            stream.flush()
        yield item
    stream.write(f"\r{label}: {count}{'/' + str(total) if total else ''} done\n")
    stream.flush()
