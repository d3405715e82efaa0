"""pytest root hooks: nbval collects exactly the notebooks listed in _toc.yml.

A chapter added to the toc is picked up by nbval with no test edits; notebooks not in
the toc (e.g. book/templates/) and anything under _build/ are never collected.
"""
from pathlib import Path
import sys

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "scripts"))
import booktools  # noqa: E402

_TOC_NOTEBOOKS = None


def pytest_ignore_collect(collection_path: Path, config):
    global _TOC_NOTEBOOKS
    if collection_path.suffix == ".ipynb":
        if _TOC_NOTEBOOKS is None:
            _TOC_NOTEBOOKS = {p.resolve() for p in booktools.toc_notebooks(ROOT)}
        return collection_path.resolve() not in _TOC_NOTEBOOKS
    return None
