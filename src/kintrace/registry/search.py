"""Person search: what a caseworker types, found, explained and ranked best first.

A query is read as words of a name (in any script, case or grammatical form), birth years,
facilities ("ИК-17", "ик 17", "колония 17"), and call signs or token numbers. Names are
compared on the comparison keys every PersonName stores (`kintrace.names`), so "ivanov",
"ИВАНОВА" and "Иванова Ивана" meet "Иванов Иван"; a misspelt surname or given name ("Иванв",
"Ивонов", "Сидаров") meets the stored keys one or two edits away (rapidfuzz over the registry's
distinct keys, kept in memory). The database only answers indexed lookups; the ranking of the
rows that come back happens here, and the rule is written out in docs/search.md.
"""

import bisect
import re
import threading
import time
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Max, Prefetch, Q
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext as _
from rapidfuzz import process
from rapidfuzz.distance import OSA

from kintrace.linkage.initials import agree
from kintrace.linkage.initials import letters as initial_letters
from kintrace.names.facilities import parse_facilities
from kintrace.names.parse import name_key, parse_name

from .models import EventPerson, Facility, Person, PersonName, Script

# Rows fetched per lookup before ranking. A common surname ("ivanov") has thousands of bearers
# in a large registry; names that contradict the given name are filtered out in SQL, and a
# second lookup narrowed to the query's birth year or facility reaches past this limit.
CANDIDATE_LIMIT = 1000
MIN_PREFIX = 3  # shorter prefixes match too much to be useful
MAX_QUERY_CHARS = 1000  # a pasted message is read up to here
MAX_WORDS = 24  # words of a long query that are read; the rest are said to be left out
NAME_WINDOW = 4  # up to this many name words are read as one name; more as 2-3 word windows
MAX_READINGS = 40
FUZZY_MIN_LEN = 4  # a key shorter than this is only ever compared exactly
FUZZY_LIMIT = 30  # nearby keys taken per misspelt key, closest first
KEYS_TTL = 300.0  # seconds the in-memory key list is trusted without a new name being added

# Points (docs/search.md explains the rule).
SURNAME_EXACT, SURNAME_PREFIX = 100, 40
SURNAME_OFF = {1: 70, 2: 45}
GIVEN_ALONE = 60
GIVEN_EXACT, GIVEN_OFF, GIVEN_INITIAL_OF_NAME, INITIAL_AGREES = 50, 30, 15, 30
PATRONYMIC_EXACT, PATRONYMIC_INITIAL, PATRONYMIC_CONFLICT = 20, 10, -20
CALL_SIGN, TOKEN = 120, 150
YEAR_AGREES, YEAR_DIFFERS = 40, -40
FACILITY_AGREES = 40


@dataclass(frozen=True)
class QueryKeys:
    """One reading of the query's name words: which is the surname, and what the rest says.
    `surname_key` is empty for a given name typed alone ("Александр")."""

    surname_key: str
    given_keys: frozenset[str]
    given_initial: str
    patronymic_key: str
    patronymic_initial: str
    # The Cyrillic letters each initial can stand for (`kintrace.linkage.initials.letters`):
    # one letter when written in Cyrillic or read from a full name, several for a bare Latin
    # initial ("J." may be Ю, Я, Й, Ж, Х…). None when unknown or not a Cyrillic letter.
    given_letters: str | None = None
    patronymic_letters: str | None = None


@dataclass
class ParsedQuery:
    name_words: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    facilities: list = field(default_factory=list)  # kintrace.names.facilities.FacilityRef
    codes: list[str] = field(default_factory=list)  # token-number keys
    words_left_out: int = 0


class SearchResult(list):
    """The persons found, best first (a list), with what the query was read as."""

    query: ParsedQuery | None = None
    # The query named someone and nobody bears that name: the persons are those born in the
    # year or held at the facility it gave, and the page must say they are not that man
    name_not_found: bool = False


# --- reading the query -------------------------------------------------------------------

