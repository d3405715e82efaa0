"""The toc and the files agree."""
from pathlib import Path

import booktools

ROOT = Path(__file__).resolve().parent.parent
EXPECTED_PARTS = ["The treaty", "After the Cold War", "The reinterpretation debate",
                  "Economic ties", "Appendices"]


def _book_pages(root: Path) -> set[str]:
    pages = set()
    for path in (root / "book").glob("*"):
        if path.suffix in (".ipynb", ".md"):
            pages.add(str(path.relative_to(root).with_suffix("")))
    return pages


def test_every_toc_entry_exists():
    for docname in booktools.toc_docnames(ROOT):
        assert booktools.doc_path(docname, ROOT).is_file()


def test_every_page_in_book_is_in_the_toc():
    missing = _book_pages(ROOT) - set(booktools.toc_docnames(ROOT))
    assert not missing, f"pages in book/ not listed in _toc.yml: {sorted(missing)}"


def test_toc_parts_are_the_books_design():
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    assert toc["format"] == "jb-book"
    assert [p["caption"] for p in toc["parts"]] == EXPECTED_PARTS
    appendix = [c["file"] for c in toc["parts"][-1]["chapters"]]
    assert appendix == ["book/data_sources", "book/methods", "book/extending", "book/references"]


def test_chapters_are_notebooks():
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    for part in toc["parts"][:-1]:
        for chapter in part["chapters"]:
            assert booktools.doc_path(chapter["file"], ROOT).suffix == ".ipynb", chapter
