"""Person-level scores at the list's prevalence (issue 11).

The engine scores records; the registry holds a person under several name variants ("Тимофеев
Борис Юрьевич", "Timofeev Boris", "ТИМОФЕЕВ Б.Ю."). A reviewer decides about persons, so:

1. `by_person` folds a record's pairs with every variant of a person into one pair whose
   comparisons are true of the person: a part known from any variant is known (the best
   level), and a given name or patronymic that conflicts with any variant that names the
   same family (surname not against) counts against (the worst level).
2. `cap_conflicts`: when the given name or the patronymic conflicts, a shared surname and
   colony say "the same family, the same place" - which a brother or a namesake explains as
   well as one man does - so together they add at most `CONFLICT_CAP` bits, however rare
   the surname.
3. `known_names_differ`: a name one or two letters from another *known* name (Тихомиров /
   Тихонов, Юрьевич / Игоревич: both in the population tables) is that other name, not a
   typo: a surname's close level says nothing for the pair (so it never outranks the exact
   surname), a given name's or patronymic's counts as different.
4. `expected_share` / `competing_probability`: each list entry is at most one registry
   person. With π the share of the list's entries expected in the registry (estimated from
   the data by a fixed point, pulled towards a starting share by `PRIOR_ENTRIES`
   pseudo-entries so that three rows cannot claim "everyone is here") and N persons,
   P(entry i is person j) = a·L_ij / ((1 − π) + a·Σ_k L_ik), a = π / max(N, POPULATION).
   A lone candidate of an entry that is probably nobody stays low; two persons that fit
   equally share the probability (and go to review as ambiguous).
5. `namesake_share` / `cap_names`: the share r of rare full-name agreements that are
   namesakes is read from the data (dates that could agree and do not); names alone then
   say at most "(1 - r) : r".
6. `family_share` / `family_evidence`: the share f of same-surname pairs with other given
   names whose patronymics agree beyond the patronymic's frequency (relatives: brothers) is
   read from the two sides' names; beside a conflicting given name an agreeing patronymic
   then weighs log2(m / (f + (1 - f) u)) instead of log2(m / u); an agreeing full date
   beside them is what twins share (TWIN_SHARE).

`score_persons` (a list, a report) and `dedupe_persons` (the registry) run the engine twice:
the blocking rules find candidate persons, then every variant of each candidate is scored
(a variant no rule reaches still counts). docs/linkage.md, "Person-level scores".

Pure pandas/numpy, no Django: lists, registry dedupe and intake triage call it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kintrace.linkage.engine import population_tf, score
from kintrace.linkage.model import Parameters

# Comparisons whose conflict with one reliable variant counts against the person.
NAME_PARTS = ("given_name", "patronymic")
# Bits a shared surname (rarity included) and facility may add together when a given name
# or patronymic conflicts. 6 bits = 64:1, what "same surname in the same colony" is worth
# among a family's or a town's men (docs/linkage.md, "Person-level scores").
CONFLICT_CAP = 6.0
# A registry smaller than this still stands for a population of men (as Parameters.MAX_PRIOR).
POPULATION = 1000
# How many entries' worth the starting share counts for in the estimate of π.
PRIOR_ENTRIES = 100
# However many entries seem to have a partner, "none of them" stays possible.
MAX_SHARE = 0.99
MIN_SHARE = 0.001
# Two persons whose Bayes factors for one entry are within this ratio fit it about equally.
AMBIGUOUS_RATIO = 4.0
# Candidate persons are found down to this Bayes factor (log2): a person whose best variant
# is this weak adds nothing to an entry's sum of candidates.
FLOOR_BITS = 0.0


# Candidates this many bits below what a pair needs to reach even an even chance add
# nothing worth their join: at a million persons most blocked pairs (a shared surname and
# year, +12 bits) are far below the 22 bits an entry needs there.
FLOOR_MARGIN = 12.0


def score_floor(prior: float, needed_bits: float = -math.inf) -> float:
    """The pairwise probability (at `prior`) of a pair with Bayes factor
    2**max(FLOOR_BITS, needed_bits - FLOOR_MARGIN)."""
    bits = max(FLOOR_BITS, needed_bits - FLOOR_MARGIN)
    odds = prior / (1 - prior) * 2.0**bits
    return float(odds / (1 + odds))


def levels(
    pairs: pd.DataFrame, params: Parameters
) -> dict[str, tuple[list[str], np.ndarray, np.ndarray]]:
    """Comparison -> (level labels, level index per pair, total weight per pair with the TF
    adjustment). Splink returns each comparison's weight; the level is the one with that
    weight (weight 0 with no level of weight 0 is a missing value on one side)."""
    out = {}
    for comp, level_params in params.effective_levels().items():
        mw = pairs.get(f"mw_{comp}")
        if mw is None:
            continue
        mw = mw.astype(float).fillna(0.0).to_numpy()
        names = ["missing", *level_params]
        weights = np.array([0.0, *(math.log2(m / u) for m, u in level_params.values())])
        level = np.abs(mw[:, None] - weights[None, :]).argmin(axis=1)
        tf = pairs.get(f"mw_tf_adj_{comp}")
        total = mw + (tf.astype(float).fillna(0.0).to_numpy() if tf is not None else 0.0)
        out[comp] = (names, level, total)
    return out


def _adjust(pairs: pd.DataFrame, comp: str, delta: np.ndarray) -> pd.DataFrame:
    """Add `delta` bits to a comparison through its adjustment column (the level, read from
    mw_<comp>, stays), and to the pair's match weight."""
    col = f"mw_tf_adj_{comp}"
    base = pairs[col].astype(float).fillna(0.0) if col in pairs else 0.0
    out = pairs.assign(**{col: base + delta})
    if "match_weight" in out:
        out["match_weight"] = out["match_weight"].astype(float) + delta
    return out