_FACILITY_WORDS = (
    r"ИК|ЛИУ|КП|СИЗО|ВК|ЛПУ|ИЦ|IK|LIU|KP|SIZO|VK|LPU|ITS|колони[а-я]*|"
    r"исправительн[а-я]*\s+колони[а-я]*"
)
_FACILITY_SPAN = re.compile(rf"(?<!\w)(?:{_FACILITY_WORDS})[\s№#-]*\d+(?!\d)", re.I)
_YEAR = re.compile(r"^(19[2-9]\d|20[0-3]\d)(?:г\.?(?:р\.?)?)?$", re.I)
_WORD = re.compile(r"[^\s,;:()\"«»!?]+")


def code_key(text: str) -> str:
    """The call sign or token number as a caseworker may type it: case-, ё-, space- and
    dash-blind; a token with three or more digits is keyed by its digits ("ДЕМО-123 456" and
    "123456" meet)."""
    text = (text or "").casefold().replace("ё", "е")
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= 3:
        return digits[:100]
    return "".join(ch for ch in text if ch.isalnum())[:100]


def call_sign_key(text: str) -> str:
    """A call sign keyed like a name, so "Гром" and "Grom" meet."""

    words = re.findall(r"\w+", text or "")
    return "".join((name_key(w) or w.casefold()) if w.isalpha() else w for w in words)[:100]


def parse_query(query: str) -> ParsedQuery:
    """Split the query into name words, birth years, facilities and codes."""

    text = (query or "")[:MAX_QUERY_CHARS]
    out = ParsedQuery()
    for span in _FACILITY_SPAN.finditer(text):
        out.facilities.extend(parse_facilities(span[0]))
    rest = _FACILITY_SPAN.sub(" ", text)
    words = [w.strip(".-'") or w for w in _WORD.findall(rest)]
    words = [w for w in words if w and any(ch.isalnum() for ch in w)]
    out.words_left_out = max(0, len(words) - MAX_WORDS)
    words = words[:MAX_WORDS]
    for a, b in zip(words, words[1:], strict=False):
        if any(ch.isdigit() for ch in a + b):  # "АК-217 415": a token typed with a space
            out.codes.append(code_key(f"{a}{b}"))
    for word in words:
        year = _YEAR.match(word)
        if year:
            out.years.append(int(year[1]))
            out.codes.append(code_key(word))  # 1985 may as well be part of a token
        elif any(ch.isdigit() for ch in word):
            key = code_key(word)
            if key:
                out.codes.append(key)
        else:
            out.name_words.append(word)
    if out.facilities and out.name_words:
        # The region of "ИК-17 Мордовия" is read by the facility parser from the whole text.
        region_ref = parse_facilities(text)
        if region_ref and region_ref[0].region_code:
            out.facilities = [
                type(r)(r.type, r.number, region_ref[0].region_code, r.regime)
                for r in out.facilities
            ]
    out.years = list(dict.fromkeys(out.years))
    out.codes = list(dict.fromkeys(out.codes))
    return out


def query_readings(query: str) -> list[QueryKeys]:
    """The ways a few words can be read as a name: as parsed, with the last word moved first
    (the parser may prefer one order), and, for a word the parser took as a given name
    ("iva" typed halfway), that word as the start of a surname."""
    readings: list[QueryKeys] = []
    for text in _orders(query):
        p = parse_name(text)
        # given_alternatives are canonical Cyrillic names, not keys: key them like the rest.
        given = frozenset(k for k in [p.given_key, *map(name_key, p.given_alternatives)] if k)
        bare_given = not p.given_key
        if p.given_key and len(p.given_key) <= 2 and p.given_initial:
            # "Sadykov Yu", "Streltsov Ye": a Latin initial typed without its dot, not a name.
            given = frozenset()
            bare_given = True
        latin = p.script != "cyrl"
        if p.surname_key:
            readings.append(
                QueryKeys(
                    surname_key=p.surname_key,
                    given_keys=given,
                    given_initial=(p.given_initial or "").upper(),
                    patronymic_key=p.patronymic_key or "",
                    patronymic_initial=(p.patronymic_initial or "").upper(),
                    given_letters=initial_letters(p.given_initial, latin and bare_given),
                    patronymic_letters=initial_letters(
                        p.patronymic_initial, latin and not p.patronymic_key
                    ),
                )
            )
        elif given and len(query.split()) == 1:
            readings.append(QueryKeys("", given, "", "", ""))  # a given name typed alone
    if not readings or all(not r.surname_key for r in readings):
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


