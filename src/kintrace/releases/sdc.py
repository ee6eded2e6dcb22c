"""Statistical disclosure control for a two-way table of counts with its margins.

Pure Python (scipy), no Django: the release service and the attacker tests call it.

The table is extended by its margins (row totals, column totals, the grand total: the key
TOTAL in either position), and every extended cell is published or suppressed:

1. Primary suppression: every count from 1 to k − 1 (a group of fewer than k men), margins
   included, and every cell the caller forces (the release ledger's cells: see
   `ledger_forced`). Zeros are published: a zero names nobody.
2. Secondary suppression, audit and repair: an attacker who knows every published number and
   that counts are whole and never negative can bound each suppressed cell by linear
   programming (the audit of tau-ARGUS and sdcMicro's "interval" check; Hundepool et al.
   2012, *Statistical Disclosure Control*, ch. 4.4). While some primarily suppressed cell's
   interval is narrower than k, the corners of a rectangle around it are suppressed too
   (`_complement`) and the audit repeats. Suppressing more only widens the intervals, and
   each round hides at least one more cell, so the loop ends.

The same audit (`intervals`) is what tests/releases/test_attacker.py attacks with.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import linprog

__all__ = [
    "TOTAL",
    "Protected",
    "extend",
    "intervals",
    "joint_intervals",
    "ledger_forced",
    "protect",
    "protect_jointly",
]

TOTAL = "*"
Cell = tuple[str, str]


@dataclass(frozen=True)
class Protected:
    """The extended table: `values` every extended cell's true count, `suppressed` the cells
    not shown (`primary` those suppressed for their own sake)."""

    rows: tuple[str, ...]
    cols: tuple[str, ...]
    values: dict[Cell, int]
    suppressed: frozenset[Cell]
    primary: frozenset[Cell]

    def published(self) -> dict[Cell, int | None]:
        return {c: (None if c in self.suppressed else v) for c, v in self.values.items()}


def extend(
    values: Mapping[Cell, int], rows: Iterable[str], cols: Iterable[str]
) -> tuple[tuple[str, ...], tuple[str, ...], dict[Cell, int]]:
    """Rows, columns and every cell of the table with its margins (missing cells are 0)."""
    rs, cs = tuple(rows), tuple(cols)
    if TOTAL in rs or TOTAL in cs:
        raise ValueError("a row or column cannot be called '*'")
    out: dict[Cell, int] = {}
    for r in rs:
        for c in cs:
            out[(r, c)] = int(values.get((r, c), 0))
    for r in rs:
        out[(r, TOTAL)] = sum(out[(r, c)] for c in cs)
    for c in cs:
        out[(TOTAL, c)] = sum(out[(r, c)] for r in rs)
    out[(TOTAL, TOTAL)] = sum(out[(r, TOTAL)] for r in rs)
    return rs, cs, out


def _lines(rows: tuple[str, ...], cols: tuple[str, ...]) -> list[tuple[list[Cell], Cell]]:
    """Every additive relation: (the parts, their total)."""
    out: list[tuple[list[Cell], Cell]] = []
    for r in (*rows, TOTAL):
        out.append(([(r, c) for c in cols], (r, TOTAL)))
    for c in (*cols, TOTAL):
        out.append(([(r, c) for r in rows], (TOTAL, c)))
    return out


def intervals(
    rows: tuple[str, ...],
    cols: tuple[str, ...],
    published: Mapping[Cell, int | None],
    cells: Iterable[Cell] | None = None,
) -> dict[Cell, tuple[float, float]]:
    """What an attacker learns: for each suppressed cell (or each of `cells`), the least and
    the greatest count consistent with every published number, the table's additivity and
    counts ≥ 0 (linear programming, HiGHS). An upper bound of inf: unbounded."""
    hidden = [c for c, v in published.items() if v is None]
    return _solve(hidden, _relations(rows, cols, published), cells)


def _relations(
    rows: tuple[str, ...], cols: tuple[str, ...], published: Mapping[Cell, int | None], tag=None
) -> list[tuple[list[tuple[Any, float]], float]]:
    """The table's additive lines as equations over its hidden cells: ([(cell, coefficient)],
    right-hand side); cells are (tag, cell) when a tag is given (a table among several)."""

    def key(c: Cell):
        return c if tag is None else (tag, c)

    relations = []
    for parts, total in _lines(rows, cols):
        unknown = [(key(p), 1.0) for p in parts if published[p] is None]
        known = sum(v for p in parts if (v := published[p]) is not None)
        t = published[total]
        if t is None:
            unknown.append((key(total), -1.0))
            rhs = -float(known)
        else:
            rhs = float(t - known)
        if unknown:
            relations.append((unknown, rhs))
    return relations


def _solve(hidden: list, relations: list, cells: Iterable | None) -> dict:
    """Least and greatest value of each wanted hidden unknown under `relations` and ≥ 0.

    The unknowns fall apart into groups that share no equation; each group is solved on its
    own, which keeps the programs small."""
    wanted = set(cells if cells is not None else hidden) & set(hidden)
    if not wanted:
        return {}
    parent = {c: c for c in hidden}

    def find(c):
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    for unknown, _ in relations:
        first = find(unknown[0][0])
        for cell, _coef in unknown[1:]:
            parent[find(cell)] = first
    out: dict = {}
    groups: dict = {}
    for c in hidden:
        groups.setdefault(find(c), []).append(c)
    for members in groups.values():
        targets = [c for c in members if c in wanted]
        if not targets:
            continue
        index = {c: i for i, c in enumerate(members)}
        a_rows, b = [], []
        for unknown, rhs in relations:
            if unknown[0][0] not in index:
                continue
            coef = np.zeros(len(members))
            for cell, value in unknown:
                coef[index[cell]] += value
            a_rows.append(coef)
            b.append(rhs)
        a_eq = np.asarray(a_rows) if a_rows else None
        b_eq = np.asarray(b) if b else None
        for cell in targets:
            obj = np.zeros(len(members))
            obj[index[cell]] = 1.0
            lo = linprog(obj, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
            hi = linprog(-obj, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
            low = float(lo.fun) if lo.status == 0 else 0.0
            high = -float(hi.fun) if hi.status == 0 else float("inf")
            out[cell] = (low, high)
    return out


# A table among several: (rows, columns, published cells)
Table = tuple[tuple[str, ...], tuple[str, ...], Mapping[Cell, "int | None"]]
# Two sets of cells (table name, cell) whose sums are equal: the same men counted twice
Link = tuple[list[tuple[str, Cell]], list[tuple[str, Cell]]]


def joint_intervals(
    tables: Mapping[str, Table],
    links: Iterable[Link],
    cells: Iterable[tuple[str, Cell]] | None = None,
) -> dict[tuple[str, Cell], tuple[float, float]]:
    """`intervals` for an attacker who holds several tables of the same men: each table's
    own lines, and every link (the sum of some cells of one table equals the sum of some
    cells of another: e.g. a region's months and its colonies, per outcome). Keys are
    (table name, cell)."""
    hidden = [
        (name, c) for name, (_r, _c, pub) in tables.items() for c, v in pub.items() if v is None
    ]
    relations = []
    for name, (rows, cols, pub) in tables.items():
        relations += _relations(rows, cols, pub, tag=name)
    for left, right in links:
        unknown: dict[tuple[str, Cell], float] = {}
        rhs = 0.0
        for sign, side in ((1.0, left), (-1.0, right)):
            for name, cell in side:
                v = tables[name][2][cell]
                if v is None:
                    unknown[(name, cell)] = unknown.get((name, cell), 0.0) + sign
                else:
                    rhs -= sign * v
        if unknown:
            relations.append((list(unknown.items()), rhs))
        # a link with no hidden cell tells nothing new
    return _solve(hidden, relations, cells)


def block_links(
    a: str, a_blocks: Mapping[str, str], b: str, b_blocks: Mapping[str, str], cols: Iterable[str]
) -> list[Link]:
    """The links between two tables of the same men whose rows both fall into blocks (e.g.
    regions: a region's month rows and its colony rows): for each block present in both and
    each column (the row total included), the sums of the block's cells are equal."""
    out: list[Link] = []
    for block in sorted(set(a_blocks.values()) & set(b_blocks.values())):
        a_rows = [r for r, x in a_blocks.items() if x == block]
        b_rows = [r for r, x in b_blocks.items() if x == block]
        for c in (*cols, TOTAL):
            out.append(([(a, (r, c)) for r in a_rows], [(b, (r, c)) for r in b_rows]))
    return out


def protect_jointly(
    tables: Mapping[str, Protected],
    links: Iterable[Link],
    *,
    k: int,
    blocks: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, Protected]:
    """Suppress more in tables already protected one by one (`protect`) until no count below
    k — or forced — in any of them can be narrowed to an interval shorter than k by an
    attacker holding all of them and their links (`joint_intervals`). Each weak cell gets
    another rectangle in its own table (`_complement`, within its block first); a cell with
    none left hides its whole table."""
    links = list(links)
    blocks = blocks or {}
    hidden = {name: set(p.suppressed) for name, p in tables.items()}
    pending = {(name, c) for name, p in tables.items() for c in p.primary}
    while pending:
        published = {
            name: (
                p.rows,
                p.cols,
                {c: (None if c in hidden[name] else v) for c, v in p.values.items()},
            )
            for name, p in tables.items()
        }
        bounds = joint_intervals(published, links, pending)
        weak = [key for key, (lo, hi) in bounds.items() if hi - lo < k]
        pending = set(weak)
        for name, cell in weak:
            p = tables[name]
            b = blocks.get(name, {})
            extra = _complement(cell, p.rows, p.cols, p.values, hidden[name], k, b)
            if extra is None and b:
                extra = _complement(cell, p.rows, p.cols, p.values, hidden[name], k, {})
            hidden[name] |= extra if extra is not None else set(p.values)
    return {
        name: Protected(p.rows, p.cols, p.values, frozenset(hidden[name]), p.primary)
        for name, p in tables.items()
    }


def protect(
    values: Mapping[Cell, int],
    rows: Iterable[str],
    cols: Iterable[str],
    *,
    k: int,
    forced: Iterable[Cell] = (),
    blocks: Mapping[str, str] | None = None,
) -> Protected:
    """Suppress the table (interior cells in `values`, margins computed) so that no count
    below k shows and no suppressed cell can be narrowed to an interval shorter than k.

    `forced`: extended cells to suppress whatever their count (the ledger's); `blocks`: row →
    block, rows that may pair in a rectangle (default: all one block). Raises
    ValueError for k < 2 or a row/column named "*".
    """
    if k < 2:
        raise ValueError("k must be at least 2")
    rs, cs, ext = extend(values, rows, cols)
    forced_set = {c for c in forced if c in ext}
    primary = {c for c, v in ext.items() if 0 < v < k} | forced_set
    suppressed = set(primary)
    pending = set(primary)
    while pending:
        published = {c: (None if c in suppressed else v) for c, v in ext.items()}
        bounds = intervals(rs, cs, published, pending)
        weak = [c for c, (lo, hi) in bounds.items() if hi - lo < k]
        pending = set(weak)
        if not weak:
            break
        for cell in weak:  # one rectangle for each weak cell, then audit again
            extra = _complement(cell, rs, cs, ext, suppressed, k, blocks or {})
            if extra is None and blocks:  # alone in its block: pair across blocks
                extra = _complement(cell, rs, cs, ext, suppressed, k, {})
            if extra is None:
                # No rectangle left around it: hide the whole table rather than show it.
                return Protected(rs, cs, ext, frozenset(ext), frozenset(primary))
            suppressed |= extra
    return Protected(rs, cs, ext, frozenset(suppressed), frozenset(primary))


def _complement(
    cell: Cell,
    rows: tuple[str, ...],
    cols: tuple[str, ...],
    ext: Mapping[Cell, int],
    hidden: set[Cell],
    k: int,
    blocks: Mapping[str, str],
) -> set[Cell] | None:
    """The cells to hide beside `cell` so that it can move by k: the corners of a rectangle
    (Repsilber's hypercube method in two dimensions; Hundepool et al. 2012, 4.4.3).

    For an interior cell (r, c) the rectangle (r, c'), (r', c), (r', c') lets its count move
    by min(x_rc, x_r'c') + min(x_rc', x_r'c) without changing a margin; for a row total
    (r, *) the cells (r, c), (r', c), (r', *) do the same across two rows (columns likewise).
    The cheapest rectangle (fewest men newly hidden) that lets the cell move by k is chosen;
    if none does, the one that moves it most. Rows pair only within their block (`blocks`:
    row → e.g. its region), so the sums of a block's rows — which another table may show —
    do not change. None when the table has no other row or column to pair with.
    """
    r, c = cell
    options: list[tuple[int, int, frozenset[Cell]]] = []

    def consider(corners: list[Cell], width: int) -> None:
        new = frozenset(x for x in corners if x not in hidden)
        if not new:
            return
        cost = sum(ext[x] for x in new)
        options.append((0 if width >= k else 1, cost if width >= k else -width, new))

    def same_block(r2: str) -> bool:
        return r2 != r and blocks.get(r2, "") == blocks.get(r, "")

    if r != TOTAL and c != TOTAL:
        for r2 in rows:
            if not same_block(r2):
                continue
            for c2 in cols:
                if c2 == c:
                    continue
                width = min(ext[(r, c)], ext[(r2, c2)]) + min(ext[(r, c2)], ext[(r2, c)])
                consider([(r, c2), (r2, c), (r2, c2)], width)
    elif c == TOTAL and r != TOTAL:
        for r2 in rows:
            if not same_block(r2):
                continue
            for c2 in cols:
                width = min(ext[(r, c2)], ext[cell]) + min(ext[(r2, c2)], ext[(r2, TOTAL)])
                consider([(r, c2), (r2, c2), (r2, TOTAL)], width)
    elif r == TOTAL and c != TOTAL:
        for c2 in cols:
            if c2 == c:
                continue
            for r2 in rows:
                width = min(ext[(r2, c)], ext[cell]) + min(ext[(r2, c2)], ext[(TOTAL, c2)])
                consider([(r2, c), (r2, c2), (TOTAL, c2)], width)
    if not options:
        return None
    return set(min(options, key=lambda o: (o[0], o[1], sorted(o[2])))[2])


def ledger_forced(
    values: Mapping[Cell, int],
    earlier: Iterable[Mapping[Cell, tuple[int, bool]]],
    *,
    k: int,
) -> set[Cell]:
    """Cells of a new release to suppress because of earlier releases of the same table.

    `values`: the new extended table; each of `earlier`: an older release's extended cells as
    {cell: (true count, suppressed?)}. A cell is forced when, against some earlier release,
    (a) it was suppressed there and its count moved by less than k (showing it now would
    pin the old count within k), or (b) it was shown there and moved by 1 to k − 1 (the
    difference of the two releases would be a group of fewer than k men)."""
    out: set[Cell] = set()
    for old in earlier:
        for cell, v in values.items():
            if cell not in old:
                if 0 < v < k:
                    out.add(cell)
                continue
            before, was_hidden = old[cell]
            moved = abs(v - before)
            if (was_hidden and moved < k) or (not was_hidden and 0 < moved < k):
                out.add(cell)
    return out