# Comparison -> (population table, prepared key column, lowest share that counts as known:
# the tables' tails hold parsing noise such as "il")
KNOWN_TABLES = {"surname": "surname_key", "given_name": "given_key", "patronymic": "patronymic_key"}
KNOWN_MIN_SHARE = {"surname": 2e-6, "given_name": 1e-5, "patronymic": 1e-5}
# Levels a slip of the pen explains, and another known name explains better
CLOSE_LEVELS = {
    "surname": ("one edit", "similar", "two edits"),
    "given_name": ("one edit", "similar"),
    "patronymic": ("close",),
}


def known_names_differ(
    pairs: pd.DataFrame, params: Parameters, keys_l: pd.DataFrame, keys_r: pd.DataFrame
) -> pd.DataFrame:
    """A name one or two letters from another *known* name is that other name (Тихомиров /
    Тихонов, Юрьевич / Игоревич, Юрий / Юлий), not a typo: a surname's close level then
    says nothing (never more than the exact surname), a given name's or patronymic's counts
    as different. `keys_l/_r`: prepared key columns indexed by unique id."""

    if not len(pairs):
        return pairs
    lv = levels(pairs, params)
    tables = population_tf()
    for comp, column in KNOWN_TABLES.items():
        if comp not in lv or column not in keys_l or column not in keys_r:
            continue
        names, level, total = lv[comp]
        close = np.isin(np.array(names, dtype=object)[level], CLOSE_LEVELS[comp]) & (total > 0)
        if not close.any():
            continue
        table, floor = tables[column], KNOWN_MIN_SHARE[comp]
        left = pairs["unique_id_l"].map(keys_l[column]).to_numpy(dtype=object)
        right = pairs["unique_id_r"].map(keys_r[column]).to_numpy(dtype=object)
        both = np.array(
            [
                bool(c) and a != b and table.get(a, 0) >= floor and table.get(b, 0) >= floor
                for a, b, c in zip(left, right, close, strict=True)
            ],
            dtype=bool,
        )
        if not both.any():
            continue
        if comp == "surname":
            target = 0.0
        else:
            m, u = params.effective_levels()[comp]["different"]
            target = math.log2(m / u)
        pairs = _adjust(pairs, comp, np.where(both, target - total, 0.0))
    return pairs


def cap_conflicts(pairs: pd.DataFrame, params: Parameters) -> pd.DataFrame:
    """When the given name or the patronymic conflicts (a negative level: different, initial
    conflicts), surname and facility together add at most CONFLICT_CAP bits."""
    if not len(pairs):
        return pairs
    lv = levels(pairs, params)
    conflict = np.zeros(len(pairs), dtype=bool)
    for comp in NAME_PARTS:
        if comp in lv:
            conflict |= lv[comp][2] < 0
    sur = lv["surname"][2] if "surname" in lv else np.zeros(len(pairs))
    fac = lv["facility"][2] if "facility" in lv else np.zeros(len(pairs))
    pos_s, pos_f = np.maximum(sur, 0), np.maximum(fac, 0)
    excess = np.where(conflict, np.maximum(pos_s + pos_f - CONFLICT_CAP, 0), 0.0)
    if not excess.any():
        return pairs
    # the facility gives way first, then the surname's rarity and its agreement
    from_fac = np.minimum(excess, pos_f)
    out = _adjust(pairs, "facility", -from_fac)
    return _adjust(out, "surname", -(excess - from_fac))


# The namesake share of full-name agreements before the data says otherwise, and how many
# comparable pairs that guess counts for.
NAMESAKE_START = 0.02
NAMESAKE_PRIOR_PAIRS = 50
# What a date conflict looks like for one man (m) and for a namesake (u): the model's
# "different", "one year apart" and "another full date" levels together.
DATE_CONFLICT_M = 0.012
DATE_CONFLICT_U = 0.98
NAME_PARTS_ALL = ("surname", "given_name", "patronymic")