def name_readings(words: list[str]) -> list[QueryKeys]:
    """Readings of the name words: all together when they are few; otherwise (a pasted
    message) each run of two or three neighbouring words that reads as a surname with a given
    name, so the name inside is found and the message's other words ("брата", "летом") are not
    looked up as surnames."""
    if not words:
        return []
    if len(words) <= NAME_WINDOW:
        return query_readings(" ".join(words))[:MAX_READINGS]
    texts = [" ".join(words[i : i + n]) for n in (3, 2) for i in range(len(words) - n + 1)]
    readings: list[QueryKeys] = []
    for text in texts:
        readings.extend(r for r in query_readings(text) if r.surname_key and r.given_keys)
    return list(dict.fromkeys(readings))[:MAX_READINGS]


def is_long(q: "ParsedQuery") -> bool:
    """A pasted message rather than a typed name: its words are whole, never a beginning."""
    return len(q.name_words) > NAME_WINDOW


# --- the registry's keys, in memory for fuzzy lookups -------------------------------------

_keys_lock = threading.Lock()
_keys_cache: dict[str, tuple[object, float, "KnownKeys"]] = {}


def _forget_keys(**_kwargs) -> None:
    _keys_cache.clear()


post_save.connect(_forget_keys, sender=PersonName, dispatch_uid="search-keys-save")
post_delete.connect(_forget_keys, sender=PersonName, dispatch_uid="search-keys-delete")


class KnownKeys:
    """The distinct stored values of one key field, sorted, for in-memory lookups: a key no
    one bears is never asked of the database."""

    def __init__(self, keys: list[str]):
        self.keys = sorted(keys)
        self.set = frozenset(self.keys)

    def has_other_with_prefix(self, prefix: str) -> bool:
        """Some stored key starts with `prefix` and is longer than it."""
        i = bisect.bisect_left(self.keys, prefix)
        while i < len(self.keys) and self.keys[i].startswith(prefix):
            if self.keys[i] != prefix:
                return True
            i += 1
        return False


def _known_keys(field_name: str) -> KnownKeys:
    """Every distinct value of a PersonName key field. Kept per process; refreshed when a name
    is added (here, or in another process: the highest id moves) and after KEYS_TTL seconds
    (`registry rekey` changes keys in place)."""
    stamp = PersonName.objects.aggregate(m=Max("id"))["m"]
    now = time.monotonic()
    hit = _keys_cache.get(field_name)
    if hit and hit[0] == stamp and now - hit[1] < KEYS_TTL:
        return hit[2]
    with _keys_lock:
        known = KnownKeys(
            list(
                PersonName.objects.exclude(**{field_name: ""})
                .order_by()
                .values_list(field_name, flat=True)
                .distinct()
            )
        )
        _keys_cache[field_name] = (stamp, now, known)
    return known


def max_edits(key: str) -> int:
    """How many letters a typed key may be off: none under four letters, one up to seven,
    two from eight."""
    if len(key) < FUZZY_MIN_LEN:
        return 0
    return 1 if len(key) <= 7 else 2


def _near(key: str, keys: list[str]) -> dict[str, int]:
    """Stored keys within max_edits(key) edits (a swap of two neighbours counts as one)."""
    limit = max_edits(key)
    if not limit or not keys:
        return {}
    found = process.extract(key, keys, scorer=OSA.distance, score_cutoff=limit, limit=FUZZY_LIMIT)
    return {k: int(d) for k, d, _i in found if k != key}


# --- scoring -------------------------------------------------------------------------------

NAME_FIELDS = (
    "id",
    "person_id",
    "surname_key",
    "given_key",
    "given_initial",
    "patronymic_key",
    "patronymic_initial",
    "is_primary",
    "script",
    "person__birth_year",
    "person__last_facility_id",
)


@dataclass
class _Hit:
    score: int = 0
    name_id: int | None = None
    reasons: list[str] = field(default_factory=list)
    birth_year: int | None = None
    last_facility_id: int | None = None
    extra: int = 0
    extra_reasons: list[str] = field(default_factory=list)
    # His best name agrees with the query's full given name only by an initial ("ИВАНОВ И.")
    by_initial: bool = False


