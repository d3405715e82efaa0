"""Broken copies of the data raise errors that name the file, the row and the field.

Each case copies data/ and the bibliography to a temporary root, breaks one thing, and
loads the resource through the shared module, exactly as a chapter would.
"""
from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

import bookkit as bk

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def tmp_root(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    (tmp_path / "book").mkdir()
    shutil.copy(ROOT / "book" / "references.bib", tmp_path / "book" / "references.bib")
    return tmp_path


def _rows(root: Path, name: str) -> list[list[str]]:
    with open(root / "data" / f"{name}.csv", newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def _write(root: Path, name: str, rows: list[list[str]]) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    (root / "data" / f"{name}.csv").write_text(buf.getvalue(), encoding="utf-8")


def _set(root: Path, name: str, line: int, field: str, value: str) -> None:
    """Set one cell; ``line`` is the file's line number (header = 1)."""
    rows = _rows(root, name)
    rows[line - 1][rows[0].index(field)] = value
    _write(root, name, rows)


def _expect(root: Path, name: str, row: int | None, field: str | None, fragment: str = "") -> bk.DataError:
    with pytest.raises(bk.DataError) as info:
        bk.load(name, root=root)
    err = info.value
    text = str(err)
    assert f"data/{name}.csv" in text, text
    match = [p for p in err.problems if p.row == row and p.field == field]
    assert match, f"no problem at row {row}, field {field!r}: {text}"
    if row is not None:
        assert f"row {row}" in text
    if field is not None:
        assert f"field '{field}'" in text
    assert fragment.lower() in text.lower(), text
    return err


def test_wrong_type(tmp_root):
    _set(tmp_root, "trade", 3, "value_usd_m", "about 500")
    _expect(tmp_root, "trade", 3, "value_usd_m", "type")


def test_missing_required_value(tmp_root):
    _set(tmp_root, "events", 4, "description", "")
    _expect(tmp_root, "events", 4, "description", "constraint")


def test_unknown_source_key(tmp_root):
    _set(tmp_root, "events", 5, "source", "panda2017;nosuchsource1999")
    _expect(tmp_root, "events", 5, "source", "nosuchsource1999")


def test_duplicate_key(tmp_root):
    rows = _rows(tmp_root, "events")
    first_id = rows[1][rows[0].index("event_id")]
    rows[6][rows[0].index("event_id")] = first_id
    _write(tmp_root, "events", rows)
    _expect(tmp_root, "events", 7, "event_id", "unique")


def test_out_of_range_value(tmp_root):
    _set(tmp_root, "trade", 2, "value_usd_m", "-12.5")
    _expect(tmp_root, "trade", 2, "value_usd_m", "minimum")


def test_value_outside_enum(tmp_root):
    _set(tmp_root, "events", 3, "category", "cultural")
    _expect(tmp_root, "events", 3, "category", "constraint")


def test_malformed_csv_row(tmp_root):
    path = tmp_root / "data" / "events.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3] + ',"an extra, unquoted cell'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(bk.DataError) as info:
        bk.load("events", root=tmp_root)
    assert "data/events.csv" in str(info.value)
    assert any(p.row == 4 for p in info.value.problems), str(info.value)


def test_missing_file(tmp_root):
    (tmp_root / "data" / "events.csv").unlink()
    _expect(tmp_root, "events", None, None, "file not found")


def test_bad_date_for_its_precision(tmp_root):
    rows = _rows(tmp_root, "events")
    header = rows[0]
    line = next(i for i, r in enumerate(rows[1:], 2) if r[header.index("date_precision")] == "day")
    _set(tmp_root, "events", line, "date", "1961-07")
    _expect(tmp_root, "events", line, "date", "precision")


def test_impossible_calendar_date(tmp_root):
    rows = _rows(tmp_root, "events")
    header = rows[0]
    line = next(i for i, r in enumerate(rows[1:], 2) if r[header.index("date_precision")] == "day")
    _set(tmp_root, "events", line, "date", "1961-02-30")
    _expect(tmp_root, "events", line, "date", "calendar")


def test_bad_iso_date_field(tmp_root):
    _set(tmp_root, "nuclear_tests", 2, "date", "14/10/2006")
    _expect(tmp_root, "nuclear_tests", 2, "date", "type")


def test_unknown_column(tmp_root):
    rows = _rows(tmp_root, "events")
    for r in rows:
        r.append("x")
    rows[0][-1] = "confidence"
    _write(tmp_root, "events", rows)
    _expect(tmp_root, "events", 1, "confidence", "extra")


def test_empty_file(tmp_root):
    (tmp_root / "data" / "events.csv").write_text("", encoding="utf-8")
    _expect(tmp_root, "events", None, None, "empty")


def test_rule_naming_unknown_feature(tmp_root):
    _set(tmp_root, "reading_rules", 2, "condition", "dprk_attacked=true&moon_phase=true")
    scenarios = bk.load("scenarios", root=tmp_root)
    rules = bk.load("reading_rules", root=tmp_root)
    readings = bk.load("readings", root=tmp_root)
    with pytest.raises(bk.DataError) as info:
        bk.derive_matrix(scenarios, rules, readings)
    assert info.value.problems[0].row == 2 and info.value.problems[0].field == "condition"
    assert "moon_phase" in str(info.value)


def test_descriptor_missing_resource_is_named(tmp_root):
    desc = json.loads((tmp_root / "data" / "datapackage.json").read_text())
    desc["resources"] = [r for r in desc["resources"] if r["name"] != "events"]
    (tmp_root / "data" / "datapackage.json").write_text(json.dumps(desc))
    bk._descriptor.cache_clear()
    with pytest.raises(KeyError, match="events"):
        bk.load("events", root=tmp_root)