def namesake_share(
    pairs: pd.DataFrame, params: Parameters, n_persons: int = POPULATION
) -> tuple[float, int]:
    """(share of full-name agreements that are namesakes, entries it was read from): among
    entries with a person-level candidate whose surname, given name and patronymic all
    agree, rare enough for the tables to expect no namesake among `n_persons` (the name
    parts' bits >= log2 N + 3), and whose birth dates can be compared, the share where no
    such candidate's date agrees, corrected for the few of one man's records that conflict
    too. A list written from the registry's families and towns has many; a population few."""
    if not len(pairs):
        return NAMESAKE_START, 0
    lv = levels(pairs, params)
    if not all(c in lv for c in (*NAME_PARTS_ALL, "birth_date")):
        return NAMESAKE_START, 0
    full = np.ones(len(pairs), dtype=bool)
    for comp in NAME_PARTS_ALL:
        full &= lv[comp][2] > 0
    # Only names rare enough that the frequency tables expect no namesake among this many
    # persons (at most 1 in 8): a common name's namesakes are the tables' business already.
    bits = sum((lv[c][2] for c in NAME_PARTS_ALL), np.zeros(len(pairs)))
    full &= bits >= math.log2(max(n_persons, POPULATION)) + 3
    names, level, total = lv["birth_date"]
    comparable = full & (np.array(names, dtype=object)[level] != "missing")
    # Per entry, not per pair: a true entry of a common name has the registry's random
    # namesakes beside its own man, which the name's frequency already accounts for; the
    # entry is a namesake's when none of its comparable full-name candidates agrees.
    per = pd.DataFrame(
        {"entry": pairs["unique_id_l"].to_numpy()[comparable], "agrees": total[comparable] >= 0}
    )
    agrees = per.groupby("entry")["agrees"].any()
    conflicts = float((~agrees).sum())
    n = int(len(agrees))
    if n:
        observed = conflicts / n
        share = max(observed - DATE_CONFLICT_M, 0.0) / (DATE_CONFLICT_U - DATE_CONFLICT_M)
    else:
        share = NAMESAKE_START
    k = NAMESAKE_PRIOR_PAIRS
    return float(min(max((share * n + k * NAMESAKE_START) / (n + k), 1e-4), 0.9)), n


# The family share before the data says otherwise, and how many same-surname pairs with
# different given names that guess counts for.
FAMILY_START = 0.05
FAMILY_PRIOR_PAIRS = 50
FAMILY_BOUNDS = (1e-4, 0.95)
FAMILY_KEYS = ("surname_key", "given_key", "patronymic_key")
# P(two brothers share a full birth date): twins. About 1-2 % of Russian births are multiple
# births (Rosstat); no data here to read it from, so the upper end stands.
TWIN_SHARE = 0.02


def _full_names(frame: pd.DataFrame | None, unit: pd.Series | None) -> pd.DataFrame:
    """(unit, surname, given, patronymic) keys of the records naming all three in full, one
    row per unit and name."""
    if frame is None or not all(k in frame for k in FAMILY_KEYS):
        return pd.DataFrame(columns=["unit", *FAMILY_KEYS])
    keys = frame.loc[:, list(FAMILY_KEYS)].astype(object)
    keys = keys.assign(unit=unit.to_numpy() if unit is not None else np.arange(len(keys)))
    known = np.ones(len(keys), dtype=bool)
    for k in FAMILY_KEYS:
        col = keys[k]
        known &= (col.notna() & (col.astype(str).str.len() > 1)).to_numpy()
    return keys[known].drop_duplicates().reset_index(drop=True)


def family_share(left: pd.DataFrame, right: pd.DataFrame) -> tuple[float, int]:
    """(f, pairs it was read from): the share of pairs of *different men* sharing a surname
    whose patronymics agree because they are relatives (brothers: one father), beyond what
    the patronymic's frequency explains. Read from the record pairs of the two sides (one
    row per unit and full name, `_full_names`) that share a surname and whose given names
    differ (so, mostly, two men):

        o = #(same surname, same patronymic, other given name) / n,
        n = #(same surname, other given name),
        e = mean over those n pairs of q(left patronymic)   (the population's share),
        f_obs = max(o - e, 0) / (1 - e),

    pulled towards FAMILY_START by FAMILY_PRIOR_PAIRS pseudo-pairs. Counted from group
    sizes, not by joining, so a common surname costs nothing. Both sides may be one table
    (the registry's duplicate search): a row never counts with itself (its given name is its
    own)."""

    if not len(left) or not len(right):
        return FAMILY_START, 0

    def count(by: list[str]) -> np.ndarray:
        sizes = right.groupby(by, sort=False).size().rename("n")
        return np.asarray(left[by].join(sizes, on=by)["n"].fillna(0).to_numpy(dtype=float))

    s = count(["surname_key"])
    sg = count(["surname_key", "given_key"])
    sp = count(["surname_key", "patronymic_key"])
    sgp = count(["surname_key", "given_key", "patronymic_key"])
    other_given = s - sg
    n = float(other_given.sum())
    if n > 0:
        table = population_tf()["patronymic_key"]
        floor = KNOWN_MIN_SHARE["patronymic"]
        q = left["patronymic_key"].map(table).fillna(0.0).clip(lower=floor).to_numpy(float)
        e = float((q * other_given).sum() / n)
        o = float((sp - sgp).sum()) / n
        observed = max(o - e, 0.0) / (1 - e)
    else:
        observed = FAMILY_START
    k = FAMILY_PRIOR_PAIRS
    f = (observed * n + k * FAMILY_START) / (n + k)
    return float(min(max(f, FAMILY_BOUNDS[0]), FAMILY_BOUNDS[1])), int(n)


