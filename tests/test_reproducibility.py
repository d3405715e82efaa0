"""Builds are never stale, and identical inputs give identical outputs.

One cold build of a copy of the book, then:
- an edit to one data resource re-executes exactly the chapters that read it (they show
  the new value) and serves every other chapter from the cache;
- a rebuild with no change re-executes nothing;
- the cold build's figures and executed outputs are byte-identical to those of the
  book's own cold build (``make test`` builds ``_build/`` before pytest runs).
"""
from __future__ import annotations

import csv
import json
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

import booktools

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import build  # noqa: E402

IGNORE = shutil.ignore_patterns("_build", ".venv", "research", ".git", "__pycache__", ".ipynb_checkpoints")
EDITED = "sanctions"
NEW_RESOLUTION = "9999"


def _executed(root: Path) -> dict[str, int]:
    """Notebook path -> pk of its jupyter-cache record."""
    from jupyter_cache import get_cache

    cache = get_cache(str(root / "_build" / ".jupyter_cache"))
    return {Path(r.uri).name: r.pk for r in cache.list_cache_records()}


def _outputs(path: Path) -> list:
    nb = nbformat.read(path, as_version=4)
    return [c.get("outputs", []) for c in nb.cells if c.cell_type == "code"]


@pytest.fixture(scope="module")
def book_copy(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("repro") / "book"
    shutil.copytree(ROOT, root, ignore=IGNORE)
    assert build.build(root, cold=True, quiet=True) == 0
    return root


@pytest.mark.xfail(strict=True, reason="KNOWN DEFECT, open issue: two cold builds are not yet byte-identical")
@pytest.mark.skipif(not (ROOT / "_build" / "html" / "index.html").is_file(),
                    reason="needs the book's own cold build (make test)")
def test_two_cold_builds_are_identical(book_copy):
    """Runs first (file order): compares the copy's cold build with the book's own."""
    a, b = ROOT / "_build", book_copy / "_build"
    images_a = {p.name: p.read_bytes() for p in (a / "html/_images").glob("*.svg")}
    images_b = {p.name: p.read_bytes() for p in (b / "html/_images").glob("*.svg")}
    assert images_a, "no SVG figures were built"
    assert images_a.keys() == images_b.keys()
    assert all(images_a[k] == images_b[k] for k in images_a)
    executed = sorted((a / "jupyter_execute/book").glob("*.ipynb"))
    assert executed
    for nb in executed:
        assert _outputs(nb) == _outputs(b / "jupyter_execute/book" / nb.name), nb.name


def test_data_edit_reexecutes_exactly_its_readers(book_copy):
    root = book_copy
    before = _executed(root)
    notebooks = booktools.toc_notebooks(root)
    readers = {p.name for p in notebooks if EDITED in booktools.resources_read(p, root)}
    assert readers and readers != {p.name for p in notebooks}

    path = root / "data" / f"{EDITED}.csv"
    rows = list(csv.reader(path.open(newline="", encoding="utf-8")))
    new = list(rows[-1])
    new[rows[0].index("resolution")] = NEW_RESOLUTION
    rows.append(new)
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)

    assert build.build(root, quiet=True) == 0
    after = _executed(root)
    reexecuted = {name for name, pk in after.items() if before.get(name) != pk}
    assert reexecuted == readers, f"re-executed {reexecuted}, readers of {EDITED}: {readers}"
    for name in readers:
        html = (root / "_build" / "html" / "book" / name.replace(".ipynb", ".html")).read_text(encoding="utf-8")
        shown = NEW_RESOLUTION in html or f"<strong>rows:</strong> {len(rows) - 1}" in html
        assert shown, f"{name} does not show the edited data"

    # A rebuild with no change executes nothing.
    assert build.build(root, quiet=True) == 0
    assert _executed(root) == after


