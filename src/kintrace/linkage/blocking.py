"""How many pairs each blocking rule brings to the scoring, for the progress log.

The pairs are what the time of `predict` goes into: a mix of records that makes one rule's
blocks large (many Latin spellings that read alike, a surname or given name that dominates
a file) shows here first. Splink materialises the blocked pairs before it scores them; they
are counted per rule on that table (`match_key` is the rule's index, a pair counted under the
first rule that found it), which costs one pass over the pair ids, not another join.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any  # the Splink linker: no type hints we can rely on

__all__ = ["pairs_per_rule", "report_pairs_per_rule"]


def pairs_per_rule(linker: Any, backend: str) -> list[int] | None:
    """Pairs each prediction rule adds (in the rules' order), from the blocked pairs the
    linker will score; None where the backend's table cannot be read here (Spark)."""
    if backend != "duckdb":
        return None
    blocked = linker.inference.compute_blocked_pairs_for_predict()
    rows = (
        blocked.as_duckdbpyrelation().aggregate("match_key, count(*) AS n", "match_key").fetchall()
    )
    rules = linker._settings_obj._blocking_rules_to_generate_predictions
    counts = [0] * len(rules)
    for key, n in rows:
        counts[int(key)] = int(n)
    return counts


def report_pairs_per_rule(linker: Any, backend: str, say: Callable[[str], None]) -> None:
    """One progress line per rule: its pairs and the rule (shortened)."""
    counts = pairs_per_rule(linker, backend)
    if counts is None:
        return
    rules = linker._settings_obj._blocking_rules_to_generate_predictions
    total = sum(counts)
    say(f"blocking: {total} pairs to score from {len(rules)} rules")
    for i, (rule, n) in enumerate(zip(rules, counts, strict=True)):
        text = " ".join(rule.blocking_rule_sql.split())
        say(f"blocking rule {i}: {n} pairs ({n / total if total else 0:.1%})  {text[:110]}")
