import math

import numpy as np
import pandas as pd
import pytest

from framing.stats import (LOG_ODDS_COLUMNS, MIN_ARTICLES, bootstrap_ratio_ci, enough_articles,
                           log_odds_dirichlet, permutation_test_ratio, ratio, shares)


@pytest.mark.parametrize(("num", "den", "expected"), [
    ([1, 2], [2, 2], 0.75),
    ([0, 0], [3, 1], 0.0),
    ([1], [0], math.nan),                      # no denominator: undefined, not 0
])
def test_ratio(num, den, expected):
    got = ratio(np.array(num), np.array(den))
    assert (math.isnan(got) and math.isnan(expected)) or got == pytest.approx(expected)


def test_bootstrap_ci_brackets_estimate_and_is_reproducible():
    num, den = [1, 3, 0, 2, 5, 1], [5, 6, 4, 5, 8, 3]
    low, high = bootstrap_ratio_ci(num, den)
    assert low <= ratio(np.array(num), np.array(den)) <= high
    assert (low, high) == bootstrap_ratio_ci(num, den)


@pytest.mark.parametrize(("num", "den"), [
    ([1], [2]),                                # one article: no interval
    ([0, 0], [0, 0]),                          # nothing to divide by
])
def test_bootstrap_ci_undefined(num, den):
    assert all(math.isnan(v) for v in bootstrap_ratio_ci(num, den))


def test_bootstrap_ci_constant_data_is_a_point():
    low, high = bootstrap_ratio_ci([1, 1, 1], [2, 2, 2])
    assert low == pytest.approx(0.5) and high == pytest.approx(0.5)


@pytest.mark.parametrize(("a", "b", "significant"), [
    (([9, 8, 9, 10, 9, 8], [10] * 6), ([1, 0, 2, 1, 0, 1], [10] * 6), True),
    (([5, 4, 6, 5, 5, 4], [10] * 6), ([5, 6, 4, 5, 4, 6], [10] * 6), False),
])
def test_permutation_test(a, b, significant):
    diff, p = permutation_test_ratio(*a, *b)
    assert (p < 0.05) is significant
    assert 0 < p <= 1


def test_permutation_test_empty_group():
    diff, p = permutation_test_ratio([], [], [1], [2])
    assert math.isnan(p)


@pytest.mark.parametrize(("n", "ok"), [(MIN_ARTICLES, True), (MIN_ARTICLES - 1, False), (1, False)])
def test_enough_articles(n, ok):
    assert enough_articles(n) is ok


def test_log_odds_finds_the_distinctive_term():
    counts = pd.DataFrame({
        "group": ["A", "A", "A", "B", "B", "B"],
        "term": ["regime", "talks", "said", "regime", "talks", "said"],
        "count": [30, 2, 20, 1, 25, 21],
    })
    table = log_odds_dirichlet(counts)
    assert list(table.columns) == LOG_ODDS_COLUMNS
    top = table.groupby("group").head(1).set_index("group")["term"]
    assert top["A"] == "regime" and top["B"] == "talks"
    said = table[table["term"] == "said"].set_index("group")["z"]
    assert abs(said["A"]) < 1.0                 # used alike by both: not distinctive
    assert table[(table.group == "A") & (table.term == "regime")]["z"].iloc[0] > 3


def test_log_odds_one_group_is_empty():
    counts = pd.DataFrame({"group": ["A"], "term": ["x"], "count": [3]})
    assert log_odds_dirichlet(counts).empty


def test_shares():
    assert shares({"a": 1, "b": 3}) == {"a": 0.25, "b": 0.75}
    assert shares({"a": 0}) == {"a": 0.0}


def test_permutation_test_many_matches_single():
    from framing.stats import permutation_test_many
    num = np.array([[9, 5], [8, 4], [9, 6], [1, 5], [0, 6], [2, 4]], dtype=float)
    den = np.full((6, 2), 10.0)
    mask = np.array([True, True, True, False, False, False])
    diffs, p = permutation_test_many(num, den, mask)
    d0, p0 = permutation_test_ratio(num[:3, 0], den[:3, 0], num[3:, 0], den[3:, 0])
    assert diffs[0] == pytest.approx(d0) and p[0] == pytest.approx(p0)
    assert p[1] > 0.5


@pytest.mark.parametrize(("p", "q"), [
    ([0.01, 0.04, 0.03], [0.03, 0.04, 0.04]),
    ([0.5, math.nan], [0.5, math.nan]),
])
def test_benjamini_hochberg(p, q):
    from framing.stats import benjamini_hochberg
    np.testing.assert_allclose(benjamini_hochberg(p), q)