def _surname_reason(kind: str, dist: int) -> tuple[int, str]:
    if kind == "exact":
        return SURNAME_EXACT, _("surname: exact")
    if kind == "prefix":
        return SURNAME_PREFIX, _("surname: beginning typed")
    if dist == 1:
        return SURNAME_OFF[1], _("surname: one letter off")
    return SURNAME_OFF[2], _("surname: two letters off")


def _row_letters(row: dict, part: str) -> str | None:
    """The Cyrillic letters a stored name's given name or patronymic (`part`) can begin with:
    exact for a full name or a Cyrillic initial, several for a bare initial written in Latin."""
    initial = row[f"{part}_initial"] or ""
    latin = row["script"] != Script.CYRILLIC and not row[f"{part}_key"]
    return initial_letters(initial, latin)


def _initials_agree(
    row_letters: str | None, query_letters: str | None, row_initial: str, query_initial: str
) -> bool:
    """Whether two initials can be the same letter (as letter sets; as letters when either is
    not a Cyrillic letter)."""
    same = agree(row_letters, query_letters)
    return (row_initial == query_initial) if same is None else same


def _given_points(row: dict, r: QueryKeys, near_given: dict[str, int]) -> tuple[int, str] | None:
    """Points for the given name; None when it contradicts the query (another man)."""
    initial = (row["given_initial"] or "").upper()
    row_letters = _row_letters(row, "given")
    if r.given_keys:
        if row["given_key"] in r.given_keys:
            return GIVEN_EXACT, _("given name: matches")
        if row["given_key"] in near_given:
            return GIVEN_OFF, _("given name: one letter off")
        if (
            not row["given_key"]
            and initial
            and _initials_agree(row_letters, r.given_letters, initial, r.given_initial)
        ):
            return GIVEN_INITIAL_OF_NAME, _("given name: initial agrees")  # "ИВАНОВ А.С."
        if row["given_key"] or initial:
            return None
    elif r.given_initial and initial:
        if not _initials_agree(row_letters, r.given_letters, initial, r.given_initial):
            return None
        return INITIAL_AGREES, _("given name: initial agrees")
    return 0, ""


def _patronymic_points(row: dict, r: QueryKeys) -> tuple[int, str]:
    p_initial = (row["patronymic_initial"] or "").upper()
    if r.patronymic_key and row["patronymic_key"]:
        if row["patronymic_key"] == r.patronymic_key:
            return PATRONYMIC_EXACT, _("patronymic: matches")
        return PATRONYMIC_CONFLICT, _("patronymic: differs")
    if r.patronymic_initial and p_initial:
        # An initial against a full patronymic or another initial: the same letter only if it
        # can begin it in some spelling.
        if _initials_agree(
            _row_letters(row, "patronymic"), r.patronymic_letters, p_initial, r.patronymic_initial
        ):
            return PATRONYMIC_INITIAL, _("patronymic: initial agrees")
        return PATRONYMIC_CONFLICT, _("patronymic: differs")
    return 0, ""


def _score_name(
    row: dict, r: QueryKeys, kind: str, dist: int, near_given: dict[str, int]
) -> tuple[int, list[str]]:
    """Points and reasons for one stored name under one reading; (0, []) when it contradicts
    the query."""
    if kind == "given":
        score, reasons = (
            GIVEN_ALONE,
            [_("given name: matches") if not dist else _("given name: one letter off")],
        )
        score -= 30 * dist
    else:
        score, reason = _surname_reason(kind, dist)
        reasons = [reason]
        given = _given_points(row, r, near_given)
        if given is None:
            return 0, []
        if given[0]:
            score += given[0]
            reasons.append(given[1])
    points, reason = _patronymic_points(row, r)
    if points:
        score += points
        reasons.append(reason)
    if row["is_primary"]:
        score += 1  # the main spelling wins a tie between variants
    return score, reasons


def _prefix_filter(field_name: str, prefix: str) -> Q:
    """`field` starts with `prefix`, in a form each database answers from its index."""
    if connection.vendor == "sqlite":
        # SQLite's LIKE is case-insensitive and then cannot use the index; keys are lower
        # case, so a range on the BINARY-collated index says the same thing.
        return Q(**{f"{field_name}__gte": prefix, f"{field_name}__lt": prefix + "\U0010ffff"})
    return Q(**{f"{field_name}__startswith": prefix})


