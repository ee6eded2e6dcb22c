"""Reads from the registry. Views and other apps call these, never the ORM directly."""

from collections.abc import Iterable

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Length

from kintrace.names.facilities import parse_facility

from .models import (
    WELL_SOURCED_CREDIBILITY,
    WELL_SOURCED_RELIABILITY,
    Citation,
    ConflictState,
    Event,
    EventDeletion,
    EventPerson,
    EventRole,
    EventType,
    Facility,
    Person,
    PersonName,
    PersonStatus,
    Region,
    Source,
    StatusConflict,
)
from .search import person_search
from .status import Candidate, Decision, best_grade, derive_status, find_conflicts

__all__ = [
    "person_search",
    "person_get",
    "person_list",
    "person_timeline",
    "person_status_explain",
    "facility_list",
    "facility_get",
    "facility_summary",
    "source_list",
    "source_get",
    "region_list",
    "status_candidates",
    "person_conflicts",
    "facility_matches",
    "person_deletions",
    "person_open_conflicts",
    "conflicts_open",
    "facility_choices",
    "conflicts_if_added",
    "event_in_open_conflict",
]


def _with_names(qs: QuerySet) -> QuerySet:
    return qs.prefetch_related(
        Prefetch("names", queryset=PersonName.objects.order_by("-is_primary", "id"))
    )


def person_get(pk: int) -> Person:
    """One person with names (and their sources), last facility and its region loaded;
    Person.DoesNotExist if absent."""
    return (
        Person.objects.select_related("last_facility__region")
        .prefetch_related(
            Prefetch(
                "names",
                queryset=PersonName.objects.select_related("source").order_by("-is_primary", "id"),
            )
        )
        .get(pk=pk)
    )


PERSON_SORTS = {
    "updated": ("-updated_at", "-id"),
    "name": ("sort_name", "id"),
    "birth": (F("birth_year").asc(nulls_last=True), "birth_month", "birth_day", "id"),
    "status": ("status", "-updated_at", "-id"),
}


def person_list(
    *,
    status: str = "",
    facility: Facility | None = None,
    region: Region | None = None,
    birth_year: int | None = None,
    sort: str = "updated",
) -> QuerySet:
    """Persons not merged into another, filtered by status, last known facility, its region
    and birth year, in one of PERSON_SORTS (newest change first by default)."""
    qs = Person.objects.filter(merged_into__isnull=True).select_related("last_facility__region")
    if status:
        qs = qs.filter(status=status)
    if facility is not None:
        qs = qs.filter(last_facility=facility)
    if region is not None:
        qs = qs.filter(last_facility__region=region)
    if birth_year is not None:
        qs = qs.filter(birth_year=birth_year)
    if sort == "name":
        main = PersonName.objects.filter(person=OuterRef("pk")).order_by("-is_primary", "id")
        qs = qs.annotate(sort_name=Subquery(main.values("full_text")[:1]))
    return _with_names(qs.order_by(*PERSON_SORTS.get(sort, PERSON_SORTS["updated"])))


def person_timeline(person: Person) -> list[Event]:
    """The person's events, oldest first, each with its citations (source and quote), the
    other persons involved and `role` (this person's role in it)."""
    events = (
        Event.objects.filter(participants__person=person)
        .select_related("facility__region", "region")
        .prefetch_related(
            Prefetch("citations", queryset=Citation.objects.select_related("source")),
            Prefetch("participants", queryset=EventPerson.objects.select_related("person")),
        )
        .order_by("start_sort", "id")
        .distinct()
    )
    out = []
    for e in events:
        e.role = next(
            (p.role for p in e.participants.all() if p.person_id == person.pk), EventRole.SUBJECT
        )
        e.role_label = str(EventRole(e.role).label)
        out.append(e)
    return out


def facility_matches(ref) -> list[Facility]:
    """The registry facilities a parsed reference (FacilityRef) may name: its type and number,
    in its region when it names one, else in any region."""
    qs = Facility.objects.select_related("region").filter(type=ref.type, number=str(ref.number))
    if ref.region_code:
        qs = qs.filter(region_id=ref.region_code)
    return list(qs.order_by("region__name_ru"))


def person_conflicts(person_id: int) -> list[tuple[int, int, str]]:
    """The person's recorded conflicts as (death event, life event, state), for derive_status."""
    return list(
        StatusConflict.objects.filter(person_id=person_id).values_list(
            "death_event_id", "life_event_id", "state"
        )
    )