def family_evidence(pairs: pd.DataFrame, params: Parameters, family: float) -> pd.DataFrame:
    """Re-weigh an agreeing patronymic beside an agreeing surname and a conflicting given
    name ("Бойцов Илья Вадимович" / "Бойцов Алексей Вадимович": brothers) as

        log2(m_p / (f + (1 - f) * u_p)),   u_p = m_p * 2**-w_p,

    w_p its weight (term frequency included), m_p its level's m, f = `family_share`.

    Fellegi-Sunter's independence says P(patronymics agree | two men) = u_p, the
    patronymic's frequency. Among two men who share a surname that is false: a share f of
    them are relatives with one father, whose patronymics always agree. So, conditioning the
    patronymic on the surname (the chain rule, the prior of the mixture read from the
    frequencies above), P(patronymics agree | surnames agree, two men) = f + (1 - f) u_p.
    Where the given names agree the relatives' term drops out (brothers are not named
    alike, P(given agrees | brother) ~ 0), so full-name agreements keep their weight and
    this applies only where the given name conflicts. A patronymic's initial agreeing is
    treated the same way (a brother's agrees too). The place stays under CONFLICT_CAP.

    A full birth date that agrees ("same day") is what twins share: the relatives' term then
    carries P(same day | brother) = TWIN_SHARE + (1 - TWIN_SHARE) u_d, so patronymic and
    date together weigh log2(m_p m_d / (f (TWIN_SHARE + (1 - TWIN_SHARE) u_d) + (1 - f)
    u_p u_d)); any other date level is a stranger's to a brother too, and keeps its weight."""
    if not len(pairs):
        return pairs
    lv = levels(pairs, params)
    if not all(c in lv for c in ("surname", "given_name", "patronymic")):
        return pairs
    names, level, w = lv["patronymic"]
    family_like = (lv["surname"][2] > 0) & (lv["given_name"][2] < 0) & (w > 0)
    if not family_like.any():
        return pairs
    effective = params.effective_levels()["patronymic"]
    m = np.array([effective[n][0] if n in effective else 1.0 for n in names])[level]
    u = m * np.exp2(-np.clip(w, -500, 500))
    target = np.log2(m / (family + (1 - family) * u))
    out = _adjust(pairs, "patronymic", np.where(family_like, np.minimum(target - w, 0.0), 0.0))
    if "birth_date" not in lv or "same day" not in lv["birth_date"][0]:
        return out
    d_names, d_level, wd = lv["birth_date"]
    twins = family_like & (d_level == d_names.index("same day"))
    if not twins.any():
        return out
    md = params.effective_levels()["birth_date"]["same day"][0]
    ud = md * np.exp2(-np.clip(wd, -500, 500))
    rel = family * (TWIN_SHARE + (1 - TWIN_SHARE) * ud)
    both = np.log2(m * md / (rel + (1 - family) * u * ud))
    new_p = np.minimum(target, w)
    return _adjust(out, "birth_date", np.where(twins, np.minimum(both - new_p - wd, 0.0), 0.0))


# "The years agree and one side gives only a year": P(the years agree | one man). The model's
# slip levels ("one digit off", "one year apart") take most of the rest.
YEAR_ONLY_M = 0.95
# P(two different men were born the same year) when the data cannot say: men recruited from
# the colonies were born over about four decades, most of them in two or three.
YEAR_COLLISION_DEFAULT = 1 / 30
YEAR_COLLISION_MIN_YEARS = 200  # known birth years a side needs before its spread is read
YEAR_COLLISION_BOUNDS = (1 / 100, 1 / 5)


def year_collision(left_years: pd.Series, right_years: pd.Series) -> float:
    """P(a list entry and a registry person who are different men share a birth year):
    sum over years of p_list(y) * p_registry(y), from the known years of each side (the
    registry's spread stands for the list's when the list has too few), bounded to
    YEAR_COLLISION_BOUNDS; YEAR_COLLISION_DEFAULT when neither side has
    YEAR_COLLISION_MIN_YEARS known years. Years are integers; NaN is unknown."""
    r = pd.to_numeric(right_years, errors="coerce").dropna()
    if len(r) < YEAR_COLLISION_MIN_YEARS:
        return YEAR_COLLISION_DEFAULT
    pr = r.value_counts(normalize=True)
    lyears = pd.to_numeric(left_years, errors="coerce").dropna()
    pl = lyears.value_counts(normalize=True) if len(lyears) >= YEAR_COLLISION_MIN_YEARS else pr
    c = float((pl * pr.reindex(pl.index, fill_value=0.0)).sum())
    return min(max(c, YEAR_COLLISION_BOUNDS[0]), YEAR_COLLISION_BOUNDS[1])