# Upper-case Cyrillic letters an initial may be stored as.
_CYRILLIC_CAPITALS = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЫЭЮЯ"


def _stored_initials(r: QueryKeys) -> list[str]:
    """Stored initials that can agree with the query's given-name letter(s): the letters
    themselves (a Cyrillic initial) and every letter whose Latin-written reading overlaps
    them (a bare Latin initial the parser read as another letter); "" (no initial) too."""
    if r.given_letters is None:
        return [r.given_initial, ""]
    out = {
        c
        for c in _CYRILLIC_CAPITALS
        if agree(initial_letters(c, False), r.given_letters)
        or agree(initial_letters(c, True), r.given_letters)
    }
    return sorted(out | {r.given_initial, ""})


def _given_filter(r: QueryKeys, near_given: dict[str, int]) -> Q:
    """Leave out, in SQL, the names whose given name contradicts the query (a superset: the
    scoring decides on the letters)."""
    if r.given_keys:
        return Q(given_key__in=[*r.given_keys, *near_given]) | Q(
            given_key="", given_initial__in=_stored_initials(r)
        )
    if r.given_initial:
        return Q(given_initial__in=_stored_initials(r))
    return Q()


class _Collector:
    """Gathers the best-scoring name of every candidate person, and his facts."""

    def __init__(self, narrow: Q | None):
        self.hits: dict[int, _Hit] = {}
        self.narrow = narrow

    def fetch(self, cond: Q) -> list[dict]:
        base = PersonName.objects.filter(cond, person__merged_into__isnull=True).order_by()
        rows = list(base.values(*NAME_FIELDS)[:CANDIDATE_LIMIT])
        if len(rows) == CANDIDATE_LIMIT and self.narrow is not None:
            # A common name: make sure those born that year / held there are among them.
            rows += list(base.filter(self.narrow).values(*NAME_FIELDS)[:CANDIDATE_LIMIT])
        return rows

    def add(
        self,
        rows: list[dict],
        r: QueryKeys,
        kind: str,
        dists: dict[str, int] | int,
        near_given: dict[str, int],
    ) -> int:
        added = 0
        for row in rows:
            if isinstance(dists, dict):
                dist = dists.get(row["given_key" if kind == "given" else "surname_key"], 0)
            else:
                dist = dists
            score, reasons = _score_name(row, r, kind, dist, near_given)
            if score <= 0:
                continue
            added += 1
            hit = self.hits.get(row["person_id"])
            if hit is None:
                hit = self.hits[row["person_id"]] = _Hit(
                    birth_year=row["person__birth_year"],
                    last_facility_id=row["person__last_facility_id"],
                )
            if score > hit.score:
                hit.score, hit.name_id, hit.reasons = score, row["id"], reasons
                hit.by_initial = bool(r.given_keys) and kind != "given" and not row["given_key"]
        return added

    def drop_initials_of_other_names(self, readings: list[QueryKeys]) -> None:
        """A man found only through an initial ("Сидоров И." for "Сидоров Иван") whose given
        name is known in full elsewhere in his record, and is none of the query's (nor one
        letter from one): the initial stands for that other name (Ильдар), not for the
        query's; he is another man."""
        ids = [pid for pid, h in self.hits.items() if h.by_initial]
        if not ids:
            return
        wanted = {k for r in readings for k in r.given_keys}
        full: dict[int, set[str]] = {}
        for chunk in _chunks(ids):
            rows = (
                PersonName.objects.filter(person_id__in=chunk)
                .exclude(given_key="")
                .values_list("person_id", "given_key")
            )
            for pid, key in rows:
                full.setdefault(pid, set()).add(key)
        for pid, keys in full.items():
            if not any(k in wanted or any(_near(k, [w]) for w in wanted) for k in keys):
                del self.hits[pid]