def status_candidates(person_ids: Iterable[int]) -> dict[int, list[Candidate]]:
    """The status-relevant facts of every subject event of these persons, in two queries."""
    person_ids = list(person_ids)
    links = EventPerson.objects.filter(
        person_id__in=person_ids, role=EventRole.SUBJECT
    ).select_related("event")
    by_person: dict[int, list[Event]] = {}
    event_ids = set()
    for link in links:
        by_person.setdefault(link.person_id, []).append(link.event)
        event_ids.add(link.event_id)
    grades: dict[int, list[tuple[str, int]]] = {}
    for event_id, r, c in Citation.objects.filter(event_id__in=event_ids).values_list(
        "event_id", "source__reliability", "source__credibility"
    ):
        grades.setdefault(event_id, []).append((r, c))
    out: dict[int, list[Candidate]] = {pid: [] for pid in person_ids}
    for pid, events in by_person.items():
        for e in events:
            g = grades.get(e.pk, [])
            out[pid].append(
                Candidate(
                    event_id=e.pk,
                    type=e.type,
                    start_sort=e.start_sort,
                    date_display=e.date_display,
                    well_sourced=any(
                        r in WELL_SOURCED_RELIABILITY and c in WELL_SOURCED_CREDIBILITY
                        for r, c in g
                    ),
                    best_grade=best_grade(g),
                )
            )
    return out


def person_status_explain(person: Person) -> Decision:
    """The status decision with its reason, derived now in the reader's language."""
    return derive_status(status_candidates([person.pk])[person.pk], person_conflicts(person.pk))


def person_deletions(person: Person) -> list[EventDeletion]:
    """Events deleted from the person's story (restored ones too), newest first — his own and
    those of the records merged into him (a merge moves every man merged before to him)."""
    ids = [person.pk, *Person.objects.filter(merged_into=person).values_list("pk", flat=True)]
    return list(
        EventDeletion.objects.filter(persons__in=ids)
        .distinct()
        .select_related("deleted_by", "restored_by")
        .order_by("-deleted_at", "-id")
    )


def _conflicts(qs) -> QuerySet:
    return qs.select_related("death_event", "life_event", "resolved_by").prefetch_related(
        "death_event__citations__source", "life_event__citations__source"
    )


def person_open_conflicts(person: Person) -> list[StatusConflict]:
    """The person's undecided conflicts (a death, then a sign of life), with both events."""
    return list(_conflicts(person.conflicts.filter(state=ConflictState.OPEN)))


def conflicts_open() -> QuerySet:
    """Every undecided conflict of a person not merged away, oldest first: the review queue."""
    return (
        _conflicts(
            StatusConflict.objects.filter(
                state=ConflictState.OPEN, person__merged_into__isnull=True
            )
        )
        .select_related("person")
        .prefetch_related("person__names")
        .order_by("opened_at", "id")
    )


def conflicts_if_added(
    person: Person, *, event_type: str, start_sort: int = 0, well_sourced: bool = False
) -> list[Candidate]:
    """The person's events a new event would contradict (registry/status.py, rule 6): shown
    before a reviewer confirms a list entry, e.g. a hospital admission after a recorded
    death."""
    candidates = status_candidates([person.pk])[person.pk]
    new = Candidate(
        event_id=0,
        type=event_type,
        start_sort=start_sort,
        date_display="",
        well_sourced=well_sourced,
        best_grade="",
    )
    out = []
    for death, life in find_conflicts([*candidates, new]):
        if life.event_id == 0:
            out.append(death)
        elif death.event_id == 0:
            out.append(life)
    return out


def event_in_open_conflict(event: Event) -> bool:
    """Whether the event is one side of an undecided conflict."""
    return StatusConflict.objects.filter(
        Q(death_event=event) | Q(life_event=event), state=ConflictState.OPEN
    ).exists()


def facility_choices(text: str) -> list[Facility]:
    """The registry facilities an unresolved facility text may mean (type and number alike)."""

    ref = parse_facility(text) if text else None
    if ref is None or ref.type is None or ref.number is None:
        return []
    return facility_matches(ref)


