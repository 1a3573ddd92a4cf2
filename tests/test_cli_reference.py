from pathlib import Path

from framing.cli.reference import render_cli_reference

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def test_cli_reference_is_current():
    expected = render_cli_reference()
    assert DOC.exists(), "docs/cli.md is missing: python -m framing.cli.reference > docs/cli.md"
    assert DOC.read_text(encoding="utf-8") == expected, \
        "docs/cli.md is out of date: python -m framing.cli.reference > docs/cli.md"


def test_cli_reference_covers_every_command():
    text = render_cli_reference()
    for command in ("framing ingest", "framing sentences"):
        assert f"## `{command}`" in text
    assert "Exit codes: 0 ok" in text
