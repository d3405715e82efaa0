"""The book's one shared module: data loading and validation, chart style, small helpers.

Every chapter starts with ``import bookkit as bk`` (chapters live in ``book/``, which
is the kernel's working directory both under ``jupyter-book build`` and under nbval).

Data flows one way::

    data/*.csv + data/datapackage.json  ->  bk.load(name)  ->  typed DataFrame

``bk.load`` validates the resource against its Frictionless schema (types, required,
unique keys, ranges, enums, patterns), then checks what a schema cannot express:
every ``source`` key resolves in ``book/references.bib`` and every partial date agrees
with its stated precision. Any problem raises :class:`DataError`, naming the file,
the row and the field. Nothing is dropped or coerced silently.
"""
from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
"""Repository root (the folder holding ``data/`` and ``book/``)."""

STYLE_FILE = Path(__file__).resolve().parent / "bookstyle.mplstyle"

# Okabe & Ito (2008) colour-blind-safe palette, in the order the style file cycles it.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}


# --------------------------------------------------------------------------- errors
@dataclass
class Problem:
    """One validation problem, located as precisely as the problem allows."""

    path: str
    row: int | None  # 1-based line number in the file (1 = header); None: whole file
    field: str | None
    message: str

    def __str__(self) -> str:
        row = f"row {self.row}" if self.row is not None else "row -"
        field = f"field '{self.field}'" if self.field else "field -"
        return f"{self.path}, {row}, {field}: {self.message}"