def _count_of(qs: QuerySet, field: str) -> Coalesce:
    """COUNT(*) of `qs` rows whose `field` is the outer facility, as a correlated subquery."""
    counted = (
        qs.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def facility_list() -> QuerySet:
    """Facilities with their counts of persons (last known there, not merged away) and of
    events. Each count is its own subquery: counting both over one join multiplies a
    facility's persons by its events (60 x 207 rows for one colony) before DISTINCT."""
    return (
        Facility.objects.select_related("region")
        .annotate(
            person_count=_count_of(
                Person.objects.filter(merged_into__isnull=True), "last_facility"
            ),
            event_count=_count_of(Event.objects.all(), "facility"),
        )
        .order_by("type", "region__name_ru", Length("number"), "number")
    )


def facility_get(pk: int) -> Facility:
    return Facility.objects.select_related("region").get(pk=pk)


def facility_summary(facility: Facility) -> dict:
    """A facility's persons (last known there or named in its events) and its events, as
    querysets for the caller to page through, and the counts by event type and by status."""
    person_q = Q(last_facility=facility) | Q(event_links__event__facility=facility)
    person_ids = Person.objects.filter(person_q, merged_into__isnull=True).values("pk")
    persons = _with_names(Person.objects.filter(pk__in=person_ids)).order_by("pk")
    events = Event.objects.filter(facility=facility).order_by("-start_sort", "-id")
    type_labels = dict(EventType.choices)
    status_labels = dict(PersonStatus.choices)
    by_type = [
        {"type": row["type"], "label": type_labels.get(row["type"], row["type"]), "count": row["n"]}
        for row in events.values("type").annotate(n=Count("id")).order_by("-n", "type")
    ]
    by_status = [
        {
            "status": row["status"],
            "label": status_labels.get(row["status"], row["status"]),
            "count": row["n"],
        }
        for row in persons.order_by().values("status").annotate(n=Count("id")).order_by("-n")
    ]
    return {
        "facility": facility,
        "person_count": persons.count(),
        "persons": persons,
        "event_count": events.count(),
        "events": events.select_related("facility__region").prefetch_related(
            Prefetch(
                "participants",
                queryset=EventPerson.objects.select_related("person").prefetch_related(
                    "person__names"
                ),
            )
        ),
        "by_type": by_type,
        "by_status": by_status,
    }


def source_list(*, query: str = "") -> QuerySet:
    qs = Source.objects.annotate(event_count=Count("events", distinct=True)).order_by(
        "-created_at", "-id"
    )
    if query:
        qs = qs.filter(Q(title__icontains=query) | Q(publisher__icontains=query))
    return qs


def source_get(pk: int) -> Source:
    return Source.objects.get(pk=pk)


def source_events(source: Source) -> QuerySet:
    """The events citing the source, newest first, for the caller to page through."""
    return (
        Event.objects.filter(citations__source=source)
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=EventPerson.objects.select_related("person").prefetch_related(
                    "person__names"
                ),
            ),
            Prefetch("citations", queryset=Citation.objects.filter(source=source)),
        )
        .order_by("-start_sort", "-id")
        .distinct()
    )


def region_list() -> QuerySet:
    return Region.objects.order_by("name_ru")


def person_casework(person: Person) -> dict:
    """His cases (open first, then newest) and the relatives' reports linked to him, for the
    links on his page. Only what triage already shows in clear: no reporter data."""
    cases = sorted(
        person.cases.select_related("assignee").all(),
        key=lambda c: (not c.is_open, -c.updated_at.timestamp()),
    )
    reports = person.reports.order_by("-created_at")
    return {"cases": cases, "reports": list(reports)}


def event_or_none(pk: int, *, person: Person | None = None) -> Event | None:
    """One event (of `person`, when given), or None."""
    qs = Event.objects.filter(pk=pk)
    if person is not None:
        qs = qs.filter(participants__person=person)
    return qs.first()


def citation_or_none(pk: int) -> Citation | None:
    return Citation.objects.select_related("event").filter(pk=pk).first()


def deletion_or_none(pk: int) -> EventDeletion | None:
    return EventDeletion.objects.filter(pk=pk).first()


def conflict_or_none(pk: int) -> StatusConflict | None:
    return StatusConflict.objects.filter(pk=pk).first()


def person_survivor(person_id: int) -> int:
    """The person a (possibly merged-away) person id stands for now: merges followed."""
    seen: set[int] = set()
    while person_id not in seen:
        seen.add(person_id)
        into = Person.objects.filter(pk=person_id).values_list("merged_into_id", flat=True).first()
        if not into:
            return person_id
        person_id = into
    return person_id