def year_only_evidence(pairs: pd.DataFrame, params: Parameters, collision: float) -> pd.DataFrame:
    """Re-weigh the "same year" level (the years agree, one side gives only a year) as
    log2(YEAR_ONLY_M / collision) bits.

    The packaged m and u of that level are shares of all pairs, so they carry how often a
    side gives only a year — and that differed between the matches and the non-matches of
    the data the model was trained on (m 0.15, u 0.013: 3.5 bits, where an agreeing year
    among recruits born over four decades says about 5). Whether a source writes only the
    year does not depend on whether the two records are one man, so it cancels from the
    Bayes factor (Fellegi & Sunter 1969; Winkler 1988 on conditioning on the fields
    present); what is left is P(agree | one man) / P(agree | two men). Without this, full
    names with an agreeing year sat at 0.93 where 0.99 of them were the same man (issue 11's
    calibration table). Pairs whose given name or patronymic conflicts keep the packaged
    weight."""
    if not len(pairs):
        return pairs
    lv = levels(pairs, params)
    if "birth_date" not in lv:
        return pairs
    names, level, _total = lv["birth_date"]
    if "same year" not in names:
        return pairs
    i = names.index("same year")
    # Where the given name or patronymic conflicts, the other man is most likely a relative
    # or a townsman (brothers, cousins), born close by more often than the population's
    # spread says: there the packaged, smaller weight stays.
    conflict = np.zeros(len(pairs), dtype=bool)
    for comp in NAME_PARTS:
        if comp in lv:
            conflict |= lv[comp][2] < 0
    m, u = params.effective_levels()["birth_date"]["same year"]
    delta = math.log2(YEAR_ONLY_M / collision) - math.log2(m / u)
    return _adjust(pairs, "birth_date", np.where((level == i) & ~conflict, delta, 0.0))


def cap_names(pairs: pd.DataFrame, params: Parameters, cap: float) -> pd.DataFrame:
    """The three name parts together add at most `cap` bits (taken off the surname: its
    rarity is what a namesake shares)."""
    if not len(pairs):
        return pairs
    lv = levels(pairs, params)
    pos = sum((np.maximum(lv[c][2], 0) for c in NAME_PARTS_ALL if c in lv), np.zeros(len(pairs)))
    excess = np.maximum(pos - cap, 0)
    return _adjust(pairs, "surname", -excess) if excess.any() else pairs


def by_person(
    pairs: pd.DataFrame,
    params: Parameters,
    person_r: dict[Any, Any] | pd.Series,
    person_l: dict[Any, Any] | pd.Series | None = None,
) -> pd.DataFrame:
    """One row per (left unit, right person): left unit is the left record, or its person
    when `person_l` is given (dedupe: the pair is unordered, a person never pairs with
    himself). Columns: unique_id_l/_r (the variants of the strongest pair), person_l,
    person_r, mw_*/mw_tf_adj_*/gamma_* per comparison as chosen, `bayes` (log2 Bayes factor:
    the sum of the chosen weights)."""
    if not len(pairs):
        return pairs.assign(
            person_l=pd.Series(dtype=object),
            person_r=pd.Series(dtype=object),
            bayes=pd.Series(dtype=float),
        )
    pairs = pairs.reset_index(drop=True)
    pr = pairs["unique_id_r"].map(person_r)
    pl = pairs["unique_id_l"].map(person_l) if person_l is not None else pairs["unique_id_l"]
    if person_l is not None:  # unordered: (smaller, larger), never a person with himself
        swap = pl.astype(str) > pr.astype(str)
        pl, pr = pl.where(~swap, pr), pr.where(~swap, pl)
        keep = (pl != pr).to_numpy()
        pairs, pl, pr = (
            pairs[keep].reset_index(drop=True),
            pl[keep].reset_index(drop=True),
            pr[keep].reset_index(drop=True),
        )
        if not len(pairs):
            return by_person(pairs.iloc[:0], params, person_r)
    group = pd.MultiIndex.from_arrays([pl.astype(str), pr.astype(str)]).factorize()[0]
    lv = levels(pairs, params)
    surname_ok = lv["surname"][2] >= 0 if "surname" in lv else np.ones(len(pairs), bool)
    rows = {}
    for comp, (_names, _level, total) in lv.items():
        key = total.copy()
        if comp in NAME_PARTS:
            # a conflict with a variant naming the same family wins, the worst one first
            conflict = surname_ok & (total < 0)
            key = np.where(conflict, 1e6 - total, total)
        rows[comp] = pd.Series(key).groupby(group, sort=False).idxmax().to_numpy()
    strongest = pairs["match_weight"].astype(float).groupby(group, sort=False).idxmax()
    first = strongest.to_numpy()
    out = pd.DataFrame(
        {
            "unique_id_l": pairs["unique_id_l"].to_numpy()[first],
            "unique_id_r": pairs["unique_id_r"].to_numpy()[first],
            "person_l": pl.to_numpy()[first],
            "person_r": pr.to_numpy()[first],
        }
    )
    bayes = np.zeros(len(out))
    for comp, idx in rows.items():
        for col in (f"mw_{comp}", f"mw_tf_adj_{comp}", f"gamma_{comp}"):
            if col in pairs:
                out[col] = pairs[col].to_numpy()[idx]
        bayes += lv[comp][2][idx]
    out["bayes"] = bayes
    return out


