"""Two tables of the same men: region × month × outcome and colony × outcome. An attacker who
holds both adds to each table's own lines the links between them (a region's month rows and
its colony rows sum to the same count per outcome) and bounds every hidden count by linear
programming; no count under k may be narrowed to an interval shorter than k."""

from kintrace.releases import sdc

COLS = ("dead", "alive", "missing")
K = 5
COLONY_REGION = {"C0": "R1", "C1": "R1", "C2": "R2"}
# 22 men in three colonies of two regions, over two months: each table protected on its own
# hides every small count well, but together the tables pin R2|02 × missing at exactly 2.
REGION_MONTH = {
    ("R1|01", "dead"): 3,
    ("R1|01", "alive"): 1,
    ("R1|02", "dead"): 3,
    ("R1|02", "alive"): 4,
    ("R1|02", "missing"): 4,
    ("R2|01", "dead"): 3,
    ("R2|01", "alive"): 1,
    ("R2|01", "missing"): 1,
    ("R2|02", "missing"): 2,
}
COLONY = {
    ("C0", "dead"): 3,
    ("C0", "alive"): 4,
    ("C0", "missing"): 2,
    ("C1", "dead"): 3,
    ("C1", "alive"): 1,
    ("C1", "missing"): 2,
    ("C2", "dead"): 3,
    ("C2", "alive"): 1,
    ("C2", "missing"): 3,
}


def _one_by_one():
    rm_rows = sorted({r for r, _c in REGION_MONTH})
    rm_blocks = {r: r.split("|")[0] for r in rm_rows}
    rm = sdc.protect(REGION_MONTH, rm_rows, COLS, k=K, blocks=rm_blocks)
    colony = sdc.protect(COLONY, sorted(COLONY_REGION), COLS, k=K, blocks=COLONY_REGION)
    links = sdc.block_links("rm", rm_blocks, "colony", COLONY_REGION, COLS)
    return {"rm": rm, "colony": colony}, links, {"rm": rm_blocks, "colony": COLONY_REGION}


def _attack(tables, links):
    """The small hidden counts the attacker narrows to fewer than k values."""
    published = {name: (p.rows, p.cols, p.published()) for name, p in tables.items()}
    small = [
        (name, cell)
        for name, p in tables.items()
        for cell, v in p.values.items()
        if cell in p.suppressed and 0 < v < K
    ]
    bounds = sdc.joint_intervals(published, links, small)
    return {key: b for key, b in bounds.items() if b[1] - b[0] < K}


def test_each_table_alone_is_safe_but_the_two_together_reveal_a_small_count():
    tables, links, _blocks = _one_by_one()
    for p in tables.values():
        alone = sdc.intervals(p.rows, p.cols, p.published(), p.primary)
        assert all(hi - lo >= K for lo, hi in alone.values())
    recovered = _attack(tables, links)
    assert recovered[("rm", ("R2|02", "missing"))] == (2.0, 2.0)


def test_joint_suppression_leaves_the_attacker_holding_both_tables_no_small_count():
    tables, links, blocks = _one_by_one()
    joint = sdc.protect_jointly(tables, links, k=K, blocks=blocks)
    assert not _attack(joint, links)
    for name, p in joint.items():
        assert p.suppressed >= tables[name].suppressed  # only ever more hidden
        assert all(v is None or v == 0 or v >= K for v in p.published().values())


def test_a_built_release_holds_up_against_the_joint_attack(overlapping, make_staff):
    from kintrace.releases.services import release_build

    release = release_build(actor=make_staff("coordinator"))
    tables, blocks = {}, {}
    for name in ("region_month", "colony"):
        ledger = release.ledger[name]
        values, hidden = {}, set()
        for key, (v, was_hidden) in ((k, x) for k, x in ledger.items() if k != "__rows__"):
            cell = tuple(key.split("\t", 1))
            values[cell] = v
            if was_hidden:
                hidden.add(cell)
        rows = tuple(sorted(ledger["__rows__"]))
        cols = tuple(release.content["tables"][name]["columns"])
        tables[name] = sdc.Protected(rows, cols, values, frozenset(hidden), frozenset())
        blocks[name] = {r: m["region"] for r, m in ledger["__rows__"].items()}
    links = sdc.block_links(
        "region_month", blocks["region_month"], "colony", blocks["colony"], cols
    )
    assert not _attack(tables, links)
