"""The data package validates, is fully described, and every source resolves."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from frictionless import Package
from pybtex.database import parse_file

import bookkit as bk

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
SEED_FILES = {"panda2017": "000_377f1c60f3f25cf7.txt", "lee2011": "002_ca6bd8c1dc0e625b.txt",
              "bandow2021": "004_4f7bb2eb6fd2156f.txt"}
# What the issues ask of each resource, at least.
MIN_ROWS = {"events": 50, "claims": 15, "treaty_articles": 8, "clauses": 7, "visits": 20,
            "sanctions": 8, "nuclear_tests": 6, "scenarios": 5, "readings": 4}
DESCRIPTOR = bk.descriptor(ROOT)
NAMES = [r["name"] for r in DESCRIPTOR["resources"]]


def test_package_validates_with_frictionless():
    report = Package(str(ROOT / "data" / "datapackage.json")).validate()
    assert report.valid, report.flatten(["taskName", "rowNumber", "fieldName", "type", "note"])


def test_every_data_file_is_a_resource():
    described = {r["path"] for r in DESCRIPTOR["resources"]}
    files = {p.name for p in (ROOT / "data").glob("*.csv")}
    assert files == described, f"undescribed: {files - described}; missing: {described - files}"


@pytest.mark.parametrize("name", NAMES)
def test_resource_is_fully_described(name):
    res = bk.resource_descriptor(name, ROOT)
    for key in ("title", "description", "sources", "licenses", "schema"):
        assert res.get(key), f"{name}: missing {key}"
    assert res["schema"].get("primaryKey"), f"{name}: no primaryKey"
    for field in res["schema"]["fields"]:
        assert field.get("description"), f"{name}.{field['name']}: no description"
        assert field.get("type"), f"{name}.{field['name']}: no type"
    bib_fields = [f for f in res["schema"]["fields"] if f.get("bibkeys")]
    assert [f["name"] for f in bib_fields] == ["source"], f"{name}: needs one `source` bibkeys field"
    assert bib_fields[0]["constraints"]["required"] is True


@pytest.mark.parametrize("name", NAMES)
def test_resource_loads_and_every_source_resolves(name):
    df = bk.load(name, ROOT)
    keys = bk.bib_keys(ROOT)
    cited = {k for v in df["source"] for k in bk.split_keys(v)}
    assert cited and cited <= keys, cited - keys
    assert len(df) >= MIN_ROWS.get(name, 1), f"{name}: {len(df)} rows"


def test_bibliography_entries_are_complete():
    bib = parse_file(str(ROOT / "book" / "references.bib"))
    for key, entry in bib.entries.items():
        assert entry.persons.get("author"), f"{key}: no author"
        for field in ("title", "year"):
            assert entry.fields.get(field), f"{key}: no {field}"
        assert re.fullmatch(r"\d{4}", entry.fields["year"]), f"{key}: year {entry.fields['year']!r}"


def test_seed_documents_are_in_the_bibliography():
    assert set(SEED_FILES) <= bk.bib_keys(ROOT)


def _norm(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", text).strip().lower()


def _quoted_fields():
    """(resource, row, field, text, sources) for every field holding verbatim wording."""
    verbatim = {"claims": ["quote"], "duration_claims": ["quote"], "treaty_articles": ["text"],
                "clauses": ["clause_text", "duration_article_text"]}
    for name, fields in verbatim.items():
        if name not in NAMES:
            continue
        df = bk.load(name, ROOT)
        for i, rec in enumerate(df.to_dict("records")):
            for f in fields:
                if isinstance(rec[f], str) and rec[f]:
                    yield name, i + 2, f, rec[f], bk.split_keys(rec["source"])


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside this checkout")
def test_quotes_credited_only_to_a_seed_are_in_that_seed():
    """A quote whose only sources are seed documents must appear in one of them."""
    checked = 0
    for name, row, field, text, sources in _quoted_fields():
        if not sources or not set(sources) <= set(SEED_FILES):
            continue
        haystack = " ".join(_norm((SEEDS / SEED_FILES[s]).read_text(encoding="utf-8")) for s in sources)
        for piece in re.split(r"\s*(?:…|\.\.\.)\s*", text):
            piece = _norm(piece).strip("\"' ")
            if piece:
                assert piece in haystack, f"data/{name}.csv row {row} {field}: not in {sources}: {piece[:80]!r}"
                checked += 1
    assert checked > 0