def _bayes_factors(bits: np.ndarray) -> np.ndarray:
    return np.asarray(np.exp2(np.clip(bits, -500, 500)))


def expected_share(
    entry: np.ndarray,
    bits: np.ndarray,
    n_entries: int,
    n_persons: int,
    start: float,
    weight: float = PRIOR_ENTRIES,
) -> float:
    """π: the share of the list's entries expected to be registry persons, by a fixed point
    (each entry's probability of having a partner, averaged), with `start` counting for
    `weight` entries. `entry`: entry codes (0..) of each person-level pair, `bits` its log2
    Bayes factor."""
    if n_entries <= 0:
        return start
    s = np.bincount(entry, _bayes_factors(bits)) if len(entry) else np.zeros(0)
    n = max(n_persons, POPULATION)
    pi = start
    for _ in range(200):
        a = pi / n
        post = float((a * s / ((1 - pi) + a * s)).sum())
        new = min(max((post + weight * start) / (n_entries + weight), MIN_SHARE), MAX_SHARE)
        done = abs(new - pi) < 1e-7
        pi = new
        if done:
            break
    return pi


def competing_probability(
    entry: np.ndarray, bits: np.ndarray, n_persons: int, share: float
) -> np.ndarray:
    """P(entry is this person) when each entry is at most one of n_persons persons and is
    one of them with probability `share`."""
    lik = _bayes_factors(bits)
    s = np.bincount(entry, lik) if len(entry) else np.zeros(0)
    a = share / max(n_persons, POPULATION)
    return np.asarray(a * lik / ((1 - share) + a * s[entry]))


@dataclass(frozen=True)
class Prevalence:
    share: float  # π used
    start: float  # the starting share (the list's kind, or the caller's)
    entries: int  # entries it was estimated from
    estimated: bool  # False: `start` was used as given
    namesakes: float = NAMESAKE_START  # share of full-name agreements that are namesakes
    namesake_pairs: int = 0  # entries with comparable full-name candidates it was read from
    family: float = FAMILY_START  # share of same-surname other men who are relatives
    family_pairs: int = 0  # same-surname pairs with other given names it was read from


def link_persons(
    pairs: pd.DataFrame,
    params: Parameters,
    *,
    person_r: dict[Any, Any] | pd.Series,
    n_entries: int,
    n_persons: int,
    start_share: float,
    estimate: bool = True,
    keys_l: pd.DataFrame | None = None,
    keys_r: pd.DataFrame | None = None,
    collision: float | None = None,
) -> tuple[pd.DataFrame, Prevalence]:
    """Variant pairs of list entries (left) and registry records (right) -> one row per
    (entry, person) with `match_probability` at the estimated prevalence, `ambiguous`
    (another person fits the entry about as well) and the person-level explanation columns,
    strongest first (ties by entry, person). `collision`: P(two different men share a birth
    year) (`year_collision`); when given, an agreeing year beside a year-only date is
    weighed by it (`year_only_evidence`). With `keys_l/_r`, the family share is read from
    them (`family_share`, the registry side one row per person and name) and an agreeing
    patronymic beside a conflicting given name is weighed by it (`family_evidence`)."""
    family, family_pairs = FAMILY_START, 0
    if keys_l is not None and keys_r is not None:
        pairs = known_names_differ(pairs, params, keys_l, keys_r)
        family, family_pairs = family_share(
            _full_names(keys_l, pd.Series(keys_l.index)),
            _full_names(keys_r, pd.Series(keys_r.index).map(pd.Series(person_r))),
        )
    folded = by_person(pairs, params, person_r)
    folded = cap_conflicts(folded, params) if len(folded) else folded
    folded = family_evidence(folded, params, family) if len(folded) else folded
    if collision is not None:
        # on the person-level row: a conflict known from any variant counts
        folded = year_only_evidence(folded, params, collision)
    entry = pd.factorize(folded["unique_id_l"])[0] if len(folded) else np.zeros(0, int)
    namesakes, compared = namesake_share(folded, params, n_persons)
    share = start_share
    for _ in range(3 if estimate else 1):
        # names alone may not say more than "(1 - r) : r" once π and N are accounted for;
        # π and the cap are estimated together (a few rounds settle them)
        n_eff = max(n_persons, POPULATION)
        cap = math.log2((1 - namesakes) / namesakes) + math.log2((1 - share) * n_eff / share)
        capped = cap_names(folded, params, cap) if len(folded) else folded
        bits = _recomputed_bits(capped, params) if len(folded) else np.zeros(0)
        if estimate:
            share = expected_share(entry, bits, n_entries, n_persons, start_share)
    folded = capped.assign(bayes=bits) if len(folded) else folded
    prob = competing_probability(entry, bits, n_persons, share)
    out = folded.assign(
        match_probability=prob, match_weight=bits + math.log2(share / max(n_persons, POPULATION))
    )
    out = out.assign(ambiguous=_ambiguous(entry, bits))
    out = (
        out.sort_values(["unique_id_l", "person_r"], kind="stable")
        .sort_values("match_probability", ascending=False, kind="stable")
        .reset_index(drop=True)
    )
    return out, Prevalence(
        share, start_share, n_entries, estimate, namesakes, compared, family, family_pairs
    )


