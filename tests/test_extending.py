"""The "Extending this book" path works: a chapter added as the page says is picked up by
the nbval and toc tests without editing any test."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
IGNORE = shutil.ignore_patterns("_build", ".venv", "research", ".git", "__pycache__", ".ipynb_checkpoints")


def _pytest(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-n", "0", "-q", *args],
                          cwd=root, capture_output=True, text=True, timeout=600)


def test_a_new_chapter_is_picked_up_without_editing_tests(tmp_path):
    book = tmp_path / "book-copy"
    shutil.copytree(ROOT, book, ignore=IGNORE)
    tests_before = {p: p.read_bytes() for p in (book / "tests").glob("*.py")}

    # Step 1 of the guide: copy the template.
    shutil.copy(book / "book" / "templates" / "chapter_template.ipynb", book / "book" / "my_chapter.ipynb")
    # Step 4: add it to the toc under a part.
    toc = yaml.safe_load((book / "_toc.yml").read_text())
    toc["parts"][1]["chapters"].append({"file": "book/my_chapter"})
    (book / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))

    collected = _pytest(book, "--collect-only", "book")
    assert "book/my_chapter.ipynb::Cell 0" in collected.stdout, collected.stdout[-2000:]
    assert "templates" not in collected.stdout

    # Step 5: the tests run it (nbval, pinned output included) and the toc/convention tests pass.
    run = _pytest(book, "book/my_chapter.ipynb", "tests/test_toc.py", "tests/test_chapters.py")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "my_chapter.ipynb" in _pytest(book, "--collect-only", "tests/test_chapters.py").stdout
    assert {p: p.read_bytes() for p in (book / "tests").glob("*.py")} == tests_before


def test_a_chapter_missing_from_the_toc_is_caught(tmp_path):
    book = tmp_path / "book-copy"
    shutil.copytree(ROOT, book, ignore=IGNORE)
    shutil.copy(book / "book" / "templates" / "chapter_template.ipynb", book / "book" / "orphan.ipynb")
    run = _pytest(book, "tests/test_toc.py")
    assert run.returncode != 0 and "orphan" in run.stdout
