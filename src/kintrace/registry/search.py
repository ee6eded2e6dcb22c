"""Person search by name, whatever the script, case or grammatical form.

Every PersonName stores comparison keys made by `kintrace.names` (surname_key, given_key,
patronymic_key); the query is reduced to the same keys, so "ivanov", "Иванов", "ИВАНОВА" and
"Саша Иванов" all meet "Иванов Александр" on the key "ivanov"/"aleksandr". The database
only ever looks up an indexed surname key (exact, or prefix for a partly typed surname);
the ranking of the few hundred rows that come back happens in Python.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Prefetch, Q

from kintrace.names.parse import name_key, parse_name

from .models import Person, PersonName

# Rows fetched per surname key before ranking. A common surname ("ivanov") has thousands of
# bearers in a large registry; names that contradict the given name are filtered out in SQL.
CANDIDATE_LIMIT = 1000
MIN_PREFIX = 3  # shorter prefixes match too much to be useful


@dataclass(frozen=True)
class QueryKeys:
    """One reading of the query: which token is the surname, and what the rest says."""

    surname_key: str
    given_keys: frozenset[str]
    given_initial: str
    patronymic_key: str
    patronymic_initial: str


def _prefix_filter(field: str, prefix: str) -> Q:
    """`field` starts with `prefix`, in a form each database answers from its index."""
    if connection.vendor == "sqlite":
        # SQLite's LIKE is case-insensitive and then cannot use the index; keys are lower
        # case, so a range on the BINARY-collated index says the same thing.
        return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + "\U0010ffff"})
    return Q(**{f"{field}__startswith": prefix})


def query_readings(query: str) -> list[QueryKeys]:
    """The ways the query can be read as a name: as parsed, with the last word moved first
    (the parser may prefer one order), and, for a word the parser took as a given name
    ("iva" typed halfway), that word as the start of a surname."""
    readings: list[QueryKeys] = []
    for text in _orders(query):
        p = parse_name(text)
        # given_alternatives are canonical Cyrillic names, not keys: key them like the rest.
        given = frozenset(k for k in [p.given_key, *map(name_key, p.given_alternatives)] if k)
        if p.given_key and len(p.given_key) <= 2 and p.given_initial:
            # "Sadykov Yu", "Streltsov Ye": a Latin initial typed without its dot, not a name.
            given = frozenset()
        if p.surname_key:
            readings.append(QueryKeys(
                surname_key=p.surname_key, given_keys=given,
                given_initial=(p.given_initial or "").upper(),
                patronymic_key=p.patronymic_key or "",
                patronymic_initial=(p.patronymic_initial or "").upper(),
            ))
    if not readings:
        for word in query.split():
            key = name_key(word)
            if key:
                readings.append(QueryKeys(key, frozenset(), "", "", ""))
    return list(dict.fromkeys(readings))


def _orders(query: str) -> list[str]:
    """The query as typed, and with its last word moved first ("Саша Иванов" → "Иванов Саша")
    for queries the parser may read in one order only."""
    words = query.split()
    out = [query]
    if len(words) >= 2:
        out.append(" ".join([words[-1], *words[:-1]]))
    return out


def _score(name: PersonName, r: QueryKeys, exact_surname: bool) -> int:
    """Higher is better; <= 0 means the name contradicts the query (another given name)."""
    score = 100 if exact_surname else 40
    initial = (name.given_initial or "").upper()
    if r.given_keys:
        if name.given_key in r.given_keys:
            score += 50
        elif not name.given_key and initial and initial == r.given_initial:
            score += 15  # "ИВАНОВ А.С." may well be Саша
        elif name.given_key or initial:
            return 0  # a different given name: a namesake, not him
    elif r.given_initial and initial:
        if initial != r.given_initial:
            return 0
        score += 30
    p_initial = (name.patronymic_initial or "").upper()
    if r.patronymic_key and name.patronymic_key:
        score += 20 if name.patronymic_key == r.patronymic_key else -20
    elif r.patronymic_initial and p_initial:
        score += 10 if p_initial == r.patronymic_initial else -20
    if name.is_primary:
        score += 1
    return score


SCORED_FIELDS = ("person_id", "full_text", "given_key", "given_initial", "patronymic_key",
                 "patronymic_initial", "is_primary")


def _given_filter(r: QueryKeys) -> Q:
    """Leave out, in SQL, the names whose given name contradicts the query."""
    if r.given_keys:
        return Q(given_key__in=r.given_keys) | Q(given_key="", given_initial__in=[
            r.given_initial, ""])
    if r.given_initial:
        return Q(given_initial__in=[r.given_initial, ""])
    return Q()


def person_search(query: str, *, limit: int = 50) -> list[Person]:
    """Persons whose name matches the query, best first. Each has `search_score` and
    `matched_name` (the PersonName that matched) set; merged-away records are left out."""
    query = (query or "").strip()[:200]
    if not query:
        return []
    best: dict[int, tuple[int, PersonName]] = {}
    for r in query_readings(query):
        exact_hits = 0
        for exact in (True, False):
            if not exact and len(r.surname_key) < MIN_PREFIX:
                continue
            if not exact and exact_hits >= limit and not (r.given_keys or r.given_initial):
                continue  # a prefix match cannot outrank a full page of exact surname matches
            cond = Q(surname_key=r.surname_key) if exact else (
                _prefix_filter("surname_key", r.surname_key) & ~Q(surname_key=r.surname_key))
            rows = PersonName.objects.filter(
                cond, _given_filter(r), person__merged_into__isnull=True
            ).only(*SCORED_FIELDS)[:CANDIDATE_LIMIT]
            for name in rows:
                score = _score(name, r, exact)
                if score <= 0:
                    continue
                if name.person_id not in best or best[name.person_id][0] < score:
                    best[name.person_id] = (score, name)
                exact_hits += exact
    ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))[:limit]
    persons = {}
    if ranked:
        persons = {
            p.pk: p for p in Person.objects.filter(pk__in=[pid for pid, _ in ranked])
            .select_related("last_facility__region")
            .prefetch_related(Prefetch("names",
                                       queryset=PersonName.objects.order_by("-is_primary", "id")))
        }
    out = []
    for pid, (score, name) in ranked:
        person = persons[pid]
        person.search_score = score
        person.matched_name = name
        out.append(person)
    return out
