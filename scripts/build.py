"""Build the book: never stale, zero warnings.

    python scripts/build.py          # incremental: re-executes only chapters whose inputs changed
    python scripts/build.py --cold   # delete _build first, then build everything

Jupyter Book 1.x caches executed notebooks keyed on code-cell source only, so an edited
data file or shared module would leave stale outputs. Before building, this script
compares each toc notebook's input fingerprint (scripts/booktools.py: code cells,
shared module, style, bibliography, the data resources it reads) with the one recorded
at the last *successful* build. For every notebook whose fingerprint changed it drops
the notebook's jupyter-cache record and touches the file, so Sphinx re-reads it and
myst-nb re-executes it; all other notebooks are served from the cache. Fingerprints
are recorded only after a successful build, so a failed build is retried in full
next time instead of reporting a stale success.

The build always runs with ``-W -n --keep-going``: any warning fails it.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import booktools  # noqa: E402

FINGERPRINTS = Path("_build/.bookkit/fingerprints.json")
CACHE = Path("_build/.jupyter_cache")


def stale_notebooks(root: Path) -> tuple[list[Path], dict[str, str]]:
    """Notebooks whose inputs changed since the last successful build, and all fingerprints."""
    stored_file = root / FINGERPRINTS
    stored = json.loads(stored_file.read_text()) if stored_file.is_file() else {}
    current = {str(p.relative_to(root)): booktools.fingerprint(p, root) for p in booktools.toc_notebooks(root)}
    stale = [root / rel for rel, fp in current.items() if stored.get(rel) != fp]
    return stale, current


def invalidate(paths: list[Path], root: Path) -> list[Path]:
    """Drop the cache records of these notebooks and touch them; return those dropped."""
    cache_dir = root / CACHE
    dropped = []
    if cache_dir.is_dir():
        import nbformat
        from jupyter_cache import get_cache

        cache = get_cache(str(cache_dir))
        for path in paths:
            try:
                record = cache.match_cache_notebook(nbformat.read(path, as_version=4))
            except KeyError:
                continue
            cache.remove_cache(record.pk)
            dropped.append(path)
    now = time.time()
    for path in paths:
        os.utime(path, (now, now))
    return dropped


def build(root: Path, cold: bool = False, quiet: bool = False) -> int:
    root = root.resolve()
    if cold:
        shutil.rmtree(root / "_build", ignore_errors=True)
    stale, current = stale_notebooks(root)
    dropped = invalidate(stale, root)
    if not quiet:
        names = ", ".join(p.name for p in stale) or "none"
        print(f"[build] inputs changed since last successful build: {names}")
        if dropped:
            print(f"[build] dropped stale cache entries: {', '.join(p.name for p in dropped)}")
    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(root), "-W", "-n", "--keep-going"]
    if cold:
        cmd.append("--all")
    env = dict(os.environ, PYTHONHASHSEED="0", SOURCE_DATE_EPOCH="0")
    result = subprocess.run(cmd, cwd=root, env=env)
    if result.returncode == 0:
        (root / FINGERPRINTS).parent.mkdir(parents=True, exist_ok=True)
        (root / FINGERPRINTS).write_text(json.dumps(current, indent=1, sort_keys=True))
        if not quiet:
            print(f"[build] ok: open {root / '_build/html/index.html'}")
    else:
        print("[build] FAILED (warnings are errors); fingerprints not recorded, "
              "so the next build re-executes every changed chapter", file=sys.stderr)
    return result.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cold", action="store_true", help="delete _build and build everything")
    parser.add_argument("--root", default=str(booktools.ROOT), help="book root (default: this repository)")
    args = parser.parse_args()
    return build(Path(args.root), cold=args.cold)


if __name__ == "__main__":
    sys.exit(main())
