"""Build tooling shared by scripts/build.py, scripts/benchmark.py and the tests.

Not imported by chapters (they import ``book/bookkit.py``). This module knows:

- which documents the book has (from ``_toc.yml``, via sphinx-external-toc);
- which data resources each notebook reads (a static scan of its code cells for
  ``bk.load("name")`` calls; a notebook that calls ``bk.package_markdown`` or
  ``bk.resource_names`` reads them all);
- each notebook's *input fingerprint*: a hash of its code cells, the shared module and
  style, the bibliography and, for each resource it reads, the resource's descriptor
  and file bytes. Jupyter Book's cache keys only on code-cell source; the build entry
  point compares these fingerprints to the last successful build's and drops the cache
  entry of every notebook whose inputs changed, so no output is ever stale.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SHARED_CODE = ("book/bookkit.py", "book/bookstyle.mplstyle", "book/references.bib")
LOAD_CALL = re.compile(r"""\bload\(\s*(["'])([a-z0-9_]+)\1""")
ANY_LOAD = re.compile(r"\bload\(")
READS_ALL = re.compile(r"\b(package_markdown|resource_names)\(")


def toc_docnames(root: Path = ROOT) -> list[str]:
    """Document names in ``_toc.yml`` order (e.g. ``book/intro``)."""
    from sphinx_external_toc.parsing import parse_toc_yaml

    site_map = parse_toc_yaml(str(root / "_toc.yml"))
    return list(site_map.keys())


def doc_path(docname: str, root: Path = ROOT) -> Path:
    """The file behind a docname; raises FileNotFoundError naming the toc entry."""
    for ext in (".ipynb", ".md"):
        path = root / f"{docname}{ext}"
        if path.is_file():
            return path
    raise FileNotFoundError(f"_toc.yml entry {docname!r} has no .ipynb or .md file")


def toc_notebooks(root: Path = ROOT) -> list[Path]:
    """The notebooks listed in the toc (the chapters nbval runs)."""
    paths = [doc_path(d, root) for d in toc_docnames(root)]
    return [p for p in paths if p.suffix == ".ipynb"]


def code_source(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


def resources_read(path: Path, root: Path = ROOT) -> list[str]:
    """Data resources a notebook reads, by static scan of its code cells."""
    src = code_source(path)
    if READS_ALL.search(src):
        return sorted(r["name"] for r in _package(root)["resources"])
    literal = {m.group(2) for m in LOAD_CALL.finditer(src)}
    if len(ANY_LOAD.findall(src)) != len(LOAD_CALL.findall(src)):
        raise ValueError(f"{path.name}: every load() call must name its resource as a string literal, "
                         "so the build can tell which data the chapter reads")
    return sorted(literal)


def _package(root: Path) -> dict:
    return json.loads((root / "data" / "datapackage.json").read_text(encoding="utf-8"))


def fingerprint(path: Path, root: Path = ROOT) -> str:
    """Hash of everything a notebook's outputs depend on."""
    h = hashlib.sha256()
    h.update(code_source(path).encode())
    for rel in SHARED_CODE:
        h.update(rel.encode())
        h.update((root / rel).read_bytes())
    resources = {r["name"]: r for r in _package(root)["resources"]}
    for name in resources_read(path, root):
        res = resources[name]
        h.update(json.dumps(res, sort_keys=True).encode())
        data_file = root / "data" / res["path"]
        h.update(data_file.read_bytes() if data_file.is_file() else b"<missing>")
    return h.hexdigest()
