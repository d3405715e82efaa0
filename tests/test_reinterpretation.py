"""The scenario x reading matrix is derived from the rules, and its cells are pinned.

If a rule or scenario coding changes, this test fails until the new matrix is reviewed
and the expected cells below are updated with it (and the chapter's prose checked)."""
import pytest

import bookkit as bk

A, N, Q = "applies", "does_not_apply", "ambiguous"
READINGS = ["treaty_text", "conditional_2010", "global_times_2017", "nuclear_breach"]
EXPECTED = {
    "unprovoked_attack":      [A, A, Q, N],
    "dprk_strikes_first":     [Q, N, N, N],
    "limited_strike":         [Q, Q, Q, N],
    "internal_collapse":      [N, N, N, N],
    "dprk_nuclear_first_use": [Q, N, N, N],
}


@pytest.fixture(scope="module")
def matrix():
    return bk.derive_matrix(bk.load("scenarios"), bk.load("reading_rules"), bk.load("readings"))


def test_matrix_cells_are_pinned(matrix):
    got = matrix.pivot(index="scenario_id", columns="reading_id", values="outcome")
    assert sorted(got.index) == sorted(EXPECTED)
    for scenario, outcomes in EXPECTED.items():
        assert list(got.loc[scenario, READINGS]) == outcomes, scenario


def test_every_cell_has_a_reason_and_a_source(matrix):
    keys = bk.bib_keys()
    assert len(matrix) == len(EXPECTED) * len(READINGS)
    for rec in matrix.to_dict("records"):
        assert rec["reason"].strip()
        assert set(bk.split_keys(rec["source"])) <= keys


def test_first_matching_rule_wins():
    scenarios = bk.load("scenarios")
    rules = bk.load("reading_rules")
    readings = bk.load("readings")
    # Put a catch-all first for the treaty text: every scenario must then take its outcome.
    first = rules[rules["reading_id"] == "treaty_text"].iloc[[0]].copy()
    first["rule_order"] = 0
    first["condition"] = "*"
    first["outcome"] = "applies"
    import pandas as pd

    m = bk.derive_matrix(scenarios, pd.concat([rules, first], ignore_index=True), readings)
    assert set(m.loc[m["reading_id"] == "treaty_text", "outcome"]) == {"applies"}