class DataError(ValueError):
    """Raised when a data resource fails validation. ``problems`` lists them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        first = problems[0]
        self.path, self.row, self.field = first.path, first.row, first.field
        shown = "\n  ".join(str(p) for p in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} problem(s) in data:\n  {shown}{more}")


# ----------------------------------------------------------------------- the package
def _root(root: Path | str | None) -> Path:
    return Path(root).resolve() if root is not None else ROOT


@functools.lru_cache(maxsize=None)
def _descriptor(root: Path) -> dict:
    path = root / "data" / "datapackage.json"
    if not path.is_file():
        raise DataError([Problem("data/datapackage.json", None, None, "file not found")])
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError([Problem("data/datapackage.json", exc.lineno, None, str(exc))]) from exc


def descriptor(root: Path | str | None = None) -> dict:
    """The data package descriptor (``data/datapackage.json``) as a dict."""
    return _descriptor(_root(root))


@functools.lru_cache(maxsize=None)
def _package(root: Path):
    from frictionless import Package

    return Package(str(root / "data" / "datapackage.json"))


def resource_names(root: Path | str | None = None) -> list[str]:
    """Names of all resources in the data package, in descriptor order."""
    return [r["name"] for r in descriptor(root)["resources"]]


def resource_descriptor(name: str, root: Path | str | None = None) -> dict:
    """The descriptor of one resource; ``KeyError`` names the known resources."""
    for res in descriptor(root)["resources"]:
        if res["name"] == name:
            return res
    raise KeyError(f"no resource {name!r} in data/datapackage.json; known: {resource_names(root)}")


@functools.lru_cache(maxsize=None)
def _bib_keys(root: Path) -> frozenset[str]:
    from pybtex.database import parse_file

    return frozenset(k.lower() for k in parse_file(str(root / "book" / "references.bib")).entries)


def bib_keys(root: Path | str | None = None) -> frozenset[str]:
    """All entry keys of ``book/references.bib`` (lower case, as BibTeX compares them)."""
    return _bib_keys(_root(root))


def split_keys(value: str | None) -> list[str]:
    """Split a ``;``-separated list field (``source``, ``actors`` ...) into items."""
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        return []
    return [v.strip() for v in str(value).split(";")]


# ------------------------------------------------------------------------ validation
_PRECISION_PATTERN = {
    "day": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "month": re.compile(r"^\d{4}-\d{2}$"),
    "year": re.compile(r"^\d{4}$"),
}


def _frictionless_problems(res: dict, root: Path) -> list[Problem]:
    rel = res["path"]
    path = root / "data" / rel
    shown = f"data/{rel}"
    if not path.is_file():
        return [Problem(shown, None, None, "file not found (listed in data/datapackage.json)")]
    if path.stat().st_size == 0:
        return [Problem(shown, None, None, "file is empty (expected a header row and data)")]
    # Validate inside the package, so foreign keys to other resources are checked too.
    resource = _package(root).get_resource(res["name"])
    report = resource.validate()
    problems = []
    for task in report.tasks:
        for err in task.errors:
            row = getattr(err, "row_number", None)
            field = getattr(err, "field_name", None) or getattr(err, "label", None) or None
            if row is None and getattr(err, "row_numbers", None):
                row = err.row_numbers[0]
            if row is None and err.type in ("extra-label", "missing-label", "blank-label",
                                             "duplicate-label", "incorrect-label"):
                row = 1
            problems.append(Problem(shown, row, field, f"{err.title}: {err.note}"))
    for err in report.errors:
        problems.append(Problem(shown, None, None, f"{err.title}: {err.note}"))
    return problems


def _read_raw(res: dict, root: Path) -> pd.DataFrame:
    # Everything as text first: types are applied from the schema, never guessed.
    return pd.read_csv(root / "data" / res["path"], dtype=str, keep_default_na=False,
                       encoding="utf-8")


def _semantic_problems(res: dict, raw: pd.DataFrame, root: Path) -> list[Problem]:
    """Checks a Frictionless schema cannot state: bibliography keys, date precision."""
    shown = f"data/{res['path']}"
    problems = []
    keys = bib_keys(root)
    fields = {f["name"]: f for f in res["schema"]["fields"]}
    for i, rec in enumerate(raw.to_dict("records")):
        line = i + 2  # header is line 1
        for fname, f in fields.items():
            if f.get("bibkeys"):
                for key in split_keys(rec.get(fname, "")):
                    if key.lower() not in keys:
                        problems.append(Problem(shown, line, fname,
                                                f"source key {key!r} is not in book/references.bib"))
            prec_field = f.get("precisionField")
            if prec_field and rec.get(fname, ""):
                prec = rec.get(prec_field, "")
                pattern = _PRECISION_PATTERN.get(prec)
                if pattern is None or not pattern.match(rec[fname]):
                    problems.append(Problem(shown, line, fname,
                                            f"date {rec[fname]!r} does not match its precision "
                                            f"{prec_field}={prec!r}"))
                else:
                    try:
                        _date_start(rec[fname])
                    except ValueError:
                        problems.append(Problem(shown, line, fname, f"{rec[fname]!r} is not a calendar date"))
    return problems


def validate(name: str, root: Path | str | None = None) -> pd.DataFrame:
    """Validate one resource; return its raw (all-text) frame or raise :class:`DataError`."""
    root = _root(root)
    res = resource_descriptor(name, root)
    problems = _frictionless_problems(res, root)
    if problems:
        raise DataError(problems)
    raw = _read_raw(res, root)
    problems = _semantic_problems(res, raw, root)
    if problems:
        raise DataError(problems)
    return raw


_BOOL = {"true": True, "false": False}


def _typed(res: dict, raw: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(index=raw.index)
    for f in res["schema"]["fields"]:
        col = raw[f["name"]].replace("", pd.NA)
        kind = f.get("type", "string")
        if kind == "integer":
            out[f["name"]] = col.astype("Int64")
        elif kind == "number":
            out[f["name"]] = col.astype("Float64")
        elif kind == "boolean":
            out[f["name"]] = col.map(_BOOL, na_action="ignore").astype("boolean")
        elif kind == "date":
            out[f["name"]] = pd.to_datetime(col, format="%Y-%m-%d")
        elif kind == "year":
            out[f["name"]] = col.astype("Int64")
        else:
            out[f["name"]] = col.astype("string")
    return out


def load(name: str, root: Path | str | None = None) -> pd.DataFrame:
    """Load a named resource of ``data/datapackage.json`` as a validated, typed DataFrame.

    Types come from the schema: integer -> ``Int64``, number -> ``Float64``,
    boolean -> ``boolean``, date -> ``datetime64``, anything else -> ``string``;
    empty cells are ``<NA>``. Raises :class:`DataError` on any problem.
    """
    root = _root(root)
    return _typed(resource_descriptor(name, root), validate(name, root))


def partial_date_start(values: pd.Series) -> pd.Series:
    """First day of a partial ISO date ('1961', '1961-07', '1961-07-11') as a Timestamp.

    Used only to place dated rows on a time axis; the precision stays in its own column.
    """
    return values.map(lambda v: pd.NaT if pd.isna(v) else _date_start(str(v))).astype("datetime64[ns]")


def _date_start(v: str) -> pd.Timestamp:
    full = {10: v, 7: v + "-01", 4: v + "-01-01"}.get(len(v))
    if full is None:
        raise ValueError(f"{v!r} is not a partial ISO date")
    return pd.Timestamp(pd.to_datetime(full, format="%Y-%m-%d"))


# ---------------------------------------------------------------------- chart style
def use_style() -> None:
    """Apply the book's chart style: the one style file, SVG output with no timestamps.

    Deterministic SVG: a fixed ``svg.hashsalt`` (set in the style file) and no ``Date``
    metadata, so identical runs give byte-identical figures.
    """
    import matplotlib

    matplotlib.rcdefaults()
    import matplotlib.pyplot as plt

    plt.style.use(STYLE_FILE)
    try:
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # pragma: no cover - outside IPython
        return
    try:
        set_matplotlib_formats("svg", metadata={"Date": None}, bbox_inches="tight")
    except Exception:  # not in an IPython kernel (e.g. plain python)
        pass


def figure(width: float = 8.0, height: float = 4.0, **kwargs):
    """A new figure and axes in the book's style (call after :func:`use_style`)."""
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(width, height), **kwargs)


