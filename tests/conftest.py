"""Shared fixtures: the seed corpus, short articles from two invented outlets, golden files."""
from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SHARED = REPO.parent / "shared"
GOLDEN_DIR = Path(__file__).resolve().parent / "golden"

# Two invented outlets reporting one invented event, for tests that need a small corpus.
INVENTED_ARTICLES = [
    {"id": "harbor-1", "outlet": "Harbor Daily", "title": "Ministry tests new radar",
     "date": "2024-03-01", "url": "https://harbor.example/1", "event": "radar-test",
     "text": "The ministry tested a new radar on Friday.\n\n"
             "\"The system is purely a defensive measure,\" spokesman Lee Min-ho said.\n\n"
             "Critics claimed the test raised tensions."},
    {"id": "summit-1", "outlet": "Summit Post", "title": "Radar test alarms neighbours",
     "date": "2024-03-02", "url": "https://summit.example/1", "event": "radar-test",
     "text": "A provocative radar test alarmed the region on Friday.\n\n"
             "According to the foreign ministry, the test violated an agreement.\n\n"
             "Officials reportedly met in secret."},
]


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/")


@pytest.fixture
def golden(request):
    """Compare text with a committed golden file (``pytest --update-golden`` rewrites it)."""
    def check(actual: str, name: str) -> None:
        path = GOLDEN_DIR / name
        if request.config.getoption("--update-golden"):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
        assert path.exists(), f"no golden file {name}; run pytest --update-golden and review it"
        assert actual == path.read_text(encoding="utf-8"), f"{name} changed; see the diff above"
    return check


@pytest.fixture(scope="session")
def seed_corpus():
    from framing.ingest import load_corpus

    return load_corpus(SEEDS)


@pytest.fixture
def invented_jsonl(tmp_path) -> Path:
    import json

    path = tmp_path / "invented.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in INVENTED_ARTICLES), encoding="utf-8")
    return path


@pytest.fixture
def make_article():
    """An Article from a bare text (outlet "Test Outlet"), for sentence-level tests."""
    from framing.ingest import article_from_record

    def make(text: str, **fields):
        return article_from_record({"id": "t1", "outlet": "Test Outlet", "text": text} | fields)
    return make


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"shared data not found at {SHARED} (CI keeps it beside the checkout)")
    return SHARED