def _recomputed_bits(frame: pd.DataFrame, params: Parameters) -> np.ndarray:
    return sum((total for _n, _l, total in levels(frame, params).values()), np.zeros(len(frame)))


def _ambiguous(entry: np.ndarray, bits: np.ndarray) -> np.ndarray:
    """Pairs of an entry whose best two persons are within AMBIGUOUS_RATIO of each other
    (both of those two are marked)."""
    if not len(entry):
        return np.zeros(0, dtype=bool)
    frame = pd.DataFrame({"e": entry, "b": bits, "i": np.arange(len(entry))})
    frame = frame.sort_values(["e", "b"], ascending=[True, False], kind="stable")
    rank = frame.groupby("e").cumcount().to_numpy()
    best = frame.groupby("e")["b"].transform("max").to_numpy()
    second = frame.assign(r=rank).query("r == 1").set_index("e")["b"]
    sec = pd.Series(frame["e"].to_numpy()).map(second).to_numpy(dtype=float)
    close = ~np.isnan(sec) & (best - sec <= math.log2(AMBIGUOUS_RATIO))
    out = np.zeros(len(entry), dtype=bool)
    out[frame["i"].to_numpy()] = close & (rank <= 1)
    return out


SEP = "\x1f"


def _keys(frame: pd.DataFrame) -> pd.DataFrame:
    cols = [c for c in KNOWN_TABLES.values() if c in frame]
    return frame.set_index(frame["unique_id"].astype(str))[cols]


def _every_variant(
    left: pd.DataFrame,
    right: pd.DataFrame,
    lk: pd.DataFrame,
    rk: pd.DataFrame,
    params: Parameters,
    prior: float,
    backend: str,
) -> pd.DataFrame:
    """Every (left record, right record) pair that shares a key: `lk` (left_id, key) and
    `rk` (right_id, key). Each record is repeated once per key it belongs to and the two
    sides are joined on the key alone, so the variants of a candidate person that no
    blocking rule reaches are scored too (their conflicts count)."""

    lk, rk = lk.drop_duplicates(), rk.drop_duplicates()
    l2 = (
        left.assign(unique_id=left["unique_id"].astype(str))
        .merge(lk, left_on="unique_id", right_on="left_id")
        .drop(columns=["left_id"])
    )
    r2 = (
        right.assign(unique_id=right["unique_id"].astype(str))
        .merge(rk, left_on="unique_id", right_on="right_id")
        .drop(columns=["right_id"])
    )
    if not len(l2) or not len(r2):
        return pd.DataFrame()
    l2 = l2.assign(unique_id=l2["unique_id"] + SEP + l2["key"]).rename(columns={"key": "block_key"})
    r2 = r2.assign(unique_id=r2["unique_id"] + SEP + r2["key"]).rename(columns={"key": "block_key"})
    pairs = score(
        [l2, r2],
        params,
        threshold=0.0,
        backend=backend,
        rules=["l.block_key = r.block_key"],
        tf_frames=[left, right],
        prior=prior,
    )
    return pairs.assign(
        unique_id_l=pairs["unique_id_l"].astype(str).str.split(SEP).str[0],
        unique_id_r=pairs["unique_id_r"].astype(str).str.split(SEP).str[0],
    )


def score_persons(
    left: pd.DataFrame,
    right: pd.DataFrame,
    person_r: dict[Any, Any] | pd.Series,
    *,
    start_share: float,
    estimate: bool = True,
    n_persons: int | None = None,
    params: Parameters | None = None,
    backend: str = "duckdb",
) -> tuple[pd.DataFrame, Prevalence]:
    """Prepared list entries (left, one record each) against prepared registry variants
    (right, `person_r`: variant unique_id -> person): `link_persons` on the engine's pairs.
    The blocking rules find candidate persons (scored down to FLOOR_BITS); then every
    variant of each candidate person is scored against the entry."""

    params = params or Parameters.load(None)
    person_r = pd.Series(person_r)
    person_r.index = person_r.index.astype(str)
    n_persons = n_persons or person_r.nunique()
    if not len(left) or not len(right):
        empty = pd.DataFrame(
            columns=[
                "unique_id_l",
                "unique_id_r",
                "person_r",
                "match_probability",
                "match_weight",
                "ambiguous",
            ]
        )
        return empty, Prevalence(start_share, start_share, len(left), False)
    prior = params.prior_for(len(left), len(right))
    # bits an entry's pair needs for an even chance at the starting share
    needed = math.log2((1 - start_share) * max(n_persons, POPULATION) / start_share)
    pairs = score([left, right], params, threshold=score_floor(prior, needed), backend=backend)
    if len(pairs):
        found = pd.DataFrame(
            {
                "left_id": pairs["unique_id_l"].astype(str),
                "person": pairs["unique_id_r"].astype(str).map(person_r),
            }
        )
        found = found.drop_duplicates()
        variants = pd.DataFrame({"right_id": person_r.index, "person": person_r.to_numpy()})
        lk = found.assign(key=found["person"].astype(str))[["left_id", "key"]]
        rk = variants.assign(key=variants["person"].astype(str))[["right_id", "key"]]
        rk = rk[rk["key"].isin(set(lk["key"]))]
        pairs = _every_variant(left, right, lk, rk, params, prior, backend)
    if len(pairs):
        pairs = pairs.assign(
            unique_id_l=pairs["unique_id_l"].astype(str),
            unique_id_r=pairs["unique_id_r"].astype(str),
        )
    return link_persons(
        pairs,
        params,
        person_r=person_r,
        n_entries=len(left),
        n_persons=n_persons,
        start_share=start_share,
        estimate=estimate,
        keys_l=_keys(left),
        keys_r=_keys(right),
        collision=year_collision(left.get("birth_year"), right.get("birth_year")),
    )