def glue(name: str, value, display: bool = False):
    """Glue a value for the prose (``{glue:text}`name```); thin wrapper over myst-nb."""
    from myst_nb import glue as _glue

    _glue(name, value, display=display)
    return value


def glue_figure(name: str, fig) -> None:
    """Glue a figure for a ``{glue:figure}`` directive and close it (no duplicate output)."""
    import matplotlib.pyplot as plt

    glue(name, fig, display=False)
    plt.close(fig)


def cite_list(keys) -> str:
    """MyST citation role for a list of bib keys, for generated Markdown."""
    uniq = sorted({k for v in keys for k in split_keys(v)})
    return "{cite:p}`" + ",".join(uniq) + "`" if uniq else ""


def md_table(df: pd.DataFrame) -> str:
    """A DataFrame as a Markdown (MyST) table, for display with ``IPython.display.Markdown``."""
    cols = [str(c) for c in df.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for rec in df.itertuples(index=False):
        cells = ["" if (not isinstance(v, str) and pd.isna(v)) else str(v).replace("|", "\\|") for v in rec]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


# ------------------------------------------------------------ data appendix helpers
def _constraints_text(field: dict) -> str:
    c = field.get("constraints", {})
    parts = []
    if c.get("required"):
        parts.append("required")
    if c.get("unique"):
        parts.append("unique")
    if "enum" in c:
        parts.append("one of " + ", ".join(f"`{v}`" for v in c["enum"]))
    if "minimum" in c:
        parts.append(f"≥ {c['minimum']}")
    if "maximum" in c:
        parts.append(f"≤ {c['maximum']}")
    if "pattern" in c:
        parts.append(f"pattern `{c['pattern']}`")
    if field.get("bibkeys"):
        parts.append("keys in the bibliography")
    if field.get("precisionField"):
        parts.append(f"precision given by `{field['precisionField']}`")
    return "; ".join(parts)


def package_markdown(root: Path | str | None = None) -> str:
    """The data appendix: every resource of the package described as MyST Markdown.

    Loads (and so validates) each resource to count its rows and collect the sources
    its rows cite; adding a resource to ``data/datapackage.json`` adds it here.
    """
    pkg = descriptor(root)
    out = []
    for res in pkg["resources"]:
        df = load(res["name"], root)
        source_fields = [f["name"] for f in res["schema"]["fields"] if f.get("bibkeys")]
        row_keys = [v for f in source_fields for v in df[f].dropna()]
        pk = res["schema"].get("primaryKey")
        pk = ", ".join(pk) if isinstance(pk, list) else pk
        out.append(f"## {res.get('title', res['name'])}\n")
        out.append(f"{res.get('description', '')}\n")
        out.append(f"- **Resource:** `{res['name']}`; **file:** {{download}}`data/{res['path']} "
                   f"<../data/{res['path']}>`; **rows:** {len(df)}"
                   + (f"; **key:** `{pk}`" if pk else "") + "\n")
        if res.get("sources"):
            out.append("- **Sources (resource level):** " + "; ".join(
                s.get("title", "") for s in res["sources"]) + "\n")
        if row_keys:
            out.append(f"- **Sources cited by its rows:** {cite_list(row_keys)}\n")
        for lic in res.get("licenses", pkg.get("licenses", [])):
            out.append(f"- **Licence:** {lic.get('title', lic.get('name', ''))}\n")
        fields = pd.DataFrame([{
            "field": f"`{f['name']}`",
            "type": f.get("type", "string"),
            "unit": f.get("unit", ""),
            "constraints": _constraints_text(f),
            "description": f.get("description", ""),
        } for f in res["schema"]["fields"]])
        out.append("\n" + md_table(fields) + "\n")
    return "\n".join(out)


# ------------------------------------------------------------ rule-derived matrices
def _condition_holds(condition: str, scenario: dict) -> bool:
    if condition == "*":
        return True
    for term in condition.split("&"):
        feature, value = term.split("=")
        if bool(scenario[feature]) != (value == "true"):
            return False
    return True


def derive_matrix(scenarios: pd.DataFrame, rules: pd.DataFrame, readings: pd.DataFrame) -> pd.DataFrame:
    """Apply each reading's ordered rules to each scenario: first matching rule wins.

    Returns one row per (scenario, reading) with ``outcome``, ``reason``, the deciding
    ``rule_order`` and its ``source``. Raises :class:`DataError` if a rule names a
    feature the scenarios do not have, or a reading's rules leave a scenario undecided.
    """
    path = "data/" + resource_descriptor("reading_rules")["path"]
    problems = []
    for i, rule in enumerate(rules.to_dict("records")):
        if rule["condition"] != "*":
            for term in rule["condition"].split("&"):
                if term.split("=")[0] not in scenarios.columns:
                    problems.append(Problem(path, i + 2, "condition",
                                            f"unknown scenario feature {term.split('=')[0]!r}"))
    if problems:
        raise DataError(problems)
    out = []
    ordered = rules.sort_values(["reading_id", "rule_order"])
    for sc in scenarios.sort_values("order").to_dict("records"):
        for rd in readings.sort_values("order").to_dict("records"):
            mine = ordered[ordered["reading_id"] == rd["reading_id"]]
            match = next((r for r in mine.to_dict("records") if _condition_holds(r["condition"], sc)), None)
            if match is None:
                raise DataError([Problem(path, None, "condition",
                                         f"reading {rd['reading_id']!r} has no rule for scenario {sc['scenario_id']!r}")])
            out.append({"scenario_id": sc["scenario_id"], "scenario": sc["label"],
                        "reading_id": rd["reading_id"], "reading": rd["label"],
                        "outcome": match["outcome"], "rule_order": match["rule_order"],
                        "reason": match["reason"], "source": match["source"]})
    return pd.DataFrame(out)
