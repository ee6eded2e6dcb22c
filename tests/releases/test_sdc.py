"""Disclosure control of a release's tables, attacked as an outsider would (issue 15, item 3)."""

import itertools
import random

import pytest

from kintrace.releases.sdc import TOTAL, extend, intervals, ledger_forced, protect

K = 5
ROWS = ["a", "b", "c", "d"]
COLS = ["dead", "missing", "alive"]


def _table(seed: int, rows=ROWS, cols=COLS) -> dict:
    rng = random.Random(seed)
    return {(r, c): rng.choice([0, 0, 1, 2, 3, 4, 6, 9, 15, 30]) for r in rows for c in cols}


def test_no_count_from_one_to_k_minus_one_is_shown_margins_included():
    for seed in range(15):
        p = protect(_table(seed), ROWS, COLS, k=K)
        shown = p.published()
        assert all(v is None or v == 0 or v >= K for v in shown.values()), seed


def test_an_attacker_with_every_margin_cannot_narrow_a_small_count_below_k():
    # The attack: least and greatest value of each hidden count given every number shown,
    # additivity and counts >= 0 (linear programming).
    for seed in range(15):
        p = protect(_table(seed), ROWS, COLS, k=K)
        bounds = intervals(p.rows, p.cols, p.published())
        for cell in p.primary:
            lo, hi = bounds[cell]
            assert hi - lo >= K, (seed, cell, lo, hi, p.values[cell])


def test_a_single_small_cell_in_a_row_is_not_recoverable_from_its_row_total():
    values = {("a", "dead"): 2, ("a", "missing"): 10, ("a", "alive"): 12}
    values |= {("b", "dead"): 9, ("b", "missing"): 8, ("b", "alive"): 20}
    p = protect(values, ["a", "b"], COLS, k=K)
    assert ("a", "dead") in p.suppressed
    assert len([c for c in p.suppressed if c[0] == "a"]) >= 2
    lo, hi = intervals(p.rows, p.cols, p.published())[("a", "dead")]
    assert lo < 2 < hi and hi - lo >= K


def test_rectangles_pair_rows_of_the_same_block_so_block_sums_do_not_move():
    values = {("r1|m1", "dead"): 2, ("r1|m1", "alive"): 9, ("r1|m2", "dead"): 7}
    values |= {("r1|m2", "alive"): 8, ("r2|m1", "dead"): 6, ("r2|m1", "alive"): 7}
    rows = ["r1|m1", "r1|m2", "r2|m1"]
    blocks = {r: r.split("|")[0] for r in rows}
    p = protect(values, rows, ["dead", "alive"], k=K, blocks=blocks)
    hidden_rows = {r for r, c in p.suppressed if c != TOTAL and r != TOTAL}
    assert hidden_rows == {"r1|m1", "r1|m2"}


def _attack_two_releases(old, new):
    """What subtracting one release from the other gives: for every cell shown in both, the
    difference; for a cell hidden in the old one and shown in the new, how close the new count
    pins it (the old count lies within the new one's distance to the shown value)."""
    leaks = []
    old_shown, new_shown = old.published(), new.published()
    for cell, v in new_shown.items():
        if v is None or cell not in old_shown:
            continue
        before = old_shown[cell]
        if before is not None and 0 < abs(v - before) < K:
            leaks.append(("difference", cell, v - before))
        if before is None and abs(v - old.values[cell]) < K:
            leaks.append(("pinned", cell, v))
    return leaks


def test_a_second_release_cannot_be_subtracted_from_the_first_to_recover_a_hidden_count():
    first_values = _table(3)
    first = protect(first_values, ROWS, COLS, k=K)
    # Later: a few men more in some cells.
    second_values = dict(first_values)
    for cell in itertools.islice(sorted(second_values), 0, 12, 3):
        second_values[cell] += 2
    naive = protect(second_values, ROWS, COLS, k=K)
    assert _attack_two_releases(first, naive), "the attack must work on an unchecked release"
    ledger = [{c: (v, c in first.suppressed) for c, v in first.values.items()}]
    _, _, ext = extend(second_values, ROWS, COLS)
    forced = ledger_forced(ext, ledger, k=K)
    checked = protect(second_values, ROWS, COLS, k=K, forced=forced)
    assert _attack_two_releases(first, checked) == []
    bounds = intervals(checked.rows, checked.cols, checked.published())
    assert all(hi - lo >= K for c, (lo, hi) in bounds.items() if c in checked.primary)


def test_k_below_two_is_refused():
    with pytest.raises(ValueError):
        protect({("a", "x"): 1}, ["a"], ["x"], k=1)