def _collect_names(
    readings: list[QueryKeys], collector: _Collector, limit: int, *, prefixes: bool = True
) -> None:
    if not readings:
        return
    surnames = _known_keys("surname_key")
    given_known = _known_keys("given_key")
    for r in readings:
        near_given: dict[str, int] = {}
        for k in r.given_keys:
            for near, d in _near(k, given_known.keys).items():
                if near not in r.given_keys:
                    near_given[near] = min(d, near_given.get(near, d))
        if not r.surname_key:  # a given name alone
            if r.given_keys & given_known.set:
                rows = collector.fetch(Q(given_key__in=r.given_keys))
                collector.add(rows, r, "given", 0, near_given)
            if near_given:
                collector.add(
                    collector.fetch(Q(given_key__in=list(near_given))),
                    r,
                    "given",
                    near_given,
                    near_given,
                )
            continue
        gq = _given_filter(r, near_given)
        exact = 0
        if r.surname_key in surnames.set:
            exact = collector.add(
                collector.fetch(Q(surname_key=r.surname_key) & gq), r, "exact", 0, near_given
            )
        near_surnames = _near(r.surname_key, surnames.keys)
        if near_surnames:
            collector.add(
                collector.fetch(Q(surname_key__in=list(near_surnames)) & gq),
                r,
                "near",
                near_surnames,
                near_given,
            )
        if (
            prefixes
            and len(r.surname_key) >= MIN_PREFIX
            and surnames.has_other_with_prefix(r.surname_key)
            and not (exact >= limit and not (r.given_keys or r.given_initial))
        ):
            # A prefix match cannot outrank a full page of exact surname matches.
            cond = _prefix_filter("surname_key", r.surname_key) & ~Q(surname_key=r.surname_key) & gq
            collector.add(collector.fetch(cond), r, "prefix", 0, near_given)


def _facilities(refs) -> list[Facility]:
    out: list[Facility] = []
    for ref in refs:
        if ref.type is None or ref.number is None:
            continue
        qs = Facility.objects.select_related("region").filter(type=ref.type, number=str(ref.number))
        if ref.region_code:
            qs = qs.filter(region_id=ref.region_code)
        out.extend(qs[:20])
    return list({f.pk: f for f in out}.values())


def _chunks(ids: list[int], size: int = 500):
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def _facility_holders(person_ids: list[int], facility_ids: list[int]) -> set[int]:
    """Of these persons, those named in an event at one of the facilities."""
    found: set[int] = set()
    for chunk in _chunks(person_ids):
        found.update(
            EventPerson.objects.filter(
                person_id__in=chunk, event__facility_id__in=facility_ids
            ).values_list("person_id", flat=True)
        )
    return found


def _collect_codes(q: ParsedQuery, collector: _Collector) -> None:
    sign_keys = [
        k
        for k in dict.fromkeys(call_sign_key(w) for w in [*q.name_words, " ".join(q.name_words)])
        if k
    ]
    cond = Q()
    if sign_keys:
        cond |= Q(call_sign_key__in=sign_keys)
    if q.codes:
        cond |= Q(token_key__in=q.codes)
    if not cond:
        return
    rows = Person.objects.filter(cond, merged_into__isnull=True).values(
        "pk",
        "call_sign",
        "token_number",
        "call_sign_key",
        "token_key",
        "birth_year",
        "last_facility_id",
    )[:CANDIDATE_LIMIT]
    for row in rows:
        hit = collector.hits.get(row["pk"])
        if hit is None:
            hit = collector.hits[row["pk"]] = _Hit(
                birth_year=row["birth_year"], last_facility_id=row["last_facility_id"]
            )
        if row["call_sign_key"] and row["call_sign_key"] in sign_keys:
            hit.extra += CALL_SIGN
            hit.extra_reasons.append(_("call sign «%(value)s»") % {"value": row["call_sign"]})
        if row["token_key"] and row["token_key"] in q.codes:
            hit.extra += TOKEN
            hit.extra_reasons.append(_("token number %(value)s") % {"value": row["token_number"]})


def _collect_by_facts(
    q: ParsedQuery, facilities: list[Facility], collector: _Collector, limit: int
) -> None:
    """Nothing in the query names anyone: the persons born in that year and/or held there."""
    qs = Person.objects.filter(merged_into__isnull=True)
    if q.years:
        qs = qs.filter(birth_year__in=q.years)
    if facilities:
        ids = [f.pk for f in facilities]
        qs = qs.filter(
            Q(last_facility_id__in=ids)
            | Q(pk__in=EventPerson.objects.filter(event__facility_id__in=ids).values("person_id"))
        )
    for row in qs.order_by("pk").values("pk", "birth_year", "last_facility_id")[: limit * 4]:
        collector.hits[row["pk"]] = _Hit(
            birth_year=row["birth_year"], last_facility_id=row["last_facility_id"]
        )


