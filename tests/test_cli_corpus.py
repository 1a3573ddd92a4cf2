from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from framing import __version__
from framing.cli import main

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def test_ingest_jsonl_contract(capsys):
    assert main(["ingest", str(SEEDS), "--format", "jsonl"]) == 0
    out, err = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["outlet"] for r in rows] == ["Yonhap", "Press TV"]
    for row in rows:
        assert {"id", "outlet", "title", "date", "url", "path", "n_sentences", "n_chars",
                "skipped"} <= set(row)
        assert row["skipped"] is None and row["n_sentences"] > 5 and row["title"]
    assert "2 article(s) read, 0 skipped" in err


def test_sentences_jsonl_contract(capsys):
    assert main(["sentences", str(SEEDS), "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {"article_id", "outlet", "index", "paragraph", "kind", "start", "end", "text"} <= set(rows[0])
    assert rows[0]["kind"] == "headline" and rows[1]["kind"] == "dateline"
    assert all(isinstance(r["start"], int) and r["end"] > r["start"] for r in rows)


def test_ingest_lists_skipped_inputs_and_strict_fails(tmp_path, capsys):
    (tmp_path / "good.txt").write_text("A good article.", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01")
    assert main(["ingest", str(tmp_path), "--format", "jsonl", "--outlet", "X"]) == 0
    out, err = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["skipped"] for r in rows] == [None, "binary file (contains NUL bytes), not text"]
    assert "skipped" in err and "bad.txt" in err
    assert main(["ingest", str(tmp_path), "--strict", "--outlet", "X"]) == 1
    assert "framing: error:" in capsys.readouterr().err


def test_no_input_is_a_one_line_error(tmp_path, capsys):
    assert main(["ingest", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("framing: error: no input files found") and err.count("\n") == 1


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["ingest"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["ingest", str(SEEDS), "--format", "xml"])
    assert exc.value.code == 2


def test_version_and_python_dash_m():
    result = subprocess.run([sys.executable, "-m", "framing", "--version"],
                            capture_output=True, text=True, check=True)
    assert result.stdout.strip() == f"framing {__version__}"
