"""Writing output files safely: a crash or a full disk never leaves half a file behind."""
from __future__ import annotations

import os
from pathlib import Path

from framing.errors import FramingError


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then move it into place."""
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise FramingError(f"cannot write {path}: {exc.strerror}") from exc


def make_folder(path: str | Path, what: str) -> Path:
    """Create the output folder ``path`` (and its parents); ``what`` names it in the error."""
    folder = Path(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FramingError(f"cannot create {what} {folder}: {exc.strerror}") from exc
    return folder