def _apply_facts(q: ParsedQuery, facilities: list[Facility], hits: dict[int, _Hit]) -> None:
    """Birth year and facility points for every candidate."""
    by_id = {f.pk: f for f in facilities}
    at_facility = _facility_holders(list(hits), list(by_id)) if by_id else set()
    for pid, hit in hits.items():
        if q.years and hit.birth_year:
            if hit.birth_year in q.years:
                hit.extra += YEAR_AGREES
                hit.extra_reasons.append(_("birth year %(year)s") % {"year": hit.birth_year})
            else:
                hit.extra += YEAR_DIFFERS
                hit.extra_reasons.append(
                    _("born in %(year)s, not in %(query)s")
                    % {"year": hit.birth_year, "query": ", ".join(map(str, q.years))}
                )
        if by_id:
            if hit.last_facility_id in by_id:
                hit.extra += FACILITY_AGREES
                hit.extra_reasons.append(
                    _("last known facility %(name)s") % {"name": by_id[hit.last_facility_id]}
                )
            elif pid in at_facility:
                hit.extra += FACILITY_AGREES
                hit.extra_reasons.append(
                    _("events at %(names)s") % {"names": ", ".join(str(f) for f in facilities)}
                )


def person_search(query: str, *, limit: int = 50) -> SearchResult:
    """Persons the query may mean, best first (docs/search.md). Each has `search_score`,
    `search_reasons` (why he matches, in the active language) and `matched_name` (the
    PersonName that matched, or his main name); merged-away records are left out. The result
    is a list that also carries `.query`, what the query was read as."""
    query = (query or "").strip()
    result = SearchResult()
    if not query:
        return result
    q = parse_query(query)
    result.query = q
    facilities = _facilities(q.facilities)
    narrow = None
    if q.years or facilities:
        narrow = Q()
        if q.years:
            narrow |= Q(person__birth_year__in=q.years)
        if facilities:
            narrow |= Q(person__last_facility_id__in=[f.pk for f in facilities])
    collector = _Collector(narrow)
    readings = name_readings(q.name_words)
    _collect_names(readings, collector, limit, prefixes=not is_long(q))
    collector.drop_initials_of_other_names(readings)
    if not collector.hits and readings:
        # "Иванов Ивн": a given name too garbled to be anyone's; the surname alone still helps.
        # A real given name nobody of that surname bears ("Иванов Олег") stays a different man.
        known = _known_keys("given_key")
        bare = [
            QueryKeys(r.surname_key, frozenset(), "", "", "")
            for r in readings
            if r.surname_key
            and r.given_keys
            and not (r.given_keys & known.set)
            and not any(_near(k, known.keys) for k in r.given_keys)
        ]
        _collect_names(list(dict.fromkeys(bare)), collector, limit, prefixes=not is_long(q))
    _collect_codes(q, collector)
    # Nothing in the query names anyone: list those born then and/or held there; a facility
    # typed but unknown to the registry holds nobody.
    if not collector.hits and (q.years or q.facilities) and (facilities or not q.facilities):
        result.name_not_found = bool(q.name_words)
        _collect_by_facts(q, facilities, collector, limit)
    hits = collector.hits
    if not hits:
        return result
    _apply_facts(q, facilities, hits)
    ranked = sorted(
        ((h.score + h.extra, pid) for pid, h in hits.items() if h.score + h.extra > 0),
        key=lambda t: (-t[0], t[1]),
    )[:limit]
    persons = (
        Person.objects.filter(pk__in=[pid for _s, pid in ranked])
        .select_related("last_facility__region")
        .prefetch_related(
            Prefetch("names", queryset=PersonName.objects.order_by("-is_primary", "id"))
        )
    )
    by_pk = {p.pk: p for p in persons}
    for score, pid in ranked:
        person, hit = by_pk[pid], hits[pid]
        names = list(person.names.all())
        person.search_score = score
        person.matched_name = next(
            (n for n in names if n.pk == hit.name_id), names[0] if names else None
        )
        person.search_reasons = [r for r in [*hit.reasons, *hit.extra_reasons] if r]
        result.append(person)
    return result
