"""Static checks on the committed notebooks: conventions every chapter follows."""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import yaml

import booktools

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = booktools.toc_notebooks(ROOT)
TEMPLATE = ROOT / "book" / "templates" / "chapter_template.ipynb"
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
CHAPTERS = [booktools.doc_path(c["file"], ROOT) for part in TOC["parts"][:-1] for c in part["chapters"]]
# Reading files, parsing data or styling plots happens only in book/bookkit.py.
FORBIDDEN = {
    r"\bread_(csv|excel|json|table|parquet)\(": "reads a data file directly",
    r"\bopen\(": "opens a file",
    r"\bPath\(": "builds a file path",
    r"\bplt\.style\b|\bmatplotlib\.style\b|\brcParams\b|\brc\(": "styles plots by hand",
    r"\bimport frictionless\b|\bfrom frictionless\b": "validates data by hand",
    r"#[0-9A-Fa-f]{6}\b": "hard-codes a colour (use the style's cycle or bk.PALETTE)",
    r"\b(requests|urllib|http\.client)\b": "uses the network",
}
GLUE_FIGURE = re.compile(r"```\{glue:figure\}\s*(\S+)\n((?::[a-z]+:[^\n]*\n)*)(.*?)```", re.S)


def _nb(path: Path):
    return nbformat.read(path, as_version=4)


def _ids(paths):
    return [p.name for p in paths]


@pytest.mark.parametrize("path", NOTEBOOKS + [TEMPLATE], ids=_ids(NOTEBOOKS + [TEMPLATE]))
def test_outputs_are_stripped_except_pinned_cells(path):
    for i, cell in enumerate(_nb(path).cells):
        if cell.cell_type == "code" and "nbval-check-output" not in cell.metadata.get("tags", []):
            assert not cell.outputs, f"{path.name} cell {i}: commit without outputs (scripts/strip_outputs.py)"


@pytest.mark.parametrize("path", CHAPTERS + [TEMPLATE], ids=_ids(CHAPTERS + [TEMPLATE]))
def test_chapter_pins_a_headline_result(path):
    pinned = [c for c in _nb(path).cells
              if c.cell_type == "code" and "nbval-check-output" in c.metadata.get("tags", [])]
    assert pinned, f"{path.name}: tag its headline table cell `nbval-check-output`"
    assert all(c.outputs for c in pinned), f"{path.name}: a pinned cell has no committed output"


@pytest.mark.parametrize("path", NOTEBOOKS + [TEMPLATE], ids=_ids(NOTEBOOKS + [TEMPLATE]))
def test_imports_the_shared_module_and_nothing_by_hand(path):
    code = [c.source for c in _nb(path).cells if c.cell_type == "code"]
    assert code and "import bookkit as bk" in code[0], f"{path.name}: first code cell must import bookkit"
    source = "\n".join(code)
    for pattern, what in FORBIDDEN.items():
        match = re.search(pattern, source)
        assert not match, f"{path.name} {what}: {match.group(0)!r}"
    booktools.resources_read(path, ROOT)  # raises if a load() call hides its resource name


@pytest.mark.parametrize("path", CHAPTERS + [TEMPLATE], ids=_ids(CHAPTERS + [TEMPLATE]))
def test_figures_have_name_alt_text_and_caption(path):
    markdown = "\n".join(c.source for c in _nb(path).cells if c.cell_type == "markdown")
    figures = GLUE_FIGURE.findall(markdown)
    assert figures, f"{path.name}: no glue:figure"
    for key, options, caption in figures:
        assert ":alt:" in options and ":name:" in options, f"{path.name} figure {key}: needs :name: and :alt:"
        assert caption.strip(), f"{path.name} figure {key}: needs a caption"
    code = "\n".join(c.source for c in _nb(path).cells if c.cell_type == "code")
    for key, _, _ in figures:
        assert re.search(rf"glue_figure\(\s*[\"']{re.escape(key)}[\"']", code), f"{path.name}: {key} is never glued"


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_numbers_in_prose_are_glued_and_sources_cited(path):
    nb = _nb(path)
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    used = set(re.findall(r"\{glue:text\}`([\w-]+)", markdown)) | set(re.findall(r"\{glue\}`([\w-]+)", markdown))
    defined = set(re.findall(r"glue\(\s*[\"']([\w-]+)[\"']", code))
    # keys glued in a loop, e.g. bk.glue(f"ri_n_{stance}", ...): the f-string's literal prefix
    prefixes = re.findall(r"glue\(\s*f[\"']([\w-]+)\{", code)
    missing = {k for k in used - defined if not any(k.startswith(p) for p in prefixes)}
    assert len(used) >= 3, f"{path.name}: headline numbers in the prose should be glued"
    assert not missing, f"{path.name}: glued in prose but never computed: {missing}"
    assert re.search(r"\{cite:[pt]\}`", markdown), f"{path.name}: no citations"
