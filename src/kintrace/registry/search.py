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

from .models import Person, PersonName

# Rows fetched per surname key before ranking; a common surname ("ivanov") has thousands of
# bearers in a large registry, so the ones that also match the given name are fetched first.
CANDIDATE_LIMIT = 2000
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
    """The ways the query can be read as a name (surname first or last)."""
    from kintrace.names.parse import parse_name

    readings: list[QueryKeys] = []
    seen = set()
    for text in _orders(query):
        p = parse_name(text)
        if not p.surname_key:
            continue
        given = {k for k in [p.given_key, *(p.given_alternatives or ())] if k}
        r = QueryKeys(
            surname_key=p.surname_key,
            given_keys=frozenset(given),
            given_initial=(p.given_initial or "").lower(),
            patronymic_key=p.patronymic_key or "",
            patronymic_initial=(p.patronymic_initial or "").lower(),
        )
        if r not in seen:
            seen.add(r)
            readings.append(r)
    return readings


def _orders(query: str) -> list[str]:
    """The query as typed, and with its last word moved first ("Саша Иванов" → "Иванов Саша")
    for queries the parser may read in one order only."""
    words = query.split()
    out = [query]
    if len(words) >= 2:
        out.append(" ".join([words[-1], *words[:-1]]))
    return out


def _score(name: PersonName, r: QueryKeys, exact_surname: bool) -> int:
    score = 100 if exact_surname else 40
    if r.given_keys:
        if name.given_key in r.given_keys:
            score += 50
        elif name.given_key and r.given_initial and name.given_key[:1] == r.given_initial[:1]:
            score += 5
        elif name.given_key:
            score -= 60  # a different given name: most likely a namesake, not him
    elif r.given_initial:
        initial = (name.given_initial or name.given_key[:1]).lower()
        if initial and initial[:1] == _latin_initial(r.given_initial):
            score += 30
        elif initial:
            score -= 60
    if r.patronymic_key:
        if name.patronymic_key == r.patronymic_key:
            score += 20
        elif name.patronymic_key:
            score -= 20
    elif r.patronymic_initial:
        initial = (name.patronymic_initial or name.patronymic_key[:1]).lower()
        if initial and initial[:1] == _latin_initial(r.patronymic_initial):
            score += 10
    if name.is_primary:
        score += 1
    return score


def _latin_initial(initial: str) -> str:
    """Initials are compared on the first letter of the keys, which are Latin."""
    from kintrace.names.parse import name_key

    return (name_key(initial) or initial)[:1].lower()


def person_search(query: str, *, limit: int = 50) -> list[Person]:
    """Persons whose name matches the query, best first. Each has `search_score` and
    `matched_name` (the PersonName that matched) set; merged-away records are left out."""
    query = (query or "").strip()[:200]
    if not query:
        return []
    best: dict[int, tuple[int, PersonName]] = {}
    for r in query_readings(query):
        for exact in (True, False):
            if not exact and len(r.surname_key) < MIN_PREFIX:
                continue
            cond = Q(surname_key=r.surname_key) if exact else (
                _prefix_filter("surname_key", r.surname_key) & ~Q(surname_key=r.surname_key))
            rows = PersonName.objects.filter(cond, person__merged_into__isnull=True)
            if r.given_keys:
                # Bearers of the given name first, so a common surname cannot crowd them out.
                rows = list(rows.filter(given_key__in=r.given_keys)[:CANDIDATE_LIMIT]) + list(
                    rows.exclude(given_key__in=r.given_keys)[:CANDIDATE_LIMIT])
            else:
                rows = list(rows[:CANDIDATE_LIMIT])
            for name in rows:
                score = _score(name, r, exact)
                if score <= 0:
                    continue
                if name.person_id not in best or best[name.person_id][0] < score:
                    best[name.person_id] = (score, name)
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
