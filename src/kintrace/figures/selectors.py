"""The aggregates behind the numbers page, computed in the database and cached.

Every function returns plain dicts and lists of counts: no person, no name. Each is one or two
GROUP BY queries whatever the size of the registry; Python only touches the grouped rows (a few
hundred months, colonies, regions or survival steps), never a row per person or per event.

Filters (`Filters`) apply so:

* region, colony: the man's last facility (its region);
* recruitment wave: the calendar quarter of his first recruitment event (offered, applied or
  selected), written "2023-Q2". No field stores a wave: recruiters came to the colonies in
  campaigns, and the quarter of the first visit is the grouping the sources allow (many dates
  are known only to the month);
* date range: the date of the events counted (the monthly and payment charts) and of the
  deployment (survival); the men counted by colony, region and on the map are those whose first
  recruitment falls in the range.

Cache: each aggregate is kept in Django's cache for CACHE_SECONDS under a key made of the
filters and the registry's version (the largest event, person and deleted-event ids), so a new
event, person or deletion shows at once and an edit of an existing row within CACHE_SECONDS.
The page says when its numbers were computed ("as of").
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import asdict, dataclass

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from kintrace.registry.models import (
    Event,
    EventDeletion,
    EventPerson,
    EventRole,
    EventType,
    Facility,
    Person,
    PersonStatus,
    Region,
    sort_key,
)

CACHE_SECONDS = 300

RECRUITMENT_TYPES = (EventType.OFFERED, EventType.APPLIED, EventType.SELECTED)
# The monthly chart's series: recruited (the colony's selection), deployed, killed, missing,
# returned home (pardoned men who came back).
MONTHLY_TYPES = (
    EventType.SELECTED,
    EventType.DEPLOYED,
    EventType.KILLED,
    EventType.MISSING,
    EventType.RETURNED_HOME,
)
PAYMENT_TYPES = (
    EventType.PAYMENT_PROMISED,
    EventType.PAYMENT_RECEIVED,
    EventType.PAYMENT_MISSING,
)
# Survival ends at death or disappearance; everyone else is censored at the "as of" month.
END_TYPES = (EventType.KILLED, EventType.MISSING)
STATUSES = tuple(PersonStatus)


@dataclass(frozen=True)
class Filters:
    """What the GET parameters asked for; empty means all."""

    start: dt.date | None = None
    end: dt.date | None = None
    region: str = ""
    colony: int | None = None
    wave: str = ""

    def key(self) -> str:
        return hashlib.sha256(repr(sorted(asdict(self).items())).encode()).hexdigest()[:16]

    @property
    def start_sort(self) -> int | None:
        return sort_key(self.start.year, self.start.month, self.start.day) if self.start else None

    @property
    def end_sort(self) -> int | None:
        return sort_key(self.end.year, self.end.month, self.end.day) if self.end else None


def wave_bounds(wave: str) -> tuple[int, int]:
    """ "2023-Q2" → the start_sort range [2023-04-00, 2023-06-99] of that quarter; "2023" (the
    wave of dates known only to the year) → [2023-00-00, 2023-00-99]. Raises ValueError for
    any other text."""
    year_text, sep, quarter_text = wave.partition("-Q")
    if not year_text.isdigit() or len(year_text) != 4 or (sep and not quarter_text.isdigit()):
        raise ValueError(wave)
    year = int(year_text)
    if not 1900 <= year <= 2100:
        raise ValueError(wave)
    if not sep:
        return sort_key(year, None, None), sort_key(year, None, 99)
    quarter = int(quarter_text)
    if not 1 <= quarter <= 4:
        raise ValueError(wave)
    first = (quarter - 1) * 3 + 1
    return sort_key(year, first, None), sort_key(year, first + 2, 99)


def wave_of(start_sort: int) -> str:
    """The wave ("2023-Q2") of a recruitment date given as its start_sort. A date known only
    to the year has no quarter: its wave is the year alone ("2023"), never a quarter it may not
    be in."""
    year, month = start_sort // 10000, (start_sort // 100) % 100
    if not month:
        return str(year)
    return f"{year}-Q{(month - 1) // 3 + 1}"


def _version() -> str:
    """The registry's version in one query: the largest event, person and deletion ids."""
    tables = (Event._meta.db_table, Person._meta.db_table, EventDeletion._meta.db_table)
    sql = "SELECT " + ", ".join(f"(SELECT MAX(id) FROM {t})" for t in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return "-".join(str(v or 0) for v in cursor.fetchone())


def cached(name: str, filters: Filters, compute):
    """compute(filters) (a dict), with "as_of" added, from the cache when the registry has not
    changed (see the module's docstring)."""
    return _cached(name, filters, compute)


def _cached(name: str, filters: Filters, compute):
    key = f"kintrace.figures.{name}.{filters.key()}.{_version()}"
    value = cache.get(key)
    if value is None:
        value = {"as_of": timezone.now(), **compute(filters)}
        cache.set(key, value, CACHE_SECONDS)
    return value


def _recruitment_events(after: int | None = None, before: int | None = None) -> QuerySet:
    qs = EventPerson.objects.filter(
        person=OuterRef("pk"), role=EventRole.SUBJECT, event__type__in=RECRUITMENT_TYPES
    )
    if after is not None:
        qs = qs.filter(event__start_sort__gte=after)
    if before is not None:
        qs = qs.filter(event__start_sort__lt=before)
    return qs


def persons(filters: Filters) -> QuerySet:
    """The men the filters select (unmerged), as a queryset for further grouping."""
    qs = Person.objects.filter(merged_into__isnull=True)
    if filters.colony:
        qs = qs.filter(last_facility_id=filters.colony)
    if filters.region:
        qs = qs.filter(last_facility__region_id=filters.region)
    # First recruitment within [low, high]: one in the range and none before it.
    low, high = None, None
    if filters.wave:
        low, high = wave_bounds(filters.wave)
    if filters.start_sort is not None:
        low = max(low or 0, filters.start_sort)
    if filters.end_sort is not None:
        high = min(high or 10**9, filters.end_sort + 99)
    if low is not None or high is not None:
        inside = _recruitment_events(after=low).filter(
            event__start_sort__lte=high if high is not None else 10**9
        )
        qs = qs.filter(Exists(inside))
        if low is not None:
            qs = qs.exclude(Exists(_recruitment_events(before=low)))
    return qs


def _person_filtered(filters: Filters) -> bool:
    return bool(filters.region or filters.colony or filters.wave)


def _events(filters: Filters, types) -> QuerySet:
    """Subject links to events of `types` dated within the filter's range, of the selected
    men (a man filter only when one is set, so the plain page joins no subquery)."""
    qs = EventPerson.objects.filter(
        role=EventRole.SUBJECT, event__type__in=types, person__merged_into__isnull=True
    )
    if filters.start_sort is not None:
        qs = qs.filter(event__start_sort__gte=filters.start_sort)
    if filters.end_sort is not None:
        qs = qs.filter(event__start_sort__lte=filters.end_sort + 99)
    if _person_filtered(filters):
        if filters.region:
            qs = qs.filter(person__last_facility__region_id=filters.region)
        if filters.colony:
            qs = qs.filter(person__last_facility_id=filters.colony)
        if filters.wave:
            qs = qs.filter(person__in=persons(Filters(wave=filters.wave)).values("pk"))
    return qs


def _by_month(filters: Filters, types) -> dict:
    rows = (
        _events(filters, types)
        .exclude(event__start_month__isnull=True)
        .values("event__start_year", "event__start_month", "event__type")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[str, dict[str, int]] = {}
    for r in rows:
        month = f"{r['event__start_year']:04d}-{r['event__start_month']:02d}"
        counts.setdefault(month, {})[r["event__type"]] = r["n"]
    undated = _events(filters, types).filter(event__start_month__isnull=True).count()
    months = sorted(counts)
    return {
        "months": months,
        "series": [{"type": t, "values": [counts[m].get(t, 0) for m in months]} for t in types],
        "without_month": undated,
    }


def monthly(filters: Filters) -> dict:
    """Men recruited, deployed, killed, missing and returned home per month.

    Returns {"as_of", "months": ["2023-01", …], "series": [{"type", "values"}],
    "without_month": count of events dated only to the year (left out of the chart)}."""
    return _cached("monthly", filters, lambda f: _by_month(f, MONTHLY_TYPES))


def payments(filters: Filters) -> dict:
    """Payments promised, received and reported missing per month; same shape as monthly()."""
    return _cached("payments", filters, lambda f: _by_month(f, PAYMENT_TYPES))


def _outcomes(filters: Filters, field: str) -> list[dict]:
    rows = persons(filters).values(field, "status").annotate(n=Count("pk")).order_by()
    out: dict = {}
    for r in rows:
        out.setdefault(r[field], dict.fromkeys(STATUSES, 0))[r["status"]] = r["n"]
    return [
        {"key": key, "counts": [c[s] for s in STATUSES], "total": sum(c.values())}
        for key, c in out.items()
    ]


def colonies(filters: Filters) -> dict:
    """Men per colony (last facility) by status, largest first.

    Returns {"as_of", "statuses": [status values], "rows": [{"key": facility id or None, "label",
    "region": code, "counts": [per status], "total"}]}."""

    def compute(f: Filters) -> dict:
        rows = sorted(_outcomes(f, "last_facility"), key=lambda r: (-r["total"], r["key"] or 0))
        names = {
            fac.pk: (str(fac), fac.region_id or "")
            for fac in Facility.objects.select_related("region").filter(
                pk__in=[r["key"] for r in rows if r["key"]]
            )
        }
        for r in rows:
            r["label"], r["region"] = names.get(r["key"], ("—", ""))
        return {"statuses": _status_labels(), "rows": rows}

    return _cached("colonies", filters, compute)


def regions(filters: Filters) -> dict:
    """Men per region of their last facility by status; same shape as colonies(), the key a
    region code (None for men without a known region)."""

    def compute(f: Filters) -> dict:
        rows = sorted(
            _outcomes(f, "last_facility__region"), key=lambda r: (-r["total"], r["key"] or "")
        )
        names = {r.code: (r.name_ru, r.name_en) for r in Region.objects.all()}
        for r in rows:
            r["label_ru"], r["label_en"] = names.get(r["key"], ("—", "—"))
        return {"statuses": _status_labels(), "rows": rows}

    return _cached("regions", filters, compute)


def _status_labels() -> list[str]:
    """The statuses in the order of every "counts" list (labels are the caller's: the cache
    holds no language)."""
    return [s.value for s in STATUSES]


# --- survival -------------------------------------------------------------------------

_MONTHS = (
    "(({col}) / 10000) * 12 + CASE WHEN (({col}) / 100) %% 100 = 0 THEN 0 "
    "ELSE (({col}) / 100) %% 100 - 1 END"
)


def _survival_rows(filters: Filters, as_of_month: int) -> list[tuple]:
    """(first recruitment start_sort, months from deployment to the end or the as-of month,
    1 if the end was death or disappearance, men) grouped in the database."""
    ep = EventPerson._meta.db_table
    ev = Event._meta.db_table
    pe = Person._meta.db_table
    fa = Facility._meta.db_table
    where = ["p.merged_into_id IS NULL", "l.role = %s"]
    params: list[str | int] = [EventRole.SUBJECT.value]
    if filters.region:
        where.append("f.region_id = %s")
        params.append(filters.region)
    if filters.colony:
        where.append("p.last_facility_id = %s")
        params.append(filters.colony)
    rec = ", ".join(["%s"] * len(RECRUITMENT_TYPES))
    ends = ", ".join(["%s"] * len(END_TYPES))
    inner = (
        f"SELECT l.person_id AS pid, "  # noqa: S608 - table names from the models, values bound
        f"MIN(CASE WHEN e.type IN ({rec}) THEN e.start_sort END) AS rec, "
        f"MIN(CASE WHEN e.type = %s THEN e.start_sort END) AS dep, "
        f"MIN(CASE WHEN e.type IN ({ends}) THEN e.start_sort END) AS fin "
        f"FROM {ep} l JOIN {ev} e ON e.id = l.event_id JOIN {pe} p ON p.id = l.person_id "
        f"LEFT JOIN {fa} f ON f.id = p.last_facility_id "
        f"WHERE {' AND '.join(where)} GROUP BY l.person_id"
    )
    inner_params = [*RECRUITMENT_TYPES, EventType.DEPLOYED, *END_TYPES, *params]
    outer_where, outer_params = ["dep IS NOT NULL", "(fin IS NULL OR fin >= dep)"], []
    if filters.start_sort is not None:
        outer_where.append("dep >= %s")
        outer_params.append(filters.start_sort)
    if filters.end_sort is not None:
        outer_where.append("dep <= %s")
        outer_params.append(filters.end_sort + 99)
    if filters.wave:
        low, high = wave_bounds(filters.wave)
        outer_where.append("rec BETWEEN %s AND %s")
        outer_params += [low, high]
    # The wave is the quarter of rec: group by the year and quarter in SQL.
    wave_sql = (
        "CASE WHEN rec IS NULL THEN 0 ELSE (rec / 10000) * 10 + "
        "(CASE WHEN (rec / 100) %% 100 = 0 THEN 0 ELSE ((rec / 100) %% 100 - 1) / 3 + 1 END) END"
    )
    end_months = f"CASE WHEN fin IS NULL THEN %s ELSE {_MONTHS.format(col='fin')} END"
    sql = (
        f"SELECT {wave_sql} AS wave, "  # noqa: S608 - built from constants, values bound
        f"({end_months}) - ({_MONTHS.format(col='dep')}) AS months, "
        f"CASE WHEN fin IS NULL THEN 0 ELSE 1 END AS ended, COUNT(*) "
        f"FROM ({inner}) t WHERE {' AND '.join(outer_where)} GROUP BY 1, 2, 3"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [as_of_month, *inner_params, *outer_params])
        return cursor.fetchall()


def survival(filters: Filters) -> dict:
    """Kaplan–Meier estimate of the time from deployment to death or disappearance, by
    recruitment wave (lifelines' KaplanMeierFitter on counts grouped by months, weighted).

    A man is at risk from his first deployment; the event is his first "killed" or "missing";
    a man with neither is censored at the "as of" month (alive, wounded, captured, returned or
    unknown: we do not know he died). Months are whole calendar months between the dates
    (a date known to the year counts as January; its wave is the year alone). Returns
    {"as_of", "waves": [{"wave", "men",
    "ended", "median" (months or None), "at_6", "at_12" (survival shares or None),
    "curve": [(month, survival)]}]}."""

    def compute(f: Filters) -> dict:
        from lifelines import KaplanMeierFitter  # heavy import; only when computing

        now = timezone.localdate()
        rows = _survival_rows(f, now.year * 12 + now.month - 1)
        by_wave: dict[int, list[tuple[int, int, int]]] = {}
        for wave, months, ended, n in rows:
            by_wave.setdefault(wave, []).append((max(int(months), 0), int(ended), int(n)))
        waves = []
        for code in sorted(by_wave):
            data = by_wave[code]
            kmf = KaplanMeierFitter()
            kmf.fit(
                [d[0] for d in data],
                event_observed=[d[1] for d in data],
                weights=[d[2] for d in data],
            )
            curve = [(float(t), float(s)) for t, s in kmf.survival_function_.iloc[:, 0].items()]
            median = kmf.median_survival_time_
            waves.append(
                {
                    # year * 10 + quarter; quarter 0: known only to the year
                    "wave": (f"{code // 10}-Q{code % 10}" if code % 10 else str(code // 10))
                    if code
                    else "—",
                    "men": sum(d[2] for d in data),
                    "ended": sum(d[2] for d in data if d[1]),
                    "median": None if median == float("inf") else float(median),
                    "at_6": _at(curve, 6),
                    "at_12": _at(curve, 12),
                    "curve": curve,
                }
            )
        return {"waves": waves}

    return _cached("survival", filters, compute)


def _at(curve: list[tuple[float, float]], month: float) -> float | None:
    """The step function's value at `month`, or None past the last observation."""
    if not curve or month > curve[-1][0]:
        return None
    value = 1.0
    for t, s in curve:
        if t > month:
            break
        value = s
    return value


# --- choices for the filter form -----------------------------------------------------


def wave_choices() -> list[str]:
    """Every recruitment wave in the registry, oldest first (one grouped query, cached)."""
    return _cached("waves", Filters(), _waves)["waves"]


def _waves(_filters: Filters) -> dict:
    rows = (
        Event.objects.filter(type__in=RECRUITMENT_TYPES)
        .values("start_year", "start_month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    waves = {
        wave_of(sort_key(r["start_year"], r["start_month"], None)) for r in rows if r["start_year"]
    }
    return {"waves": sorted(waves)}


def colony_choices(*, region: str = "", colony: int | None = None) -> list[tuple[int, str]]:
    """The colonies a filter may choose: those of `region` that hold at least one man, and
    the colony `colony` (an id) if it exists — a registry has hundreds of
    colonies, too many for one list; one chooses a region first, or follows a colony's link
    from its region's page."""
    used = Person.objects.filter(last_facility=OuterRef("pk"), merged_into__isnull=True)
    wanted = Q(region_id=region) & Exists(used) if region else Q(pk__in=[])
    if colony is not None:
        wanted |= Q(pk=colony)
    return [
        (f.pk, str(f))
        for f in Facility.objects.select_related("region")
        .filter(wanted)
        .order_by("region__name_ru", "type", "number")
    ]


def region_choices() -> list[Region]:
    return list(Region.objects.order_by("name_ru"))


def region_or_none(code: str) -> Region | None:
    return Region.objects.filter(pk=code).first()


def totals(filters: Filters) -> dict:
    """How many men the filters select, and how many are dead and missing."""

    def compute(f: Filters) -> dict:
        row = persons(f).aggregate(
            men=Count("pk"),
            dead=Count("pk", filter=Q(status=PersonStatus.DEAD)),
            missing=Count("pk", filter=Q(status=PersonStatus.MISSING)),
        )
        return dict(row)

    return _cached("totals", filters, compute)
