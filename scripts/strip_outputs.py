"""Strip notebook outputs except in pinned cells (tagged ``nbval-check-output``).

    python scripts/strip_outputs.py book/*.ipynb             # strip, keep pinned outputs
    python scripts/strip_outputs.py --execute book/x.ipynb   # re-execute, then strip

Chapters are committed without outputs; the cells tagged ``nbval-check-output`` keep
theirs, because nbval compares them with a fresh run. ``--execute`` runs the notebook
(from its own folder, as nbval and Jupyter Book do) to refresh those pinned outputs.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

PIN = "nbval-check-output"


def is_pinned(cell) -> bool:
    return PIN in cell.get("metadata", {}).get("tags", [])


def strip(nb) -> None:
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.metadata.pop("execution", None)
        if is_pinned(cell):
            cell.execution_count = 1
            for out in cell.outputs:
                if "execution_count" in out:
                    out["execution_count"] = 1
        else:
            cell.outputs = []
            cell.execution_count = None
    nb.metadata.pop("widgets", None)


def execute(nb, path: Path) -> None:
    from nbclient import NotebookClient

    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--execute", action="store_true", help="re-run to refresh pinned outputs")
    args = parser.parse_args()
    for path in args.notebooks:
        nb = nbformat.read(path, as_version=4)
        if args.execute:
            execute(nb, path)
        strip(nb)
        nbformat.write(nb, path)
        print(f"stripped {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
