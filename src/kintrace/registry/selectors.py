"""Reads from the registry. Views and other apps call these, never the ORM directly."""

from collections.abc import Iterable

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Length

from .models import (
    WELL_SOURCED_CREDIBILITY,
    WELL_SOURCED_RELIABILITY,
    Citation,
    Event,
    EventPerson,
    EventRole,
    EventType,
    Facility,
    Person,
    PersonName,
    PersonStatus,
    Region,
    Source,
)
from .search import person_search
from .status import Candidate, Decision, best_grade, derive_status

__all__ = [
    "person_search", "person_get", "person_list", "person_timeline", "person_status_explain",
    "facility_list", "facility_get", "facility_summary", "source_list", "source_get",
    "registry_numbers", "region_list", "status_candidates",
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
        .prefetch_related(Prefetch(
            "names",
            queryset=PersonName.objects.select_related("source").order_by("-is_primary", "id"),
        ))
        .get(pk=pk)
    )


def person_list(*, status: str = "") -> QuerySet:
    """Persons not merged into another, newest change first, optionally of one status."""
    qs = Person.objects.filter(merged_into__isnull=True).select_related("last_facility__region")
    if status:
        qs = qs.filter(status=status)
    return _with_names(qs)


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
        e.role = next((p.role for p in e.participants.all() if p.person_id == person.pk),
                      EventRole.SUBJECT)
        e.role_label = EventRole(e.role).label
        out.append(e)
    return out


def status_candidates(person_ids: Iterable[int]) -> dict[int, list[Candidate]]:
    """The status-relevant facts of every subject event of these persons, in two queries."""
    person_ids = list(person_ids)
    links = (
        EventPerson.objects.filter(person_id__in=person_ids, role=EventRole.SUBJECT)
        .select_related("event")
    )
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
            out[pid].append(Candidate(
                event_id=e.pk, type=e.type, start_sort=e.start_sort,
                date_display=e.date_display,
                well_sourced=any(
                    r in WELL_SOURCED_RELIABILITY and c in WELL_SOURCED_CREDIBILITY
                    for r, c in g
                ),
                best_grade=best_grade(g),
            ))
    return out


def person_status_explain(person: Person) -> Decision:
    """The status decision with its reason, derived now in the reader's language."""
    return derive_status(status_candidates([person.pk])[person.pk])


def facility_list() -> QuerySet:
    """Facilities with their counts of persons (last known there) and of events."""
    return Facility.objects.select_related("region").annotate(
        person_count=Count("persons", distinct=True),
        event_count=Count("events", distinct=True),
    ).order_by("type", "region__name_ru", Length("number"), "number")


def facility_get(pk: int) -> Facility:
    return Facility.objects.select_related("region").get(pk=pk)


def facility_summary(facility: Facility, *, limit: int = 500) -> dict:
    """A facility's persons (last known there or named in its events), its events and the
    counts by event type and by status."""
    person_q = Q(last_facility=facility) | Q(event_links__event__facility=facility)
    person_ids = Person.objects.filter(person_q, merged_into__isnull=True).values("pk")
    persons = _with_names(Person.objects.filter(pk__in=person_ids)).order_by("pk")
    events = Event.objects.filter(facility=facility).order_by("-start_sort", "-id")
    type_labels = dict(EventType.choices)
    status_labels = dict(PersonStatus.choices)
    by_type = [
        {"type": row["type"], "label": type_labels.get(row["type"], row["type"]),
         "count": row["n"]}
        for row in events.values("type").annotate(n=Count("id")).order_by("-n", "type")
    ]
    by_status = [
        {"status": row["status"], "label": status_labels.get(row["status"], row["status"]),
         "count": row["n"]}
        for row in persons.order_by().values("status").annotate(n=Count("id")).order_by("-n")
    ]
    return {
        "facility": facility,
        "person_count": persons.count(),
        "persons": list(persons[:limit]),
        "event_count": events.count(),
        "events": list(
            events.prefetch_related(
                Prefetch("participants",
                         queryset=EventPerson.objects.select_related("person").prefetch_related(
                             "person__names"))
            )[:limit]
        ),
        "by_type": by_type,
        "by_status": by_status,
    }


def source_list(*, query: str = "") -> QuerySet:
    qs = Source.objects.annotate(event_count=Count("events", distinct=True)).order_by(
        "-created_at", "-id")
    if query:
        qs = qs.filter(Q(title__icontains=query) | Q(publisher__icontains=query))
    return qs


def source_get(pk: int) -> Source:
    return Source.objects.get(pk=pk)


def source_events(source: Source) -> list[Event]:
    return list(
        Event.objects.filter(citations__source=source)
        .prefetch_related(
            Prefetch("participants",
                     queryset=EventPerson.objects.select_related("person").prefetch_related(
                         "person__names")),
            Prefetch("citations", queryset=Citation.objects.filter(source=source)),
        )
        .order_by("-start_sort", "-id")
        .distinct()
    )


def region_list() -> QuerySet:
    return Region.objects.order_by("name_ru")


def registry_numbers() -> dict:
    """Counts only, no names: persons by status, events by type, persons by facility and by
    region. Safe for the analyst role."""
    persons = Person.objects.filter(merged_into__isnull=True)
    status_labels = dict(PersonStatus.choices)
    type_labels = dict(EventType.choices)
    by_status = [
        {"label": status_labels.get(r["status"], r["status"]), "count": r["n"]}
        for r in persons.order_by().values("status").annotate(n=Count("id")).order_by("-n")
    ]
    by_type = [
        {"label": type_labels.get(r["type"], r["type"]), "count": r["n"]}
        for r in Event.objects.order_by().values("type").annotate(n=Count("id")).order_by("-n")
    ]
    by_facility = list(
        Facility.objects.select_related("region")
        .annotate(
            n=Count("persons", filter=Q(persons__merged_into__isnull=True), distinct=True),
            dead=Count("persons", filter=Q(persons__status=PersonStatus.DEAD), distinct=True),
            missing=Count("persons", filter=Q(persons__status=PersonStatus.MISSING),
                          distinct=True),
        )
        .filter(n__gt=0)
        .order_by("-n")
    )
    by_region = list(
        persons.exclude(last_facility__region__isnull=True)
        .order_by()
        .values("last_facility__region__name_ru", "last_facility__region__name_en")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    return {
        "persons": persons.count(),
        "events": Event.objects.count(),
        "sources": Source.objects.count(),
        "facilities": Facility.objects.count(),
        "by_status": by_status,
        "by_type": by_type,
        "by_facility": by_facility,
        "by_region": by_region,
    }
