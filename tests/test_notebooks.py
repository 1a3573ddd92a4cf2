"""The teaching notebooks: present, committed clean, and running top to bottom.

Each notebook is executed with nbclient in a fresh ``python3`` kernel whose working directory
is a temporary folder, so a notebook that relies on the repository layout (``../seeds``) or on
files left by an earlier run fails here. The notebooks ``assert`` facts about their own results,
so a library change that silently alters what they teach fails too.
"""
from __future__ import annotations

from pathlib import Path

import pytest

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
EXPECTED = (
    "01-first-comparison.ipynb",
    "02-write-a-lexicon.ipynb",
    "03-who-is-speaking.ipynb",
    "04-train-a-classifier.ipynb",
)
CELL_TIMEOUT = 120      # seconds per cell; each notebook runs in well under two minutes
nbformat = pytest.importorskip("nbformat", reason="nbformat is a test extra: pip install -e '.[test]'")


def _read(name: str):
    return nbformat.read(NOTEBOOK_DIR / name, as_version=4)


def test_the_expected_notebooks_exist():
    present = {p.name for p in NOTEBOOK_DIR.glob("*.ipynb")}
    missing = sorted(set(EXPECTED) - present)
    assert not missing, f"missing notebooks in {NOTEBOOK_DIR}: {missing}"


@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_is_committed_clean(name):
    nb = _read(name)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    dirty = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
             and (cell.get("outputs") or cell.get("execution_count") is not None)]
    assert not dirty, f"{name}: cells {dirty} have outputs; clear them before committing"


@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_does_not_depend_on_the_repository_layout(name):
    code = "\n".join(c.source for c in _read(name).cells if c.cell_type == "code")
    for bad in ("../seeds", "../shared", "/work/", "seeds/"):
        assert bad not in code, f"{name} uses the path {bad!r}; use framing.seed_paths()"


@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_runs_top_to_bottom(name, tmp_path):
    nbclient = pytest.importorskip("nbclient", reason="nbclient is a test extra")
    pytest.importorskip("ipykernel", reason="ipykernel is a test extra")
    nb = _read(name)
    client = nbclient.NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as exc:
        pytest.fail(f"{name} failed:\n{exc}", pytrace=False)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    images = sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code"
                 for o in c.get("outputs", []))
    if name != "03-who-is-speaking.ipynb":       # notebook 3 is tables only
        assert images >= 1, f"{name}: no figure was shown (matplotlib inline)"
    assert not list(tmp_path.glob("reports")), f"{name} wrote into its working directory"
