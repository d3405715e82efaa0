"""Build-speed benchmark (a script, not a timed test): `make benchmark`.

On a copy of the book and on a generated *floor book* with the same number of notebooks
(each imports pandas and matplotlib and draws one plot, nothing else), it times:

1. cold full build (``scripts/build.py --cold``);
2. warm rebuild with no change;
3. rebuild after one data edit (a row appended to ``data/sanctions.csv``; for the floor
   book, an edit to one notebook), and which chapters re-executed;
4. nbval over the notebooks, serial and on 2 workers (``-n 2 --dist loadscope``).

It prints seconds, the ratio to the floor book and the targets, and writes the results to
``data/benchmark.csv`` (a resource of the data package, shown in the methods appendix).
"""
from __future__ import annotations

import csv
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import booktools  # noqa: E402
import build  # noqa: E402

ROOT = booktools.ROOT
IGNORE = shutil.ignore_patterns("_build", ".venv", "research", ".git", "__pycache__", ".ipynb_checkpoints")
FLOOR_CELL = ("import pandas as pd\nimport matplotlib.pyplot as plt\n\n"
              "df = pd.DataFrame({'x': range(10), 'y': [v * v for v in range(10)]})\n"
              "fig, ax = plt.subplots()\nax.plot(df['x'], df['y'])\nplt.show()")


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run(cmd, cwd) -> None:
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(map(str, cmd))}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")


def make_floor(root: Path, n: int) -> None:
    """A floor book: same config, n notebooks that only draw one plot."""
    (root / "book").mkdir(parents=True)
    shutil.copy(ROOT / "_config.yml", root / "_config.yml")
    (root / "book" / "references.bib").write_text((ROOT / "book" / "references.bib").read_text())
    (root / "book" / "intro.md").write_text("# Floor book\n")
    for i in range(n):
        nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                               "language": "python"}})
        nb.cells = [nbformat.v4.new_markdown_cell(f"# Chapter {i}"), nbformat.v4.new_code_cell(FLOOR_CELL)]
        nbformat.write(nb, root / "book" / f"ch{i}.ipynb")
    chapters = "\n".join(f"  - file: book/ch{i}" for i in range(n))
    (root / "_toc.yml").write_text(f"format: jb-book\nroot: book/intro\nchapters:\n{chapters}\n")
    (root / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n")


def floor_build(root: Path, cold: bool) -> None:
    if cold:
        shutil.rmtree(root / "_build", ignore_errors=True)
    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(root), "-W", "-n", "--keep-going"]
    run(cmd + (["--all"] if cold else []), root)


def nbval(root: Path, workers: int) -> None:
    args = ["-n", str(workers)] + (["--dist", "loadscope"] if workers > 1 else [])
    run([sys.executable, "-m", "pytest", "-q", "--nbval-lax", *args, "book"], root)


def append_sanctions_row(root: Path) -> None:
    path = root / "data" / "sanctions.csv"
    rows = list(csv.reader(path.open(newline="", encoding="utf-8")))
    rows.append(list(rows[-1]))
    rows[-1][rows[0].index("resolution")] = "9999"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def cache_pks(root: Path) -> dict[str, int]:
    from jupyter_cache import get_cache

    return {Path(r.uri).name: r.pk for r in get_cache(str(root / "_build/.jupyter_cache")).list_cache_records()}


def page_weights(root: Path) -> dict[str, float]:
    """KB of each toc page's HTML plus the figure images it shows."""
    import re

    html_dir = root / "_build" / "html"
    out = {}
    for doc in booktools.toc_docnames(root):
        page = html_dir / f"{doc}.html"
        html = page.read_text(encoding="utf-8")
        images = {page.parent / src for src in re.findall(r'<img[^>]+src="([^"]+)"', html)}
        out[doc] = (page.stat().st_size + sum(p.stat().st_size for p in images if p.is_file())) / 1024
    return out


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        book, floor = Path(tmp) / "book", Path(tmp) / "floor"
        shutil.copytree(ROOT, book, ignore=IGNORE)
        n = len(booktools.toc_notebooks(book))
        make_floor(floor, n)
        quiet = dict(quiet=True)
        r = {}
        r["cold_build"] = (timed(lambda: build.build(book, cold=True, **quiet)), timed(lambda: floor_build(floor, True)))
        weights = page_weights(book)
        r["warm_rebuild"] = (timed(lambda: build.build(book, **quiet)), timed(lambda: floor_build(floor, False)))
        before = cache_pks(book)
        append_sanctions_row(book)
        nb = floor / "book" / "ch0.ipynb"
        nb.write_text(nb.read_text().replace("range(10)", "range(11)"))
        r["data_edit_rebuild"] = (timed(lambda: build.build(book, **quiet)), timed(lambda: floor_build(floor, False)))
        after = cache_pks(book)
        reexecuted = sorted(k for k, v in after.items() if before.get(k) != v)
        r["nbval_serial"] = (timed(lambda: nbval(book, 1)), timed(lambda: nbval(floor, 1)))
        r["nbval_2_workers"] = (timed(lambda: nbval(book, 2)), timed(lambda: nbval(floor, 2)))

    cold = r["cold_build"][0]
    derived = {
        "cold_build": ("≤ 1.5 × floor cold build", r["cold_build"][0] / r["cold_build"][1], 1.5),
        "warm_rebuild": ("≤ 0.2 × book cold build", r["warm_rebuild"][0] / cold, 0.2),
        "data_edit_rebuild": ("only readers re-execute", r["data_edit_rebuild"][0] / cold, None),
        "nbval_serial": ("reference", r["nbval_serial"][0] / r["nbval_serial"][1], None),
        "nbval_2_workers": ("≤ 0.65 × nbval serial", r["nbval_2_workers"][0] / r["nbval_serial"][0], 0.65),
    }
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"\nBenchmark on {machine}; {n} notebooks in the toc\n")
    print(f"{'measure':<20}{'book s':>9}{'floor s':>9}{'ratio':>8}  target")
    rows = []
    for key, (book_s, floor_s) in r.items():
        target, ratio, limit = derived[key]
        ok = "" if limit is None else ("  met" if ratio <= limit else "  NOT MET")
        print(f"{key:<20}{book_s:>9.1f}{floor_s:>9.1f}{ratio:>8.2f}  {target}{ok}")
        rows.append({"measure": key, "value": f"{book_s:.1f}", "unit": "s", "floor_value": f"{floor_s:.1f}",
                     "ratio": f"{ratio:.2f}", "target": target,
                     "target_met": "" if limit is None else str(ratio <= limit).lower()})
    print(f"\nre-executed after editing data/sanctions.csv: {', '.join(reexecuted)}")
    rows.append({"measure": "data_edit_reexecuted", "value": str(len(reexecuted)), "unit": "notebooks",
                 "floor_value": "", "ratio": "", "target": "only readers of sanctions: " + ";".join(reexecuted),
                 "target_met": ""})
    print("\npage weight (HTML + its figures):")
    for doc, kb in weights.items():
        print(f"  {doc:<28}{kb:>8.0f} KB")
        rows.append({"measure": f"page_weight:{doc}", "value": f"{kb:.0f}", "unit": "KB", "floor_value": "",
                     "ratio": "", "target": "< 1536 KB (1.5 MB)", "target_met": str(kb < 1536).lower()})
    for row in rows:
        row.update(machine=machine, source="bookbenchmark")
    out = ROOT / "data" / "benchmark.csv"
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