def dedupe_persons(
    records: pd.DataFrame,
    person_of: dict[Any, Any] | pd.Series,
    *,
    threshold: float,
    params: Parameters | None = None,
    backend: str = "duckdb",
) -> pd.DataFrame:
    """Pairs of persons (each with several prepared variant records) that are probably one
    man: person-level comparisons over every variant pair of the two, the conflict cap, and
    the dedupe prior over persons. Columns as `by_person` plus match_probability,
    match_weight and `conflict` (both persons have a birth year, or a facility number, and
    they differ: the clustering would refuse to join them, so a person decides)."""

    params = params or Parameters.load(None)
    person_of = pd.Series(person_of)
    person_of.index = person_of.index.astype(str)
    n_persons = person_of.nunique()
    empty = pd.DataFrame(
        columns=[
            "unique_id_l",
            "unique_id_r",
            "person_l",
            "person_r",
            "match_probability",
            "match_weight",
            "conflict",
        ]
    )
    if len(records) < 2 or n_persons < 2:
        return empty
    prior = params.prior_for(len(records))
    person_prior = params.prior_for(n_persons)
    # bits a person pair needs to reach the threshold
    needed = (math.log2(threshold / (1 - threshold)) if 0 < threshold < 1 else 0.0) - math.log2(
        person_prior / (1 - person_prior)
    )
    pairs = score([records], params, threshold=score_floor(prior, needed), backend=backend)
    if not len(pairs):
        return empty
    pa = pairs["unique_id_l"].astype(str).map(person_of)
    pb = pairs["unique_id_r"].astype(str).map(person_of)
    cand = pd.DataFrame(
        {
            "a": pa.where(pa.astype(str) < pb.astype(str), pb),
            "b": pb.where(pa.astype(str) < pb.astype(str), pa),
        }
    )
    cand = cand[cand["a"] != cand["b"]].drop_duplicates()
    if not len(cand):
        return empty
    cand["key"] = cand["a"].astype(str) + "~" + cand["b"].astype(str)
    variants = pd.DataFrame({"id": person_of.index, "person": person_of.to_numpy()})
    lk = cand.merge(variants, left_on="a", right_on="person")[["id", "key"]]
    rk = cand.merge(variants, left_on="b", right_on="person")[["id", "key"]]
    pairs = _every_variant(
        records,
        records,
        lk.rename(columns={"id": "left_id"}),
        rk.rename(columns={"id": "right_id"}),
        params,
        prior,
        backend,
    )
    if not len(pairs):
        return empty
    keys = _keys(records)  # both sides of a dedupe are the same records
    pairs = known_names_differ(pairs, params, keys, keys)
    folded = by_person(pairs, params, person_of, person_of)
    if not len(folded):
        return empty
    folded = cap_conflicts(folded, params)
    family, _n = family_share(*[_full_names(keys, pd.Series(keys.index).map(person_of))] * 2)
    folded = family_evidence(folded, params, family)
    bits = _recomputed_bits(folded, params)
    weight = bits + math.log2(person_prior / (1 - person_prior))
    prob = 1 / (1 + np.exp2(-np.clip(weight, -500, 500)))
    out = folded.assign(match_weight=weight, match_probability=prob, bayes=bits)
    out = out[out["match_probability"] >= threshold]
    out = out.assign(conflict=_conflicts(records, out, person_of))
    return (
        out.sort_values(["person_l", "person_r"], kind="stable")
        .sort_values("match_probability", ascending=False, kind="stable")
        .reset_index(drop=True)
    )


def _conflicts(records: pd.DataFrame, pairs: pd.DataFrame, person_of: pd.Series) -> np.ndarray:
    """Two known birth years that differ, or two known facility numbers that differ."""
    per = records.assign(person=records["unique_id"].astype(str).map(person_of))
    year = per.dropna(subset=["birth_year"]).groupby("person")["birth_year"].first()
    fac = per.dropna(subset=["facility_number"]).groupby("person")["facility_number"].first()
    out = np.zeros(len(pairs), dtype=bool)
    for table in (year, fac):
        a = pairs["person_l"].map(table)
        b = pairs["person_r"].map(table)
        out |= (a.notna() & b.notna() & (a.astype(str) != b.astype(str))).to_numpy()
    return out
